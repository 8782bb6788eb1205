/**
 * The coders' review reasons, grouped into stable kinds. A reason's text names its particulars
 * (`possible new substance: "bromazolam" in overdose context`, `text that matched nothing:
 * "aecopd"`), so the queue filter and the agreement report group by kind. Pure.
 */

export interface ReasonKind {
  key: string;
  label: string;
  pattern: RegExp;
  /** The coder could not settle the codes (as opposed to a consistency warning on codes it chose). */
  lowConfidence: boolean;
}

/** The kind a recode disagreement is filed under (pipeline/jobs/recode.ts writes the check). */
export const RECODE_DISAGREES = 'recode_disagrees';

// First match wins. Death coder: pipeline/coding/deaths/certificate-coder.ts; ED coder:
// pipeline/coding/ed/ (ed-coder.ts, poisoning.ts, intent.ts).
export const REASON_KINDS: readonly ReasonKind[] = [
  { key: 'possible_new_substance', label: 'possible new substance in overdose context', pattern: /^possible new substance\b/, lowConfidence: false },
  { key: 'unspecified_drug', label: 'overdose with no specific drug named', pattern: /^unspecified drug|^overdose with no substance named/, lowConfidence: false },
  { key: 'inferred_poisoning', label: 'poisoning inferred (naloxone given, depressed consciousness)', pattern: /inferred from|^naloxone given but no opioid/, lowConfidence: true },
  { key: 'manner_conflict', label: 'manner of death contradicts the text', pattern: /^manner \w+ contradicts|^manner \w+ but the text/, lowConfidence: false },
  { key: 'unsuitable_underlying_cause', label: 'only a mechanism or ill-defined condition reported', pattern: /^unsuitable underlying cause/, lowConfidence: true },
  { key: 'unmatched_text', label: 'text that matched nothing', pattern: /^text that matched nothing/, lowConfidence: true },
  { key: 'no_codable_condition', label: 'no codable condition found', pattern: /^no codable condition|^no cause-of-death text/, lowConfidence: true },
  { key: 'part_one_empty', label: 'Part I empty', pattern: /^Part I is empty/, lowConfidence: true },
  { key: 'uncertain_diagnosis', label: 'uncertain overdose not coded', pattern: /^possible ".*" not coded/, lowConfidence: true },
  { key: 'uncoded_text_poisoning', label: 'text poisoning the discharge diagnoses do not code', pattern: /^the text describes a poisoning the discharge diagnoses do not code/, lowConfidence: false },
  { key: 'use_without_overdose', label: 'drug named without overdose wording', pattern: / named without overdose, intoxication or withdrawal wording/, lowConfidence: false },
  { key: 'intent_conflict', label: 'conflicting intent', pattern: /^conflicting intent|^intent in the text .* differs|^history of suicidal/, lowConfidence: true },
  { key: 'no_code_for_substance', label: 'substance without an ICD-10-CM code of its own', pattern: /^no ICD-10-CM FY\d+ code for|coded with alpha-2 agonists/, lowConfidence: false },
  { key: RECODE_DISAGREES, label: 'a later automated coding disagrees with the human coding', pattern: /^automated recode disagrees/, lowConfidence: false },
];

export interface ClassifiedReason {
  key: string;
  label: string;
  text: string;
  lowConfidence: boolean;
}

/** The kind of one reason; an unknown reason is its own kind, keyed by its first words. */
export function classifyReason(text: string): ClassifiedReason {
  const kind = REASON_KINDS.find((k) => k.pattern.test(text));
  if (kind) return { key: kind.key, label: kind.label, text, lowConfidence: kind.lowConfidence };
  const head = text.split(/[:"(]/)[0]!.trim().toLowerCase();
  const key = head.replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 48) || 'other';
  return { key, label: head || text, text, lowConfidence: false };
}

/** The reason kinds a queue filter may name. */
export const REASON_KEYS = REASON_KINDS.map((k) => k.key) as [string, ...string[]];

/** The RE2 pattern (DuckDB regexp_matches) of one kind's reasons; the patterns above are RE2-safe. */
export function reasonPattern(key: string): string | null {
  return REASON_KINDS.find((k) => k.key === key)?.pattern.source ?? null;
}

/** Reasons of any low-confidence kind, as one RE2 pattern. */
export const LOW_CONFIDENCE_PATTERN = REASON_KINDS.filter((k) => k.lowConfidence).map((k) => `(?:${k.pattern.source})`).join('|');
