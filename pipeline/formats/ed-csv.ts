/**
 * Reader for ED visit CSV (FORMATS.md, "ED visits"). Streams results in arrays as the parser
 * produces them: a valid visit, or the line and fields that are wrong. A file-level problem
 * (empty file, missing columns, broken quoting) is a FileFormatError: nothing in it is loaded.
 */
import type { Readable } from 'node:stream';
import { ED_VISIT_COLUMNS, type EdVisit, type EdVisitRow } from '../records/ed-visit.ts';
import { type FieldError, validateEdVisitRow } from '../records/ed-visit-schema.ts';
import { FileFormatError } from './certificate-csv.ts';
import { CsvParser, CsvSyntaxError, readCsv } from './csv.ts';

/** One ED CSV or NDJSON record: a visit, or where it is and what is wrong with it. */
export type EdReadResult =
  | { ok: true; line: number; record: EdVisit }
  | { ok: false; line: number; recordId: string | null; errors: FieldError[] };

/** Column positions in ED_VISIT_COLUMNS order (the order the row literal below relies on); fails naming every column that is missing. */
export function edColumnPositions(header: readonly string[]): number[] {
  const normalised = header.map((name) => name.trim().toLowerCase());
  const positions = ED_VISIT_COLUMNS.map((column) => normalised.indexOf(column));
  const missing = ED_VISIT_COLUMNS.filter((_, i) => positions[i]! < 0);
  if (missing.length === ED_VISIT_COLUMNS.length) {
    throw new FileFormatError(`the first line is not the ED visit header; it must name the columns: ${ED_VISIT_COLUMNS.join(',')}`, 1);
  }
  if (missing.length > 0) throw new FileFormatError(`missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, 1);
  return positions;
}

/** Validates one row into a result located at `line`. */
export function edRowResult(line: number, row: EdVisitRow, extraErrors: FieldError[] = []): EdReadResult {
  const validated = validateEdVisitRow(row);
  if (validated.ok && extraErrors.length === 0) return { ok: true, line, record: validated.visit };
  const errors = validated.ok ? extraErrors : [...extraErrors, ...validated.errors];
  return { ok: false, line, recordId: row.visit_id?.trim() || null, errors };
}

/** The result of one data record, given the header's column positions (edColumnPositions) and length. */
export function edRecordResult(line: number, fields: readonly string[], positions: readonly number[], headerLength: number): EdReadResult {
  const p = positions;
  const row: EdVisitRow = {
    visit_id: fields[p[0]!] ?? '',
    facility_id: fields[p[1]!] ?? '',
    visit_datetime: fields[p[2]!] ?? '',
    age: fields[p[3]!] ?? '',
    sex: fields[p[4]!] ?? '',
    patient_county_fips: fields[p[5]!] ?? '',
    chief_complaint: fields[p[6]!] ?? '',
    triage_note: fields[p[7]!] ?? '',
    discharge_diagnoses: fields[p[8]!] ?? '',
  };
  const short: FieldError[] = fields.length < headerLength ? [{ field: '', message: `has ${fields.length} fields, the header has ${headerLength}` }] : [];
  return edRowResult(line, row, short);
}

/**
 * Validates a chunk of whole data records cut from an ED CSV file (csv-chunks.ts), starting at
 * `firstLine`: what a coding worker reads. A CsvSyntaxError says the chunk's quoting is broken.
 */
export function edCsvTextResults(text: string, firstLine: number, positions: readonly number[], headerLength: number): EdReadResult[] {
  const parser = new CsvParser(firstLine);
  return parser.end(parser.push(text)).map(({ line, fields }) => edRecordResult(line, fields, positions, headerLength));
}

/** Reads and validates an ED CSV file, columns in any order (extra ones ignored). */
export async function* readEdCsv(input: Readable): AsyncGenerator<EdReadResult[]> {
  let positions: number[] | null = null;
  let headerLength = 0;
  try {
    for await (const records of readCsv(input)) {
      const results: EdReadResult[] = [];
      for (const { line, fields } of records) {
        if (positions === null) {
          positions = edColumnPositions(fields);
          headerLength = fields.length;
          continue;
        }
        results.push(edRecordResult(line, fields, positions, headerLength));
      }
      if (results.length > 0) yield results;
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new FileFormatError(error.message.replace(/^line \d+: /, ''), error.line);
    throw error;
  }
  if (positions === null) throw new FileFormatError('the file is empty: expected the ED visit header and at least one record');
}
