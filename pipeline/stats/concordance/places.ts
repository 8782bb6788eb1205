/**
 * Concordance over every place an ED series alerted in: each alert episode against the weekly
 * deaths of each death measure paired with its syndrome, in the same place and level.
 */
import { concordanceSignals, type ConcordanceOptions, type ConcordanceSignal, type EdAlertDay } from './concordance.ts';
import { CONCORDANCE_PAIRS } from './pairs.ts';

export interface EdAlertSeries {
  syndrome: string;
  level: string;
  geography: string;
  days: readonly EdAlertDay[];
}

export interface PlaceSignal {
  syndrome: string;
  deathMeasure: string;
  level: string;
  geography: string;
  signal: ConcordanceSignal;
}

/**
 * `deathCounts(measure, level, geography)` gives the weekly deaths over `weekStarts`, or undefined
 * when the place had none of that measure (taken as zeros).
 */
export function concordanceByPlace(
  alerts: readonly EdAlertSeries[],
  deathCounts: (measure: string, level: string, geography: string) => readonly number[] | undefined,
  weekStarts: readonly number[],
  options: ConcordanceOptions = {},
): PlaceSignal[] {
  const out: PlaceSignal[] = [];
  for (const { syndrome, level, geography, days } of alerts) {
    if (days.length === 0) continue;
    for (const pair of CONCORDANCE_PAIRS.filter((p) => p.syndrome === syndrome)) {
      const counts = deathCounts(pair.deathMeasure, level, geography) ?? new Array<number>(weekStarts.length).fill(0);
      for (const signal of concordanceSignals(days, { weekStarts, counts }, options)) out.push({ syndrome, deathMeasure: pair.deathMeasure, level, geography, signal });
    }
  }
  return out;
}
