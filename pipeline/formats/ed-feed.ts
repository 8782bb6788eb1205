/**
 * One way in for ED visit feeds: ED CSV, ED NDJSON, or HL7 v2 ADT (a file of messages or an
 * MLLP stream). Results come in arrays, each a visit or a located error.
 */
import type { Readable } from 'node:stream';
import { type EdReadResult, readEdCsv } from './ed-csv.ts';
import { readEdNdjson } from './ed-ndjson.ts';
import { type AdtMessageResult, readHl7Visits } from './hl7/read-hl7.ts';
import type { Hl7VisitResult } from './hl7/visits.ts';

export type { EdReadResult } from './ed-csv.ts';
export type { Hl7VisitResult } from './hl7/visits.ts';

export const ED_FORMATS = ['ed-csv', 'ed-ndjson', 'hl7'] as const;
export type EdFormat = (typeof ED_FORMATS)[number];

/** ED CSV and NDJSON results carry a line; HL7 results a message number, line (or null) and byte offset. */
export type EdFeedResult = EdReadResult | Hl7VisitResult;

export function readEdFeed(input: Readable, format: EdFormat): AsyncGenerator<EdFeedResult[]> {
  switch (format) {
    case 'ed-csv':
      return readEdCsv(input);
    case 'ed-ndjson':
      return readEdNdjson(input);
    case 'hl7':
      return readHl7Visits(input);
  }
}

const BY_EXTENSION: Record<string, EdFormat> = Object.assign(Object.create(null) as Record<string, EdFormat>, { hl7: 'hl7', mllp: 'hl7', ndjson: 'ed-ndjson', jsonl: 'ed-ndjson', csv: 'ed-csv' });

/**
 * Which reader an ED feed needs, from its first bytes (a few hundred are plenty; content decides
 * when it is clear), then its name. When neither tells, 'ed-csv': that reader says what it
 * expected (as detectDeathFormat does for death files).
 */
export function detectEdFormat(firstBytes: Uint8Array | string, fileName: string): EdFormat {
  const raw = typeof firstBytes === 'string' ? firstBytes : Buffer.from(firstBytes).toString('utf8');
  const text = raw.replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('\u000b') || /^(MSH|FHS|BHS)[^A-Za-z0-9\s]/.test(text)) return 'hl7';
  if (text.startsWith('{')) return 'ed-ndjson';
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (/(^|,)\s*"?visit_id"?\s*(,|$)/i.test(firstLine)) return 'ed-csv';
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  return BY_EXTENSION[extension] ?? 'ed-csv';
}

/** Where a result is, as error messages name it: `line 12`, `message 3 (line 17)`, `message 3 (byte 1024)`. */
export function describeLocation(result: EdFeedResult | AdtMessageResult): string {
  if (!('message' in result)) return `line ${result.line}`;
  return `message ${result.message} (${result.line === null ? `byte ${result.offset}` : `line ${result.line}`})`;
}

/** One line per error: `line 4: age: not an age in whole years (0-120)`, `message 3 (line 17): PV1-19 visit id is empty`. */
export function formatEdErrors(result: EdFeedResult | AdtMessageResult): string[] {
  if (result.ok) return [];
  const where = describeLocation(result);
  const hl7 = 'message' in result;
  return result.errors.map(({ field, message }) => `${where}: ${field === '' ? '' : hl7 ? `${field} ` : `${field}: `}${message}`);
}
