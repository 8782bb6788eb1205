/**
 * One output row of an aggregate table from the counts of its cell: figures when the caller may see
 * them, or the place and period alone when the cell is suppressed. Pure.
 */
import type { Breakdown, Source } from './columns.ts';
import { crudeFigures, isUnreliable, NO_AGE_ADJUSTMENT, share, type AgeAdjustedFigures } from './estimates.ts';

/** A cell as the aggregate query returns it (sql/queries/aggregate_counts.sql). */
export interface CountCell {
  geography: string;
  period: string | null;
  stratum: string;
  count: number;
  overdoses: number | null;
  specific: number | null;
  allDeaths: number | null;
  pending: number | null;
  population: number | null;
  populationYear: number;
}

export type AggregateRow = Record<string, string | number | boolean | null>;

/** Cells from the query's columns (geography, period, stratum, count, ..., population_year); populations are the caller's. */
export function countCellsOf(columns: Readonly<Record<string, readonly (string | number | null)[]>>): CountCell[] {
  const column = (name: string) => {
    const values = columns[name];
    if (!values) throw new Error(`aggregate_counts gave no column ${name}`);
    return values;
  };
  const [geography, period, stratum, count, overdoses, specific, allDeaths, pending, year] = [
    'geography', 'period', 'stratum', 'count', 'overdoses', 'specific', 'all_deaths', 'pending', 'population_year',
  ].map(column) as (readonly (string | number | null)[])[];
  return geography!.map((g, i) => ({
    geography: String(g),
    period: period![i] === null ? null : String(period![i]),
    stratum: String(stratum![i]),
    count: Number(count![i]),
    overdoses: overdoses![i] === null ? null : Number(overdoses![i]),
    specific: specific![i] === null ? null : Number(specific![i]),
    allDeaths: allDeaths![i] === null ? null : Number(allDeaths![i]),
    pending: pending![i] === null ? null : Number(pending![i]),
    population: null,
    populationYear: Number(year![i]),
  }));
}

function placeFields(source: Source, by: Breakdown | null, geography: string, period: string | null, stratum: string): AggregateRow {
  const row: AggregateRow = { geography, period };
  if (by !== null) row[by] = stratum;
  return row;
}

export interface RowOptions {
  /** Show the pending and specificity shares (see AggregateService for who sees them where). */
  shares: boolean;
  adjusted: AgeAdjustedFigures;
}

export function figuresRow(source: Source, by: Breakdown | null, cell: CountCell, options: RowOptions): AggregateRow {
  const row = placeFields(source, by, cell.geography, cell.period, cell.stratum);
  const rate = crudeFigures(cell.count, cell.population);
  // Assigned one by one, in column order (columns.ts): this runs for every cell of every answer.
  row.count = cell.count;
  row[source === 'deaths' ? 'deaths' : 'visits'] = cell.count;
  row.population = cell.population;
  row.rate_per_100k = rate.rate_per_100k;
  row.rate_lower = rate.rate_lower;
  row.rate_upper = rate.rate_upper;
  row.unreliable = isUnreliable(cell.count);
  row.suppressed = false;
  row.age_adjusted_rate = options.adjusted.age_adjusted_rate;
  row.age_adjusted_lower = options.adjusted.age_adjusted_lower;
  row.age_adjusted_upper = options.adjusted.age_adjusted_upper;
  if (source === 'deaths') {
    row.pending_share = options.shares ? share(cell.pending, cell.allDeaths) : null;
    row.specificity_share = options.shares ? share(cell.specific, cell.overdoses) : null;
  }
  return row;
}

/**
 * A withheld cell: its place and period only. The population is left out too, for every withheld
 * cell alike, so that a withheld zero cannot be told from a withheld 1-9 by a missing population.
 */
export function suppressedRow(source: Source, by: Breakdown | null, geography: string, period: string | null, stratum: string): AggregateRow {
  const row = placeFields(source, by, geography, period, stratum);
  row.count = null;
  row[source === 'deaths' ? 'deaths' : 'visits'] = null;
  row.population = null;
  row.rate_per_100k = null;
  row.rate_lower = null;
  row.rate_upper = null;
  row.unreliable = null;
  row.suppressed = true;
  Object.assign(row, NO_AGE_ADJUSTMENT);
  if (source === 'deaths') {
    row.pending_share = null;
    row.specificity_share = null;
  }
  return row;
}

/** Rows in table order: geography, then period, then stratum in the order given (age groups youngest first). */
export function compareRows(by: Breakdown | null, strata: readonly string[]) {
  const rank = new Map(strata.map((s, i) => [s, i]));
  return (a: AggregateRow, b: AggregateRow): number => {
    if (a.geography !== b.geography) return String(a.geography) < String(b.geography) ? -1 : 1;
    const [pa, pb] = [String(a.period ?? ''), String(b.period ?? '')];
    if (pa !== pb) return pa < pb ? -1 : 1;
    return by === null ? 0 : (rank.get(String(a[by])) ?? 0) - (rank.get(String(b[by])) ?? 0);
  };
}
