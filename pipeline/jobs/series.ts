/**
 * Count series for the detectors from query rows that list only periods with cases: every
 * geography gets one value per period of [start, end), zeros filled in, oldest first.
 */
import type { Row } from '../store/sql-files.ts';

export interface Series {
  geography: string;
  counts: number[];
  /** Days since 1970-01-01 of each period's start (a day, or an MMWR week's Sunday). */
  periodDays: number[];
}

const DAY = 86_400_000;

function fill(rows: readonly Row[], start: Date, end: Date, step: number, periodKey: string, countKey: string): Series[] {
  const first = Math.round(start.getTime() / DAY);
  const periods = Math.max(0, Math.floor((Math.round(end.getTime() / DAY) - first) / step));
  const byGeography = new Map<string, number[]>();
  for (const row of rows) {
    const geography = String(row.geography);
    const index = (Math.round(Date.parse(`${String(row[periodKey])}T00:00:00Z`) / DAY) - first) / step;
    if (!Number.isInteger(index) || index < 0 || index >= periods) continue;
    let counts = byGeography.get(geography);
    if (!counts) byGeography.set(geography, (counts = new Array<number>(periods).fill(0)));
    counts[index] = Number(row[countKey]);
  }
  const periodDays = Array.from({ length: periods }, (_, i) => first + i * step);
  return [...byGeography].sort(([a], [b]) => (a < b ? -1 : 1)).map(([geography, counts]) => ({ geography, counts, periodDays }));
}

/** Weekly series; `start` must be a Sunday (an MMWR week start). */
export function weeklySeries(rows: readonly Row[], start: Date, end: Date): Series[] {
  return fill(rows, start, end, 7, 'week_start', 'deaths');
}

export function dailySeries(rows: readonly Row[], start: Date, end: Date): Series[] {
  return fill(rows, start, end, 1, 'day', 'visits');
}
