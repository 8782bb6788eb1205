/**
 * Reader for the certificate CSV template (DESIGN.md, "Contracts"). Streams records, one at a
 * time: a valid certificate, or the line and fields that are wrong. A file-level problem (empty
 * file, missing columns, broken quoting) is a FileFormatError: nothing in it is loaded.
 */
import type { Readable } from 'node:stream';
import { CERTIFICATE_COLUMNS, CERTIFICATE_OPTIONAL_COLUMNS, type Certificate, type CertificateRow } from '../records/certificate.ts';
import { validateCertificateRow, type FieldError } from '../records/certificate-schema.ts';
import { CsvSyntaxError, readCsv } from './csv.ts';

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
function columnPositions(header: string[]): Map<string, number> {
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

/** Reads a template file, yielding results in arrays as the parser produces them. */
export async function* readCertificateCsv(input: Readable): AsyncGenerator<CertificateReadResult[]> {
  let positions: Map<string, number> | null = null;
  let headerLength = 0;
  try {
    for await (const records of readCsv(input)) {
      const results: CertificateReadResult[] = [];
      for (const record of records) {
        if (positions === null) {
          positions = columnPositions(record.fields);
          headerLength = record.fields.length;
          continue;
        }
        const row = {} as Record<string, string>;
        for (const [column, index] of positions) row[column] = record.fields[index] ?? '';
        const validated = validateCertificateRow(row as CertificateRow);
        if (validated.ok) {
          results.push({ ok: true, line: record.line, certificate: validated.certificate });
        } else {
          const errors = validated.errors;
          if (record.fields.length < headerLength) {
            errors.unshift({ field: '', message: `has ${record.fields.length} fields, the header has ${headerLength}` });
          }
          results.push({ ok: false, line: record.line, recordId: row.certificate_id?.trim() || null, errors });
        }
      }
      if (results.length > 0) yield results;
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new FileFormatError(error.message.replace(/^line \d+: /, ''), error.line);
    throw error;
  }
  if (positions === null) throw new FileFormatError('the file is empty: expected the certificate template header and at least one record');
}
