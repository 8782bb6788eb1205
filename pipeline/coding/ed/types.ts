/**
 * What the ED coder produces for one visit. The NDJSON of `vigil code ed` is this record in the
 * snake_case contract of DESIGN.md (toEdContractJson), with the syndromes of the ESSENCE query
 * engine merged in by the caller.
 */
import type { EdVisit } from '../../records/ed-visit.ts';

/** The 6th character of a T36-T65 code: 1 accidental, 2 intentional self-harm, 3 assault, 4 undetermined. */
export type EdIntent = 'accidental' | 'self-harm' | 'assault' | 'undetermined';

export const INTENT_DIGIT: Record<EdIntent, '1' | '2' | '3' | '4'> = { accidental: '1', 'self-harm': '2', assault: '3', undetermined: '4' };
export const INTENT_OF_DIGIT: Record<string, EdIntent> = { '1': 'accidental', '2': 'self-harm', '3': 'assault', '4': 'undetermined' };

export interface EdDrug {
  /** Canonical substance name ("fentanyl" for "fent", "fetty", "fentanly"), or the CM title when only a code names it. */
  name: string;
  /** ICD-10-CM poisoning category without intent and encounter characters: `T40.41`, `T40.1`. */
  code: string;
  /** The death-side (WHO ICD-10) drug class through the bridge table: `T40.4`, `T40.1`. */
  deathClass: string;
}

export interface EdCodeResult {
  visitId: string;
  /** ICD-10-CM, dotted: the discharge diagnoses as given, then the codes the text adds (`T40.411A`). */
  codes: string[];
  /** Drugs of this visit's poisoning codes (T36-T51), most specific first. */
  drugs: EdDrug[];
  /** Mentions left out and why: `"cocaine: negated"`, `"fentanyl: therapeutic use"`. */
  negated: string[];
  review: { required: boolean; reasons: string[] };
  /** Intent of the poisoning codes; null when the visit has none. */
  intent: EdIntent | null;
}

export interface EdCoder {
  /** e.g. "vigil-ed-coder/1", stored with every coded visit so recoding knows what is stale. */
  readonly coderVersion: string;
  /** Version of the derived tables in data/ (`ed-lexicon/<date>-<sha8>`). */
  readonly lexiconVersion: string;
  code(visit: EdVisit): EdCodeResult;
}

/** The DESIGN.md NDJSON contract for `vigil code ed`; `syndromes` come from the ESSENCE query engine. */
export function toEdContractJson(result: EdCodeResult, syndromes: readonly string[] = []) {
  return {
    visit_id: result.visitId,
    codes: result.codes,
    drugs: result.drugs.map((d) => ({ name: d.name, code: d.code, death_class: d.deathClass })),
    syndromes: [...syndromes],
    negated: result.negated,
    review: { required: result.review.required, reasons: result.review.reasons },
    intent: result.intent,
  };
}
