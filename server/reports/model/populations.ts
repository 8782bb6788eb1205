/**
 * Populations for the rates of places and months without deaths (the aggregates carry no row for
 * them): the estimate of the year asked for, or the newest before it when that year has none yet,
 * as the aggregates choose it.
 */
import type { PopulationRow } from '../report-data.ts';

export interface PopulationEstimate {
  population: number;
  /** The estimate's year (may be before the year asked for). */
  year: number;
}

/** Population of one geography for a year: that year's estimate or the newest before it. */
export function populationFor(rows: readonly PopulationRow[], geography: string, year: number): PopulationEstimate | null {
  let best: PopulationRow | null = null;
  for (const row of rows) {
    if (row.geography !== geography || row.year > year) continue;
    if (!best || row.year > best.year) best = row;
  }
  return best && best.population > 0 ? { population: best.population, year: best.year } : null;
}
