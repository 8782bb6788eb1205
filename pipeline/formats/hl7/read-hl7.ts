/**
 * Reading an HL7 v2 ADT feed: per message (fully streaming), or as merged visits. A message that
 * is malformed, of another type, or has a bad field is reported with its number, line or byte
 * offset, segment and field, and skipped; the rest loads.
 */
import type { Readable } from 'node:stream';
import type { FieldError } from '../../records/ed-visit-schema.ts';
import { adtVisitUpdate, type VisitUpdate } from './adt.ts';
import { type RawMessage, splitHl7 } from './mllp.ts';
import { parseMessage } from './segments.ts';
import { type Hl7Location, type Hl7VisitResult, VisitMerger } from './visits.ts';

export type AdtMessageResult =
  | (Hl7Location & { ok: true; update: VisitUpdate })
  | (Hl7Location & { ok: false; recordId: string | null; errors: FieldError[] });

/** One framed message → what it says about its visit, or why it is skipped. */
export function readAdtMessage(raw: RawMessage): AdtMessageResult {
  const where: Hl7Location = { message: raw.index, line: raw.line, offset: raw.offset };
  if (raw.problem !== null) return { ...where, ok: false, recordId: null, errors: [{ field: '', message: raw.problem }] };
  const parsed = parseMessage(raw.segments);
  if (!parsed.ok) return { ...where, ok: false, recordId: null, errors: parsed.errors };
  const result = adtVisitUpdate(parsed.message);
  return result.ok ? { ...where, ok: true, update: result.update } : { ...where, ok: false, recordId: result.recordId, errors: result.errors };
}

/** Every message as it is read: memory stays flat whatever the size of the stream. */
export async function* readAdtMessages(input: Readable): AsyncGenerator<AdtMessageResult[]> {
  for await (const messages of splitHl7(input)) yield messages.map(readAdtMessage);
}

const BATCH = 4096;

/**
 * Merged visits (visits.ts). Message errors are yielded as they are found; the visits come at the
 * end of the stream, because a later message may still update any of them.
 */
export async function* readHl7Visits(input: Readable): AsyncGenerator<Hl7VisitResult[]> {
  const merger = new VisitMerger();
  for await (const results of readAdtMessages(input)) {
    const errors: Hl7VisitResult[] = [];
    for (const result of results) {
      if (result.ok) merger.add(result.update, { message: result.message, line: result.line, offset: result.offset });
      else errors.push(result);
    }
    if (errors.length > 0) yield errors;
  }
  let batch: Hl7VisitResult[] = [];
  for (const visit of merger.results()) {
    batch.push(visit);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
