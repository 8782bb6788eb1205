// Filter state and its URL form. Pure functions: main.ts owns the DOM and history.

export type ValueKind = 'count' | 'rate';

export interface Filters {
  measure: string;
  from: string; // YYYY-MM
  to: string; // YYYY-MM
  value: ValueKind;
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

function monthIndex(month: string): number {
  const match = MONTH.exec(month);
  if (!match) throw new Error(`invalid month: ${month}`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

function monthFromIndex(i: number): string {
  const year = Math.floor(i / 12);
  const month = (i % 12) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

export function defaultFilters(bounds: FilterBounds): Filters {
  return { measure: bounds.defaultMeasure, from: bounds.extent.from, to: bounds.extent.to, value: 'count' };
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
export function parseFilters(search: string, bounds: FilterBounds): ParsedFilters {
  const params = new URLSearchParams(search);
  const filters = defaultFilters(bounds);
  const corrections: string[] = [];

  const measure = params.get('measure');
  if (measure !== null) {
    if (bounds.measures.includes(measure)) filters.measure = measure;
    else corrections.push(`unknown measure "${measure}"`);
  }

  const value = params.get('value');
  if (value !== null) {
    if (value === 'count' || value === 'rate') filters.value = value;
    else corrections.push(`unknown value "${value}" (use count or rate)`);
  }

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

/** The query string for a view, in a fixed key order so equal views give equal URLs. */
export function filtersToSearch(filters: Filters): string {
  const params = new URLSearchParams();
  params.set('measure', filters.measure);
  params.set('from', filters.from);
  params.set('to', filters.to);
  params.set('value', filters.value);
  return `?${params.toString()}`;
}

export function sameFilters(a: Filters, b: Filters): boolean {
  return a.measure === b.measure && a.from === b.from && a.to === b.to && a.value === b.value;
}
