// Filter state and its URL form. Pure functions: main.ts owns the DOM and history.
import type { SourceChoice } from './measures.ts';
import { NATION, isPlace } from './places.ts';

export type ValueKind = 'count' | 'rate';
/** Time unit of the series: MMWR week, month, calendar year, day (ED), 12 months ending (NCHS VSRR). */
export type SeriesUnit = 'day' | 'week' | 'month' | '12mo' | 'year';
export const SERIES_UNITS: readonly SeriesUnit[] = ['day', 'week', 'month', '12mo', 'year'];
const SOURCES: readonly SourceChoice[] = ['deaths', 'ed', 'both'];

export interface Filters {
  source: SourceChoice;
  /** A death measure key (a drug class); ED series use its syndrome (measures.ts). */
  measure: string;
  /** 'US', a state FIPS or a county FIPS: the place drilled into. */
  geo: string;
  from: string; // YYYY-MM
  to: string; // YYYY-MM
  unit: SeriesUnit;
  value: ValueKind;
  /** Age-adjusted rates (2000 US standard) where the server has them; rates only. */
  adjusted: boolean;
}

export interface FilterBounds {
  measures: readonly string[];
  defaultMeasure: string;
  extent: { from: string; to: string };
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(s: string | null | undefined): s is string {
  return s != null && MONTH.test(s);
}

/** Every month from `from` to `to` inclusive, as YYYY-MM. */
export function monthsBetween(from: string, to: string): string[] {
  const start = monthIndex(from);
  const end = monthIndex(to);
  const out: string[] = [];
  for (let i = start; i <= end; i++) out.push(monthFromIndex(i));
  return out;
}

export function monthIndex(month: string): number {
  const match = MONTH.exec(month);
  if (!match) throw new Error(`invalid month: ${month}`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

export function monthFromIndex(i: number): string {
  const year = Math.floor(i / 12);
  const month = (i % 12) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

export function defaultFilters(bounds: FilterBounds): Filters {
  return {
    source: 'deaths',
    measure: bounds.defaultMeasure,
    geo: NATION,
    from: bounds.extent.from,
    to: bounds.extent.to,
    unit: 'month',
    value: 'count',
    adjusted: false,
  };
}

/**
 * Days and weeks below the nation are for readers who see unsuppressed figures: the server gives
 * the public one grid of months and years there (pipeline/stats/aggregates/public-grid.ts), so
 * that no withheld count follows from comparing two answers. The public's view of a state or a
 * county by day or week is shown by month, with a notice saying why.
 */
export function withinPublicGrid(filters: Filters, unsuppressed: boolean): { filters: Filters; notice: string | null } {
  if (unsuppressed || filters.geo === NATION || (filters.unit !== 'day' && filters.unit !== 'week')) return { filters, notice: null };
  const what = filters.unit === 'day' ? 'Daily' : 'Weekly';
  return {
    filters: { ...filters, unit: 'month' },
    notice: `${what} figures for states and counties need a sign-in (public figures below the nation are by month, year or 12 months ending, so that no withheld count can be worked out by comparing two of them): shown by month.`,
  };
}

export interface ParsedFilters {
  filters: Filters;
  /** What in the query string was not usable and what was shown instead, for a notice. */
  corrections: string[];
}

/**
 * Reads filters from a query string, falling back to the defaults for anything missing, and
 * correcting (with a note) anything unknown or out of range, so an old or hand-edited link
 * still opens a valid view.
 */
export function parseFilters(search: string | URLSearchParams, bounds: FilterBounds): ParsedFilters {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const filters = defaultFilters(bounds);
  const corrections: string[] = [];
  const pick = <T extends string>(key: string, allowed: readonly T[], hint: string): T | null => {
    const raw = params.get(key);
    if (raw === null) return null;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    corrections.push(`unknown ${key} "${raw}" (${hint})`);
    return null;
  };

  filters.source = pick('source', SOURCES, 'use deaths, ed or both') ?? filters.source;
  const measure = params.get('measure');
  if (measure !== null) {
    if (bounds.measures.includes(measure)) filters.measure = measure;
    else corrections.push(`unknown measure "${measure}"`);
  }
  const geo = params.get('geo');
  if (geo !== null) {
    if (isPlace(geo)) filters.geo = geo;
    else corrections.push(`unknown place "${geo}" (use US, a state FIPS code or a county FIPS code)`);
  }
  filters.unit = pick('unit', SERIES_UNITS, `use ${SERIES_UNITS.join(', ')}`) ?? filters.unit;
  filters.value = pick('value', ['count', 'rate'] as const, 'use count or rate') ?? filters.value;
  const adjusted = pick('adjusted', ['0', '1'] as const, 'use 0 or 1');
  if (adjusted !== null) filters.adjusted = adjusted === '1';

  for (const key of ['from', 'to'] as const) {
    const month = params.get(key);
    if (month === null) continue;
    if (!isMonth(month)) {
      corrections.push(`invalid ${key} month "${month}" (use YYYY-MM)`);
    } else if (month < bounds.extent.from || month > bounds.extent.to) {
      corrections.push(`${key} month ${month} is outside the data (${bounds.extent.from} to ${bounds.extent.to})`);
    } else {
      filters[key] = month;
    }
  }
  if (filters.from > filters.to) {
    corrections.push(`from ${filters.from} was after to ${filters.to}; swapped them`);
    [filters.from, filters.to] = [filters.to, filters.from];
  }
  return { filters, corrections };
}

/** Writes the filters into `params`, in a fixed key order so equal views give equal URLs. */
export function writeFilters(params: URLSearchParams, filters: Filters): void {
  params.set('source', filters.source);
  params.set('measure', filters.measure);
  params.set('geo', filters.geo);
  params.set('from', filters.from);
  params.set('to', filters.to);
  params.set('unit', filters.unit);
  params.set('value', filters.value);
  if (filters.adjusted) params.set('adjusted', '1');
}

export function filtersToSearch(filters: Filters): string {
  const params = new URLSearchParams();
  writeFilters(params, filters);
  return `?${params.toString()}`;
}
