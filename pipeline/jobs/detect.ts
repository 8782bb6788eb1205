/**
 * The detection job: every state's and the nation's series, for each overdose measure (deaths, by
 * MMWR week) and each active ED syndrome (visits, by day), run through the detectors ALERTS.md
 * names for its time unit; the status of the latest periods is stored in `alerts` under the run.
 * Deaths: Farrington flexible (surveillance defaults) and CUSUM (Rossi); ED: the ESSENCE
 * regression/EWMA switch and EARS C2. Counties come with the space-time scan (issue 6).
 */
import crypto from 'node:crypto';
import { TIMESTAMPTZ, VARCHAR, DATE, DOUBLE, timestampTZValue, dateValue, type DuckDBValue } from '@duckdb/node-api';
import { cusum, earsC, farringtonFlexible, regressionEwmaSwitch, type DetectorPoint } from '../stats/detectors/index.ts';
import { ChunkAppender } from '../store/chunk-appender.ts';
import { inTransaction } from '../store/transaction.ts';
import type { Database } from '../store/database.ts';
import type { QueryCatalog } from '../store/sql-files.ts';
import type { Mutex } from '../ingest/mutex.ts';
import { dailySeries, weeklySeries, type Series } from './series.ts';

export interface DetectSummary {
  runId: string;
  series: number;
  results: number;
  alerts: number;
  warnings: number;
}

/** Latest periods stored per series: the dashboard shows the last weeks and days, not a year. */
const RECENT_WEEKS = 8;
const RECENT_DAYS = 14;
const OVERDOSE_MEASURES = ['all_overdose', 'any_opioid', 'synthetic_opioid', 'heroin', 'natural_semisynthetic', 'methadone', 'cocaine', 'psychostimulant', 'benzodiazepine'];

interface Result {
  source: 'deaths' | 'ed';
  measure: string;
  level: 'state' | 'nation';
  series: Series;
  method: string;
  points: readonly (DetectorPoint & { note?: string | null })[];
  unit: 'day' | 'week';
}

export async function runDetection(db: Database, queries: QueryCatalog, commitLock: Mutex, today = new Date()): Promise<DetectSummary> {
  const runId = crypto.randomUUID();
  const results: Result[] = [];
  // Each source is analysed up to the day after its newest record, never later: days whose records
  // have not arrived yet are unknown, not zero (a false dip; and a demo set stays analysable).
  const lastDeath = await firstDay(db, `SELECT max(death_date) AS first FROM certificates WHERE is_current`);
  const lastVisit = await firstDay(db, `SELECT max(CAST(visit_datetime AS DATE)) AS first FROM ed_visits WHERE is_current`);
  const deathsAsOf = lastDeath === null ? today : new Date(Math.min(today.getTime(), lastDeath.getTime() + 86_400_000));
  const edAsOf = lastVisit === null ? today : new Date(Math.min(today.getTime(), lastVisit.getTime() + 86_400_000));
  // Deaths: six years of weeks back from the last complete week (Farrington wants b = 5 years),
  // but never before the first death loaded: weeks before the data are unknown, not zero.
  const weekEnd = sundayOnOrBefore(deathsAsOf);
  const firstDeath = await firstDay(db, `SELECT min(death_date) AS first FROM certificates WHERE is_current`);
  const weekStart = new Date(Math.max(weekEnd.getTime() - 6 * 364 * 86_400_000, firstDeath === null ? weekEnd.getTime() : sundayOnOrBefore(firstDeath).getTime()));
  for (const measure of OVERDOSE_MEASURES) {
    for (const level of ['state', 'nation'] as const) {
      const rows = await queries.rows(db.connection, 'death_weekly_counts', { measure, geography: level, from: iso(weekStart), to: iso(weekEnd) });
      for (const series of weeklySeries(rows, weekStart, weekEnd)) {
        results.push({ source: 'deaths', measure, level, series, unit: 'week', method: 'farrington', points: farringtonFlexible(series.counts, { lastPoints: RECENT_WEEKS }) });
        results.push({ source: 'deaths', measure, level, series, unit: 'week', method: 'cusum', points: cusum(series.counts) });
      }
    }
  }
  // ED: a year of days back from yesterday.
  const dayEnd = new Date(Date.UTC(edAsOf.getUTCFullYear(), edAsOf.getUTCMonth(), edAsOf.getUTCDate()));
  const firstVisit = await firstDay(db, `SELECT min(CAST(visit_datetime AS DATE)) AS first FROM ed_visits WHERE is_current`);
  const dayStart = new Date(Math.max(dayEnd.getTime() - 365 * 86_400_000, firstVisit === null ? dayEnd.getTime() : firstVisit.getTime()));
  const syndromes = (await db.connection.runAndReadAll(`SELECT id FROM syndrome_definitions WHERE active ORDER BY id`)).getRowObjectsJson().map((r) => String(r.id));
  for (const syndrome of syndromes) {
    for (const level of ['state', 'nation'] as const) {
      const rows = await queries.rows(db.connection, 'ed_daily_counts', { syndrome, geography: level, from: iso(dayStart), to: iso(dayEnd) });
      for (const series of dailySeries(rows, dayStart, dayEnd)) {
        const firstWeekday = dayStart.getUTCDay();
        results.push({ source: 'ed', measure: syndrome, level, series, unit: 'day', method: 'switch', points: regressionEwmaSwitch(series.counts, { firstWeekday }) });
        results.push({ source: 'ed', measure: syndrome, level, series, unit: 'day', method: 'ears_c2', points: earsC(series.counts, { method: 'C2' }) });
      }
    }
  }
  return commitLock.run(() => store(db, runId, results));
}

