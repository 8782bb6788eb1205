/**
 * Several ADT messages describe one visit (A04 registration, A08 updates, A03 discharge). Per
 * field, the latest message that carries it wins: latest by MSH-7, then by position in the
 * stream; an empty field never erases. Every distinct chief complaint is kept with the time of
 * the first message that sent it.
 *
 * Merging is incremental: each visit keeps its current values and, per field, the time of the
 * message that set it, so memory grows with the number of visits, not with the bytes read.
 */
import type { EdVisitWithHistory, FieldError } from '../../records/ed-visit-schema.ts';
import type { VisitUpdate } from './adt.ts';

/** Where a message is in its stream. */
export interface Hl7Location {
  /** 1-based message number. */
  message: number;
  /** Line of its first segment in a file of messages; null in an MLLP stream. */
  line: number | null;
  /** Byte offset of its first byte. */
  offset: number;
}

export type Hl7VisitResult =
  | (Hl7Location & { ok: true; record: EdVisitWithHistory; messages: number[] })
  | (Hl7Location & { ok: false; recordId: string | null; errors: FieldError[] });

const MERGED = ['visitDatetime', 'age', 'sex', 'patientCountyFips', 'chiefComplaint', 'triageNote', 'dischargeDiagnoses'] as const;
type Merged = (typeof MERGED)[number];

interface VisitState extends Hl7Location {
  messages: number[];
  values: Pick<VisitUpdate, 'visitId' | 'facilityId' | Merged>;
  /** Per field (MERGED order), the ordering key of the message that set it (0: none yet). */
  setBy: number[];
  /** Each distinct chief complaint with the earliest message time that sent it. */
  history: { text: string; at: string }[];
}

/** MSH-7 as a number that sorts by time, YYYYMMDDHHMMSS (a time given to the minute sorts as :00). */
const orderKey = (time: string) => Number(time.replace(/\D/g, '').padEnd(14, '0'));

// Everything kept until the end of the stream is stored compactly (measured: ~1.9 KB a visit
// before, ~1.0 KB after): V8 keeps a substring as a view of the whole segment it was cut from and a
// built string as a tree of its pieces, so long strings are copied flat; and an array grown by
// push reserves 16 more slots, so short lists are copied to their exact length.
function own<T>(value: T): T {
  if (typeof value === 'string') return (value.length >= 13 ? (' ' + value).slice(1) : value) as T;
  return (Array.isArray(value) ? value.map(own) : value) as T;
}
const append = <T>(list: T[], item: T): T[] => (list.length < 16 ? list.concat([item]) : (list.push(item), list));

export class VisitMerger {
  // Keyed by facility and visit number: PV1-19 is unique within the treating facility.
  private readonly visits = new Map<string, VisitState>();

  get size(): number {
    return this.visits.size;
  }

  add(update: VisitUpdate, where: Hl7Location): void {
    const key = own(`${update.facilityId}\u0000${update.visitId}`);
    let state = this.visits.get(key);
    if (!state) {
      state = {
        message: where.message,
        line: where.line,
        offset: where.offset,
        messages: [],
        values: { visitId: own(update.visitId), facilityId: own(update.facilityId), visitDatetime: null, age: null, sex: null, patientCountyFips: null, chiefComplaint: null, triageNote: null, dischargeDiagnoses: null },
        setBy: MERGED.map(() => 0),
        history: [],
      };
      this.visits.set(key, state);
    }
    state.messages = append(state.messages, where.message);
    const at = orderKey(update.messageTime);
    for (let i = 0; i < MERGED.length; i++) {
      const field = MERGED[i]!;
      const value = update[field];
      if (value === null) continue;
      // Messages arrive in stream order, so a tie in MSH-7 goes to the one read later.
      if (state.setBy[i]! > at) continue;
      (state.values as Record<Merged, unknown>)[field] = own(value);
      state.setBy[i] = at;
    }
    const complaint = update.chiefComplaint;
    if (complaint !== null) {
      const seen = state.history.find((entry) => entry.text === complaint);
      if (seen === undefined) {
        const text = state.values.chiefComplaint === complaint ? state.values.chiefComplaint : own(complaint);
        state.history = append(state.history, { text, at: own(update.messageTime) });
      }
      else if (orderKey(seen.at) > at) seen.at = own(update.messageTime);
    }
  }

  /** The merged visits in the order their first message came; a visit no message dated (PV1-44) is an error. */
  *results(): Generator<Hl7VisitResult> {
    for (const { message, line, offset, messages, values, history } of this.visits.values()) {
      const first = { message, line, offset };
      if (values.visitDatetime === null) {
        yield { ...first, ok: false, recordId: values.visitId, errors: [{ field: 'PV1-44', message: 'no message of this visit gave the admit date/time' }] };
        continue;
      }
      const chiefComplaintHistory = [...history].sort((a, b) => orderKey(a.at) - orderKey(b.at));
      yield {
        ...first,
        ok: true,
        messages,
        record: { ...values, visitDatetime: values.visitDatetime, dischargeDiagnoses: values.dischargeDiagnoses ?? [], chiefComplaintHistory },
      };
    }
  }
}
