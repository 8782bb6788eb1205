// GET /api/aggregates as Arrow IPC: counts by place and period, with the columns newer servers add
// (suppression flags, confidence limits, age-adjusted rates) read when present.
import { tableFromIPC } from 'apache-arrow';
import type { SeriesUnit } from '../filters.ts';
import type { Source } from '../measures.ts';
import type { Level } from '../places.ts';
import type { AnswerCache } from '../cache.ts';
import { type Column, columnReader, type ColumnReader } from './arrow-columns.ts';
import { ApiError, type Http } from './http.ts';

export interface AggregateQuery {
  source: Source;
  measure: string;
  geography: Level;
  unit: SeriesUnit | 'total';
  from: string; // YYYY-MM
  to: string; // YYYY-MM
  /** Only this state's counties, or its own row (2-digit FIPS): far fewer rows than every county. */
  state?: string | null;
  /**
   * from-to is all the data there is: leave both out and let the server use its extent, so the
   * request is known before /api/meta has answered (main.ts starts it with the page).
   */
  wholeExtent?: boolean;
}

export interface AggregateRow {
  geography: string;
  /** YYYY-MM (month), YYYY-MM-DD (week's Sunday, day, or 12 months ending), YYYY (year); null for total. */
  period: string | null;
  /** Deaths or ED visits; null when suppressed. */
  count: number | null;
  population: number | null;
  ratePer100k: number | null;
  /** A small count the server withholds (NCHS: sub-national 1-9, and complementary cells). */
  suppressed: boolean;
  /** A rate from fewer than 20 events (NCHS): shown, flagged. */
  unreliable: boolean;
  rateLower: number | null;
  rateUpper: number | null;
  ageAdjustedRate: number | null;
  ageAdjustedLower: number | null;
  ageAdjustedUpper: number | null;
  /** Deaths: the share of all deaths of the place and period whose manner is pending investigation (NCHS VSRR). */
  pendingShare: number | null;
}

export interface Aggregates {
  rows: AggregateRow[];
  /** Some row has an age-adjusted rate (a server without age-specific populations sends the column empty). */
  hasAgeAdjusted: boolean;
  /** The server sends confidence limits. */
  hasIntervals: boolean;
}

/** NCHS flags rates from fewer than 20 deaths as unreliable; used when the server does not say. */
export const UNRELIABLE_BELOW = 20;

/** The query string; only parameters older servers lack are left out when they are the default. */
export function aggregateSearch(query: AggregateQuery): { search: string; newParameters: string[] } {
  const params = new URLSearchParams();
  const newParameters: string[] = [];
  if (query.source !== 'deaths') {
    params.set('source', query.source);
    newParameters.push('source');
  }
  params.set('measure', query.measure);
  params.set('geography', query.geography);
  if (query.state) {
    params.set('state', query.state);
    newParameters.push('state');
  }
  params.set('unit', query.unit);
  if (query.unit === 'day' || query.unit === '12mo') newParameters.push('unit');
  if (!query.wholeExtent) {
    params.set('from', query.from);
    params.set('to', query.to);
  }
  params.set('format', 'arrow');
  return { search: params.toString(), newParameters };
}

export function fetchAggregates(http: Http, cache: AnswerCache, query: AggregateQuery): Promise<Aggregates> {
  const { search, newParameters } = aggregateSearch(query);
  const url = `/api/aggregates?${search}`;
  const feature = query.source === 'ed' ? 'ED visit counts' : query.unit === '12mo' ? '12-month-ending counts' : query.unit === 'day' ? 'daily counts' : 'these counts';
  return cache.get(url, async () => {
    const response = await http.request(url, { accept: 'application/vnd.apache.arrow.stream', feature, newParameters });
    const bytes = new Uint8Array(await response.arrayBuffer());
    try {
      return aggregatesFromArrow(bytes);
    } catch (error) {
      throw new ApiError(`The server sent counts the dashboard cannot read (${String(error)}). Reload the page; if it persists, tell the vigil operators.`, response.status, url);
    }
  });
}

// Column names as the server writes them; a list where the name is not settled yet.
const COUNT_COLUMNS = ['deaths', 'visits', 'count'];
const OPTIONAL = {
  suppressed: ['suppressed'],
  unreliable: ['unreliable'],
  rateLower: ['rate_lower', 'rate_ci_lower'],
  rateUpper: ['rate_upper', 'rate_ci_upper'],
  ageAdjustedRate: ['age_adjusted_rate'],
  ageAdjustedLower: ['age_adjusted_lower', 'age_adjusted_ci_lower'],
  ageAdjustedUpper: ['age_adjusted_upper', 'age_adjusted_ci_upper'],
  pendingShare: ['pending_share'],
} as const;

/** Arrow IPC stream → rows. Accepts int32 or int64 (BigInt) counts, and the optional columns. */
export function aggregatesFromArrow(bytes: Uint8Array): Aggregates {
  const table = tableFromIPC(bytes);
  const find = (names: readonly string[]): Column | null => {
    for (const name of names) {
      const child = table.getChild(name);
      if (child) return child;
    }
    return null;
  };
  const required = (names: readonly string[]): Column => {
    const child = find(names);
    if (!child) throw new Error(`missing column ${names[0]}`);
    return child;
  };
  const geography = columnReader(required(['geography']));
  const period = columnReader(required(['period']));
  const count = columnReader(required(COUNT_COLUMNS));
  const population = columnReader(required(['population']));
  const rate = columnReader(required(['rate_per_100k']));
  const optional = Object.fromEntries(Object.entries(OPTIONAL).map(([key, names]) => {
    const column = find(names);
    return [key, column ? columnReader(column) : null];
  })) as Record<keyof typeof OPTIONAL, ColumnReader | null>;
  const number = (column: ColumnReader | null, i: number) => (column ? nullableNumber(column(i)) : null);

  const rows: AggregateRow[] = new Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    const n = nullableNumber(count(i));
    const suppressed = optional.suppressed ? optional.suppressed(i) === true : false;
    const unreliable = optional.unreliable ? optional.unreliable(i) : null;
    rows[i] = {
      geography: String(geography(i)),
      period: (period(i) as string | null) ?? null,
      count: suppressed ? null : n,
      population: nullableNumber(population(i)),
      ratePer100k: suppressed ? null : nullableNumber(rate(i)),
      suppressed,
      // A server that flags reliability leaves the flag empty on suppressed cells.
      unreliable: unreliable !== null ? unreliable === true : n === null || n < UNRELIABLE_BELOW,
      rateLower: number(optional.rateLower, i),
      rateUpper: number(optional.rateUpper, i),
      ageAdjustedRate: number(optional.ageAdjustedRate, i),
      ageAdjustedLower: number(optional.ageAdjustedLower, i),
      ageAdjustedUpper: number(optional.ageAdjustedUpper, i),
      pendingShare: number(optional.pendingShare, i),
    };
  }
  return { rows, hasAgeAdjusted: rows.some((r) => r.ageAdjustedRate !== null), hasIntervals: rows.some((r) => r.rateLower !== null && r.rateUpper !== null) };
}

export function nullableNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** The rate a view shows: crude, or age-adjusted when asked for and present. */
export function rateOf(row: AggregateRow, adjusted: boolean): { rate: number | null; lower: number | null; upper: number | null } {
  if (adjusted) return { rate: row.ageAdjustedRate, lower: row.ageAdjustedLower, upper: row.ageAdjustedUpper };
  return { rate: row.ratePer100k, lower: row.rateLower, upper: row.rateUpper };
}
