/**
 * Reads `<set>.labels.csv` (see the eval sets' README): one row per certificate, booleans 1 / 0 /
 * blank (blank: the source does not say), intent as a word or blank. A file that cannot be read as
 * such (missing column, a value outside those, a repeated certificate id) is an error naming the
 * line: the eval must not measure against labels it misread.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { readCsv } from '../../pipeline/formats/csv.ts';
import { CLASS_KEYS, LABEL_INTENTS, type ClassKey, type LabelIntent, type LabelRow, type Tri } from './metrics.ts';

export const LABEL_COLUMNS = ['certificate_id', 'has_cause_text', ...CLASS_KEYS, 'overdose', 'intent'] as const;

export class LabelFileError extends Error {
  override name = 'LabelFileError';
  constructor(
    readonly file: string,
    readonly line: number | null,
    message: string,
  ) {
    super(`${file}${line === null ? '' : `, line ${line}`}: ${message}`);
  }
}

/** '1' → 1, '0' → 0, blank → null; anything else is not a label. */
export function parseTri(value: string): Tri | undefined {
  const v = value.trim();
  if (v === '') return null;
  if (v === '1') return 1;
  if (v === '0') return 0;
  return undefined;
}

export function parseIntent(value: string): LabelIntent | null | undefined {
  const v = value.trim().toLowerCase();
  if (v === '') return null;
  return (LABEL_INTENTS as readonly string[]).includes(v) ? (v as LabelIntent) : undefined;
}

/** Labels by certificate id, in file order. */
export async function readLabels(input: Readable, file: string): Promise<Map<string, LabelRow>> {
  const labels = new Map<string, LabelRow>();
  let positions: Map<string, number> | null = null;
  for await (const records of readCsv(input)) {
    for (const record of records) {
      if (positions === null) {
        const header = record.fields.map((f) => f.trim().toLowerCase());
        const missing = LABEL_COLUMNS.filter((c) => !header.includes(c));
        if (missing.length > 0) throw new LabelFileError(file, record.line, `missing column(s): ${missing.join(', ')}`);
        positions = new Map(LABEL_COLUMNS.map((c) => [c, header.indexOf(c)]));
        continue;
      }
      const get = (column: (typeof LABEL_COLUMNS)[number]) => record.fields[positions!.get(column)!] ?? '';
      const tri = (column: (typeof LABEL_COLUMNS)[number]): Tri => {
        const v = parseTri(get(column));
        if (v === undefined) throw new LabelFileError(file, record.line, `${column} is "${get(column)}", expected 1, 0 or blank`);
        return v;
      };
      const certificateId = get('certificate_id').trim();
      if (certificateId === '') throw new LabelFileError(file, record.line, 'certificate_id is blank');
      if (labels.has(certificateId)) throw new LabelFileError(file, record.line, `certificate_id ${certificateId} appears twice`);
      const intent = parseIntent(get('intent'));
      if (intent === undefined) {
        throw new LabelFileError(file, record.line, `intent is "${get('intent')}", expected one of ${LABEL_INTENTS.join(', ')} or blank`);
      }
      const classes = {} as Record<ClassKey, Tri>;
      for (const key of CLASS_KEYS) classes[key] = tri(key);
      labels.set(certificateId, { certificateId, hasCauseText: tri('has_cause_text'), classes, overdose: tri('overdose'), intent });
    }
  }
  if (positions === null) throw new LabelFileError(file, null, 'the file is empty');
  return labels;
}

export async function readLabelFile(path: string): Promise<Map<string, LabelRow>> {
  return readLabels(createReadStream(path), path);
}
