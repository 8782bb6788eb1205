/**
 * Codes a visit and evaluates the syndrome definitions on it, remembering both by the visit's text
 * (visit-memo.ts): one memo in front of the coder and the engine instead of a field memo in each,
 * so a visit seen before costs three map reads. The coder reads the patient's age only as "under
 * 6" (poisoning.ts), which is part of the key; the id is put back on every answer.
 */
import type { EdVisit } from '../../records/ed-visit.ts';
import { ageBand } from './poisoning.ts';
import type { SyndromeEngine } from './syndromes/engine.ts';
import type { EdCodeResult, EdCoder } from './types.ts';
import { VisitTextMemo } from './visit-memo.ts';

export interface CodedVisit {
  coded: EdCodeResult;
  /** Ids of the active definitions the visit meets, in definition order. */
  syndromes: readonly string[];
}

/** Results are shared between visits of the same text: callers must not modify them. */
export type VisitCoding = (visit: EdVisit) => CodedVisit;

const MEMO_CAPACITY = 100_000;

/** Codes a visit and evaluates the definitions on it without any visit memo (the caller remembers). */
export function codeVisitAfresh(coder: EdCoder, engine: SyndromeEngine, visit: EdVisit): CodedVisit {
  return { coded: coder.code(visit), syndromes: engine.evaluateFresh(visit) };
}

export function createVisitCoding(coder: EdCoder, engine: SyndromeEngine, capacity = MEMO_CAPACITY): VisitCoding {
  const memo = new VisitTextMemo<CodedVisit>(capacity);
  const fresh = (visit: EdVisit): CodedVisit => codeVisitAfresh(coder, engine, visit);
  return (visit) => {
    const remembered = memo.get(visit, ageBand(visit.age), true, fresh);
    if (remembered.coded.visitId === visit.visitId) return remembered;
    return { coded: withVisitId(remembered.coded, visit.visitId), syndromes: remembered.syndromes };
  };
}

/**
 * A remembered result for another visit, written out field by field: one literal, one shape. The
 * spread it replaces (then the id set over the copied one) was ~6% of the time of 3M generated
 * visits in a profile; bench/code-ed-ab.ts gave this 0.900-0.990 of the spread's time. A field
 * added to EdCodeResult must be added here (the compiler says so unless it is optional).
 */
function withVisitId(coded: EdCodeResult, visitId: string): EdCodeResult {
  return { visitId, codes: coded.codes, drugs: coded.drugs, negated: coded.negated, review: coded.review, intent: coded.intent };
}