async function store(db: Database, runId: string, results: readonly Result[]): Promise<DetectSummary> {
  const summary: DetectSummary = { runId, series: new Set(results.map((r) => `${r.source}/${r.measure}/${r.series.geography}`)).size, results: 0, alerts: 0, warnings: 0 };
  const connection = await db.connect();
  const computedAt = timestampTZValue(BigInt(Date.now()) * 1000n);
  try {
    await inTransaction(connection, async () => {
      const appender = await ChunkAppender.create(connection, 'alerts', [VARCHAR, TIMESTAMPTZ, VARCHAR, VARCHAR, VARCHAR, VARCHAR, DATE, VARCHAR, VARCHAR, DOUBLE, DOUBLE, DOUBLE, DOUBLE, VARCHAR, VARCHAR]);
      try {
        for (const r of results) {
          const recent = r.unit === 'week' ? RECENT_WEEKS : RECENT_DAYS;
          for (let i = Math.max(0, r.points.length - recent); i < r.points.length; i++) {
            const point = r.points[i]!;
            const values: DuckDBValue[] = [
              runId, computedAt, r.source, r.measure, r.level, r.series.geography, dateValue(r.series.periodDays[i]!), r.unit, r.method,
              point.observed, point.expected, point.threshold, point.p, point.status, point.note ?? null,
            ];
            appender.add(values);
            summary.results++;
            if (point.status === 'alert') summary.alerts++;
            if (point.status === 'warning') summary.warnings++;
          }
        }
      } finally {
        appender.close();
      }
    });
  } finally {
    connection.closeSync();
  }
  return summary;
}

/** The one date a query returns (column `first`), or null. */
async function firstDay(db: Database, sql: string): Promise<Date | null> {
  const [row] = (await db.connection.runAndReadAll(sql)).getRowObjectsJson();
  return row?.first ? new Date(`${String(row.first)}T00:00:00Z`) : null;
}

function iso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The Sunday that starts the current MMWR week: the weeks before it are complete. */
function sundayOnOrBefore(date: Date): Date {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  return new Date(day.getTime() - day.getUTCDay() * 86_400_000);
}
