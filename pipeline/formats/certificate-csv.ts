/**
 * Reader for the certificate CSV template (DESIGN.md, "Contracts"). Streams records, one at a
 * time: a valid certificate, or the line and fields that are wrong. A file-level problem (empty
 * file, missing columns, broken quoting) is a FileFormatError: nothing in it is loaded.
 */
import type { Readable } from 'node:stream';
import { CERTIFICATE_COLUMNS, CERTIFICATE_OPTIONAL_COLUMNS, type Certificate, type CertificateRow } from '../records/certificate.ts';
import { validateCertificateRow, type FieldError } from '../records/certificate-schema.ts';
import { CsvSyntaxError, readCsv, type CsvRecord } from './csv.ts';

export class FileFormatError extends Error {
  override name = 'FileFormatError';
  constructor(
    message: string,
    readonly line: number | null = null,
  ) {
    super(line === null ? message : `line ${line}: ${message}`);
  }
}

export type CertificateReadResult =
  | { ok: true; line: number; certificate: Certificate }
  | { ok: false; line: number; recordId: string | null; errors: FieldError[] };

const KNOWN_COLUMNS: readonly string[] = [...CERTIFICATE_COLUMNS, ...CERTIFICATE_OPTIONAL_COLUMNS];

/** Maps header names to positions; fails naming every required column that is missing. */
export function columnPositions(header: string[]): Map<string, number> {
  const normalised = header.map((name) => name.trim().toLowerCase());
  const missing = CERTIFICATE_COLUMNS.filter((column) => !normalised.includes(column));
  if (missing.length > 0) {
    const looksLikeData = normalised.every((name) => !KNOWN_COLUMNS.includes(name));
    throw new FileFormatError(
      looksLikeData
        ? `the first line is not the certificate template header; it must start with: ${CERTIFICATE_COLUMNS.join(',')}`
        : `missing required column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`,
      1,
    );
  }
  const positions = new Map<string, number>();
  for (const column of KNOWN_COLUMNS) {
    const index = normalised.indexOf(column);
    if (index >= 0) positions.set(column, index);
  }
  return positions;
}

/** One parsed record keyed by column name (positions from the header). */
export function mapRecord(record: CsvRecord, positions: ReadonlyMap<string, number>, headerLength: number): CertificateRowRecord {
  const row = {} as Record<string, string>;
  for (const [column, index] of positions) row[column] = record.fields[index] ?? '';
  return {
    line: record.line,
    row: row as CertificateRow,
    shortBy: record.fields.length < headerLength ? { fields: record.fields.length, header: headerLength } : null,
  };
}

/** A template row mapped to column names, before validation. */
export interface CertificateRowRecord {
  line: number;
  row: CertificateRow;
  /** Set when the record has fewer fields than the header. */
  shortBy: { fields: number; header: number } | null;
}

/**
 * Reads a template file into rows keyed by column name, in arrays as the parser produces them.
 * File-level problems throw FileFormatError; record-level validation is the caller's (so it can
 * run in worker threads).
 */
export async function* readCertificateRows(input: Readable): AsyncGenerator<CertificateRowRecord[]> {
  let positions: Map<string, number> | null = null;
  let headerLength = 0;
  try {
    for await (const records of readCsv(input)) {
      const rows: CertificateRowRecord[] = [];
      for (const record of records) {
        if (positions === null) {
          positions = columnPositions(record.fields);
          headerLength = record.fields.length;
          continue;
        }
        rows.push(mapRecord(record, positions, headerLength));
      }
      if (rows.length > 0) yield rows;
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new FileFormatError(error.message.replace(/^line \d+: /, ''), error.line);
    throw error;
  }
  if (positions === null) throw new FileFormatError('the file is empty: expected the certificate template header and at least one record');
}

/** Validates one mapped row: a certificate, or its line and field errors. */
export function validateRowRecord({ line, row, shortBy }: CertificateRowRecord): CertificateReadResult {
  const validated = validateCertificateRow(row);
  if (validated.ok) return { ok: true, line, certificate: validated.certificate };
  const errors = validated.errors;
  if (shortBy) errors.unshift({ field: '', message: `has ${shortBy.fields} fields, the header has ${shortBy.header}` });
  return { ok: false, line, recordId: row.certificate_id?.trim() || null, errors };
}

/** Reads and validates a template file, yielding results in arrays as the parser produces them. */
export async function* readCertificateCsv(input: Readable): AsyncGenerator<CertificateReadResult[]> {
  for await (const rows of readCertificateRows(input)) yield rows.map(validateRowRecord);
}
