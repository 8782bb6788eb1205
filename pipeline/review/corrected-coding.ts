/**
 * What a correction stores: the coder's codes as a new coding version, built from the coding
 * they corrected. The codes are the coder's; what the codes do not say is carried over where it
 * still holds (the entity-axis lines and drug names of codes the coder kept, the intent read from
 * the manner), and the trace says who corrected what and why. Pure.
 */
import { isDrugOverdoseCause } from '../coding/deaths/overdose-cause.ts';
import { INTENT_OF_DIGIT } from '../coding/ed/types.ts';
import type { EdCodeTable } from './ed-codes.ts';

export interface Reviewer {
  tokenId: string;
  name: string;
}

export interface EntityAxisJson {
  line: number;
  position: number;
  code: string;
  text: string;
  nature_of_injury: boolean;
}

export interface DeathCodingRow {
  coder: string;
  lexiconVersion: string;
  underlyingCause: string | null;
  isDrugOverdose: boolean;
  recordAxis: string[];
  entityAxis: EntityAxisJson[];
  drugs: { name: string; code: string }[];
  intent: string | null;
  reviewRequired: boolean;
  reviewReasons: string[];
  trace: { rule: string; detail: string }[];
}

export interface DeathCorrection {
  underlyingCause: string;
  /** Multiple causes (record axis); the underlying cause is added first when missing. */
  multipleCauses: string[];
  comment: string;
}

export const humanCoder = (tokenId: string) => `human:${tokenId}`;

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** The corrected death coding (coded_at is the database's, at commit). */
export function correctedDeathCoding(reviewed: DeathCodingRow, correction: DeathCorrection, reviewer: Reviewer): DeathCodingRow {
  const recordAxis = unique([correction.underlyingCause, ...correction.multipleCauses]);
  const kept = new Set(recordAxis);
  const byLine = new Map<number, number>();
  const entityAxis = reviewed.entityAxis
    .filter((e) => kept.has(e.code))
    .map((e) => {
      const position = (byLine.get(e.line) ?? 0) + 1;
      byLine.set(e.line, position);
      return { ...e, position };
    });
  const before = `${reviewed.underlyingCause ?? 'none'} [${reviewed.recordAxis.join(', ')}]`;
  const after = `${correction.underlyingCause} [${recordAxis.join(', ')}]`;
  return {
    coder: humanCoder(reviewer.tokenId),
    // The lexicon the corrected coding was made with: what the coder saw and overruled.
    lexiconVersion: reviewed.lexiconVersion,
    underlyingCause: correction.underlyingCause,
    isDrugOverdose: isDrugOverdoseCause(correction.underlyingCause),
    recordAxis,
    entityAxis,
    drugs: reviewed.drugs.filter((d) => kept.has(d.code)),
    intent: reviewed.intent,
    reviewRequired: false,
    reviewReasons: [],
    trace: [{ rule: 'human correction', detail: `${reviewer.name} (token ${reviewer.tokenId}) corrected ${before} to ${after}: ${correction.comment}` }],
  };
}

export interface EdCodingRow {
  coder: string;
  lexiconVersion: string;
  syndromeSet: string;
  codes: string[];
  drugs: { name: string; code: string; death_class: string }[];
  drugClasses: string[];
  syndromes: string[];
  negated: string[];
  intent: string | null;
  reviewRequired: boolean;
  reviewReasons: string[];
}

export interface EdCorrection {
  codes: string[];
  comment: string;
}

/**
 * The corrected ED coding. Drugs and their death-side classes follow the corrected poisoning
 * codes through the bridge table (a drug the coder removed goes, one they added is named by its
 * CM category title); syndromes stay: they are evaluated on the visit's text and submitted
 * diagnoses, not on the coder's codes.
 */
export function correctedEdCoding(reviewed: EdCodingRow, correction: EdCorrection, table: EdCodeTable, reviewer: Reviewer): EdCodingRow {
  const codes = unique(correction.codes);
  const poisonings = codes.map((c) => table.poisoning(c)).filter((p) => p !== null);
  const drugs: EdCodingRow['drugs'] = [];
  for (const p of poisonings) {
    const category = p.category.category;
    // Drugs and alcohol (T36-T51), as the ED coder lists them; other toxic substances are codes only.
    if (Number(category.slice(1, 3)) > 51 || drugs.some((d) => d.code === category)) continue;
    const named = reviewed.drugs.filter((d) => d.code === category);
    drugs.push(...(named.length > 0 ? named : [{ name: p.category.title, code: category, death_class: p.category.deathCode }]));
  }
  return {
    coder: humanCoder(reviewer.tokenId),
    lexiconVersion: reviewed.lexiconVersion,
    syndromeSet: reviewed.syndromeSet,
    codes,
    drugs,
    drugClasses: unique(drugs.map((d) => d.death_class)),
    syndromes: reviewed.syndromes,
    negated: reviewed.negated,
    intent: poisonings.length > 0 ? (INTENT_OF_DIGIT[poisonings[0]!.intent] ?? null) : null,
    reviewRequired: false,
    reviewReasons: [],
  };
}
