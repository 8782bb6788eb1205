/**
 * Count series for the detectors and the scan from query rows that list only periods with cases:
 * every geography gets one value per period of [start, end), zeros filled in, oldest first.
 * Also the rule for county series too sparse to test, and the county × day table of the scan.
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

/** The last `periods` periods of a series (all of it when shorter). */
export function lastPeriods(series: Series, periods: number): Series {
  const from = Math.max(0, series.counts.length - periods);
  return { geography: series.geography, counts: series.counts.slice(from), periodDays: series.periodDays.slice(from) };
}

/**
 * When a county series is worth testing. A detector's baseline needs cases to have a mean and a
 * spread: over a baseline of zeros, one case is an "alert" (EARS's σ is 0, EWMA's and the
 * regression's σ sit at their floors, CUSUM has no reference value). A county series is tested
 * only when the `baselinePeriods` before its reported periods hold at least `minCases` cases;
 * the others are counted, not stored, and left to the space-time scan, which pools neighbours.
 * States and the nation are always tested.
 */
export interface SparsityRule {
  /** Periods just before the reported ones that are counted. */
  baselinePeriods: number;
  minCases: number;
}

/**
 * ED visits by day: at least 28 visits in the 28 days (ESSENCE's baseline B) before the 14
 * reported days, a mean of one a day. `vigil evaluate-detectors` measures 4-15 false alerts per
 * county-year for the daily methods on county counts, most where counts are sparsest, and nine
 * counties in ten below one visit every two days (pipeline/stats/detectors/README.md): testing
 * them all would flood the alerts with chance; the scan covers them.
 */
export const COUNTY_ED_RULE: SparsityRule = { baselinePeriods: 28, minCases: 28 };

/**
 * Deaths by MMWR week: at least 26 deaths in the 52 weeks before the 8 reported weeks (a mean of
 * one every two weeks). Below that Farrington finds few outbreaks (22% against 58% from one every
 * two weeks on, in the evaluation); it also needs 5 cases in the last 4 weeks before it alarms.
 */
export const COUNTY_DEATH_RULE: SparsityRule = { baselinePeriods: 52, minCases: 26 };

/** Cases in the baseline of a series whose last `reported` periods are the ones reported. */
export function baselineCases(counts: readonly number[], reported: number, baselinePeriods: number): number {
  const end = Math.max(0, counts.length - reported);
  let sum = 0;
  for (let i = Math.max(0, end - baselinePeriods); i < end; i++) sum += counts[i]!;
  return sum;
}

export function testable(counts: readonly number[], reported: number, rule: SparsityRule): boolean {
  return baselineCases(counts, reported, rule.baselinePeriods) >= rule.minCases;
}

/** A county × day table for the space-time scan: counties with at least one case, in FIPS order. */
export interface CountyDayTable {
  counties: string[];
  /** counts[i][t]: cases in counties[i] on day t of [start, end). */
  counts: Int32Array[];
  firstDate: string;
  days: number;
}

/** Builds the scan's table from daily county rows (`geography`, `day`, `countKey`). */
export function countyDayTable(rows: readonly Row[], start: Date, end: Date, countKey: string): CountyDayTable {
  const first = Math.round(start.getTime() / DAY);
  const days = Math.max(0, Math.round(end.getTime() / DAY) - first);
  const byCounty = new Map<string, Int32Array>();
  for (const row of rows) {
    const t = Math.round(Date.parse(`${String(row.day)}T00:00:00Z`) / DAY) - first;
    const cases = Number(row[countKey]);
    if (t < 0 || t >= days || !(cases > 0)) continue;
    const county = String(row.geography);
    let counts = byCounty.get(county);
    if (!counts) byCounty.set(county, (counts = new Int32Array(days)));
    counts[t]! += cases;
  }
  const counties = [...byCounty.keys()].sort();
  return { counties, counts: counties.map((c) => byCounty.get(c)!), firstDate: start.toISOString().slice(0, 10), days };
}
