/**
 * Reader for ED visit NDJSON (FORMATS.md, "ED visits"): one JSON object per line with the ED CSV
 * column names. A line that is not JSON is a located error like any bad record; the rest loads.
 */
import type { Readable } from 'node:stream';
import { ED_VISIT_COLUMNS, type EdVisitRow } from '../records/ed-visit.ts';
import type { FieldError } from '../records/ed-visit-schema.ts';
import { edRowResult, type EdReadResult } from './ed-csv.ts';

/** A JSON value as the string the CSV would have held; null when it cannot be one. */
function asText(value: unknown): string | null {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Validates one line (without its line break); null for a blank line. */
export function ndjsonLineResult(line: number, text: string): EdReadResult | null {
  if (text.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, line, recordId: null, errors: [{ field: '', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, line, recordId: null, errors: [{ field: '', message: 'not a JSON object' }] };
  }
  const object = parsed as Record<string, unknown>;
  const row = {} as Record<string, string>;
  const errors: FieldError[] = [];
  for (const column of ED_VISIT_COLUMNS) {
    let value = object[column];
    // Diagnoses may come as a list; the CSV form is `;`-separated.
    if (column === 'discharge_diagnoses' && Array.isArray(value) && value.every((code) => typeof code === 'string')) value = value.join(';');
    const text = asText(value);
    if (text === null) errors.push({ field: column, message: 'not a string or number' });
    row[column] = text ?? '';
  }
  return edRowResult(line, row as EdVisitRow, errors);
}

/** Reads and validates an NDJSON file, yielding results in arrays (one per chunk read). */
export async function* readEdNdjson(input: Readable): AsyncGenerator<EdReadResult[]> {
  input.setEncoding('utf8');
  let pending = '';
  let line = 1;
  let first = true;
  const take = (text: string, out: EdReadResult[]) => {
    const result = ndjsonLineResult(line, text.endsWith('\r') ? text.slice(0, -1) : text);
    if (result) out.push(result);
    line++;
  };
  for await (const chunk of input as AsyncIterable<string>) {
    let text = pending + chunk;
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const results: EdReadResult[] = [];
    let from = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', from)) {
      take(text.slice(from, end), results);
      from = end + 1;
    }
    pending = text.slice(from);
    if (results.length > 0) yield results;
  }
  const last: EdReadResult[] = [];
  if (pending !== '') take(pending, last);
  if (last.length > 0) yield last;
}
