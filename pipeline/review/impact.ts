/**
 * The order of the review queue: surveillance impact first, then age. Impact is five yes/no
 * questions, asked in this order of importance, and an item is ahead when it answers yes to a more
 * important one (weights 16, 8, 4, 2, 1: a sum that sorts exactly like comparing the answers in
 * order):
 *   1. a possible new substance: a word the lexicon does not know in overdose context, the earliest
 *      sign of a new adulterant (DOMAIN.md: xylazine, nitazenes arrived faster than code sets);
 *   2. a drug overdose (the coding says so): every overdose death counts in the published measures;
 *   3. in an area now alerting: the record's county, or its state, has status `alert` in the
 *      latest detection run, where a wrong code moves a signal an epidemiologist is looking at;
 *   4. pending for long: more than LONG_PENDING_DAYS in the queue;
 *   5. low confidence: the coder could not settle the codes (reasons.ts), rather than a warning.
 * Then the oldest first, so nothing waits forever behind newer work of the same impact. Pure.
 * DuckDB applies the same rule to page through the queue (sql/queries/review_queue_page.sql).
 */
import { classifyReason } from './reasons.ts';

/** A week: an item older than that has missed a weekly (MMWR week) surveillance report. */
export const LONG_PENDING_DAYS = 7;

export interface QueueFacts {
  id: string;
  source: 'deaths' | 'ed';
  /** ISO 8601: when the item entered the queue. */
  pendingSince: string;
  reasons: readonly string[];
  overdose: boolean;
  countyFips: string | null;
  /** Deaths: the coding's underlying cause (none is low confidence); null for ED. */
  underlyingCause: string | null;
}

export interface AlertingAreas {
  /** County FIPS codes with a county-level alert. */
  counties: ReadonlySet<string>;
  /** State FIPS codes with a state-level alert. */
  states: ReadonlySet<string>;
}

export interface Impact {
  newSubstance: boolean;
  overdose: boolean;
  alerting: boolean;
  longPending: boolean;
  lowConfidence: boolean;
  /** 0-31: the answers as bits, most important first. */
  score: number;
  /** The answers that raised the item, in words, most important first. */
  why: string[];
}

const DAY_MS = 86_400_000;

export function impactOf(item: QueueFacts, areas: AlertingAreas, now: Date): Impact {
  const kinds = item.reasons.map(classifyReason);
  const newSubstance = kinds.some((k) => k.key === 'possible_new_substance');
  const county = item.countyFips;
  const alertingCounty = county !== null && areas.counties.has(county);
  const alertingState = county !== null && county.length === 5 && areas.states.has(county.slice(0, 2));
  const waited = now.getTime() - Date.parse(item.pendingSince);
  const days = Math.floor(waited / DAY_MS);
  const longPending = waited > LONG_PENDING_DAYS * DAY_MS;
  const unsure = kinds.find((k) => k.lowConfidence);
  const noCause = item.source === 'deaths' && item.underlyingCause === null;
  const lowConfidence = unsure !== undefined || noCause;
  const why: string[] = [];
  if (newSubstance) why.push('possible new substance');
  if (item.overdose) why.push('drug overdose');
  if (alertingCounty) why.push(`county ${county} is alerting`);
  else if (alertingState) why.push(`state ${county!.slice(0, 2)} is alerting`);
  if (longPending) why.push(`pending ${days} days`);
  if (lowConfidence) why.push(`low confidence: ${unsure ? unsure.label : 'no underlying cause'}`);
  const score = (newSubstance ? 16 : 0) + (item.overdose ? 8 : 0) + (alertingCounty || alertingState ? 4 : 0) + (longPending ? 2 : 0) + (lowConfidence ? 1 : 0);
  return { newSubstance, overdose: item.overdose, alerting: alertingCounty || alertingState, longPending, lowConfidence, score, why };
}

/** Impact first (higher), then age (older first), then the id, so the order is total and stable. */
export function compareQueueItems(a: QueueFacts & { impact: Impact }, b: QueueFacts & { impact: Impact }): number {
  return b.impact.score - a.impact.score || Date.parse(a.pendingSince) - Date.parse(b.pendingSince) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function orderQueue<T extends QueueFacts>(items: readonly T[], areas: AlertingAreas, now: Date): (T & { impact: Impact })[] {
  return items.map((item) => ({ ...item, impact: impactOf(item, areas, now) })).sort(compareQueueItems);
}
