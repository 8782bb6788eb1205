/**
 * The detection job. For each overdose measure (deaths, by MMWR week) and each active ED syndrome
 * (visits, by day), every county's, state's and the nation's series goes through the detectors
 * ALERTS.md names for its time unit: deaths Farrington flexible and CUSUM (Rossi), ED the ESSENCE
 * regression/EWMA switch and EARS C2. County series too sparse to test (series.ts) are counted,
 * not stored. The prospective space-time permutation scan runs over counties × days (ED syndromes
 * and the main death measures), and ED alerts are checked for deaths following them in the same
 * place (pipeline/stats/concordance). Everything lands in one transaction under one run id:
 * `alerts` (latest periods), `clusters` (p ≤ 0.05), `concordance_signals`, `detection_runs`.
 */
import crypto from 'node:crypto';
import { DATE, DOUBLE, INTEGER, LIST, TIMESTAMPTZ, VARCHAR, dateValue, listValue, timestampTZValue, type DuckDBValue } from '@duckdb/node-api';
import { concordanceByPlace, type EdAlertDay, type PlaceSignal } from '../stats/concordance/index.ts';
import { cusum, earsC, farringtonFlexible, regressionEwmaSwitch, type DetectorPoint } from '../stats/detectors/index.ts';
import { scanCounties } from '../stats/scan/county-scan.ts';
import { ScanRunner } from '../stats/scan/parallel.ts';
import type { SpaceTimeCluster, SpaceTimeScanResult } from '../stats/scan/space-time-permutation.ts';
import { ChunkAppender } from '../store/chunk-appender.ts';
import { inTransaction } from '../store/transaction.ts';
import type { Database } from '../store/database.ts';
import type { QueryCatalog, Row } from '../store/sql-files.ts';
import type { Mutex } from '../ingest/mutex.ts';
import { COUNTY_DEATH_RULE, COUNTY_ED_RULE, countyDayTable, dailySeries, lastPeriods, testable, weeklySeries, type Series } from './series.ts';

export interface DetectOptions {
  /** Worker threads for the scan's replicates (default: the cores, up to 4; 0 = this thread). */
  scanThreads?: number;
  /** Monte Carlo replicates per scan; default 999 (ALERTS.md). */
  replicates?: number;
  /** Scan seed: the same data and seed give the same clusters; default 20240101. */
  seed?: number;
  /** Clusters stored: p ≤ this; default 0.05. */
  clusterMaxP?: number;
  /** Analyses of each series a day, for the recurrence interval; default 1 (the nightly job). */
  scansPerDay?: number;
}

export interface DetectSummary {
  runId: string;
  series: number;
  results: number;
  alerts: number;
  warnings: number;
  /** County series tested, and left out as too sparse (series.ts: COUNTY_ED_RULE, COUNTY_DEATH_RULE). */
  countySeries: { deaths: { tested: number; insufficient: number }; ed: { tested: number; insufficient: number } };
  scans: { run: number; skipped: string[]; clusters: number; casesWithoutLocation: number };
  concordance: { evaluated: number; alerts: number; warnings: number };
  /** Wall time of each phase, seconds. */
  seconds: { deaths: number; ed: number; scans: number; store: number };
}

/** Latest periods stored per series: the dashboard shows the last weeks and days, not a year. */
const RECENT_WEEKS = 8;
const RECENT_DAYS = 14;
/** ED alert days looked at for concordance: the last 8 weeks. */
const CONCORDANCE_DAYS = 56;
/**
 * ED detectors see only the last CONCORDANCE_DAYS + 84 days: the regression needs 30 days before a
 * day (B + g) and the weekend rule 42; EWMA's start-up weighs (1 − w)^84 ≤ 0.6^84 ≈ 2e-19, so the
 * points used equal those of the whole year's series, at a third of the cost.
 */
const ED_DETECTOR_DAYS = CONCORDANCE_DAYS + 84;
const OVERDOSE_MEASURES = ['all_overdose', 'any_opioid', 'synthetic_opioid', 'heroin', 'natural_semisynthetic', 'methadone', 'cocaine', 'psychostimulant', 'benzodiazepine'];
/** Death measures scanned by day: the broad ones and the illicit drugs that cluster (a contaminated supply). */
const SCANNED_DEATH_MEASURES = ['all_overdose', 'synthetic_opioid', 'heroin', 'cocaine', 'psychostimulant'];
/** The scan needs a baseline beside its 30-day window: at least 60 days of study period. */
const MIN_SCAN_DAYS = 60;
const LEVELS = ['county', 'state', 'nation'] as const;
/** The methods whose results the job stores (alerts.method): deaths by week, then ED by day (detectDeaths, detectEd). */
export const ALERT_METHODS = ['farrington', 'cusum', 'switch', 'ears_c2'] as const;
const DAY = 86_400_000;

type Level = (typeof LEVELS)[number];

interface Result {
  source: 'deaths' | 'ed';
  measure: string;
  level: Level;
  series: Series;
  method: string;
  points: readonly (DetectorPoint & { note?: string | null })[];
  unit: 'day' | 'week';
}

interface ScanRecord {
  source: 'deaths' | 'ed';
  measure: string;
  result: SpaceTimeScanResult;
  studyStart: string;
}


/** Runs every detector, the scans and the concordance check, and stores them as one run. */
export async function runDetection(db: Database, queries: QueryCatalog, commitLock: Mutex, today = new Date(), options: DetectOptions = {}): Promise<DetectSummary> {
  const runId = crypto.randomUUID();
  const clock = stopwatch();
  const window = await analysisWindow(db, today);
  const deaths = await detectDeaths(db, queries, window);
  const deathSeconds = clock();
  const ed = await detectEd(db, queries, window);
  const edSeconds = clock();
  const scans = await runScans(db, queries, { syndromes: ed.syndromes, edCountyRows: ed.countyRows, ...window, options });
  const concordance = concordanceRecords(ed.alertDays, deaths.weeks, window.weekStart, window.weekEnd);
  const seconds = { deaths: deathSeconds, ed: edSeconds, scans: clock(), store: 0 };
  return commitLock.run(() =>
    store(db, runId, {
      results: [...deaths.results, ...ed.results],
      scans: scans.records,
      concordance,
      countySeries: { deaths: deaths.county, ed: ed.county },
      scanSummary: scans.summary,
      deathsThrough: window.hasDeaths ? window.deathsAsOf : null,
      edThrough: window.hasVisits ? window.dayEnd : null,
      options,
      seconds,
      clock,
    }),
  );
}

interface AnalysisWindow {
  hasDeaths: boolean;
  hasVisits: boolean;
  /** Deaths: complete MMWR weeks [weekStart, weekEnd), and days [deathDayStart, deathsAsOf) for the scan. */
  weekStart: Date;
  weekEnd: Date;
  deathDayStart: Date;
  deathsAsOf: Date;
  /** ED days [dayStart, dayEnd). */
  dayStart: Date;
  dayEnd: Date;
}

async function analysisWindow(db: Database, today: Date): Promise<AnalysisWindow> {
  // Each source is analysed up to the day after its newest record, never later: days whose records
  // have not arrived yet are unknown, not zero (a false dip; and a demo set stays analysable).
  const lastDeath = await firstDay(db, `SELECT max(death_date) AS first FROM certificates WHERE is_current`);
  const lastVisit = await firstDay(db, `SELECT max(CAST(visit_datetime AS DATE)) AS first FROM ed_visits WHERE is_current`);
  const firstDeath = await firstDay(db, `SELECT min(death_date) AS first FROM certificates WHERE is_current`);
  const firstVisit = await firstDay(db, `SELECT min(CAST(visit_datetime AS DATE)) AS first FROM ed_visits WHERE is_current`);
  const deathsAsOf = dayOf(lastDeath === null ? today : new Date(Math.min(today.getTime(), lastDeath.getTime() + DAY)));
  const dayEnd = dayOf(lastVisit === null ? today : new Date(Math.min(today.getTime(), lastVisit.getTime() + DAY)));
  // Deaths: six years of weeks back from the last complete week (Farrington wants b = 5 years),
  // but never before the first death loaded: weeks before the data are unknown, not zero.
  const weekEnd = sundayOnOrBefore(deathsAsOf);
  const weekStart = new Date(Math.max(weekEnd.getTime() - 6 * 364 * DAY, firstDeath === null ? weekEnd.getTime() : sundayOnOrBefore(firstDeath).getTime()));
  // ED, and the daily scans: a year of days back from the last one, from the first record on.
  const dayStart = new Date(Math.max(dayEnd.getTime() - 365 * DAY, firstVisit === null ? dayEnd.getTime() : firstVisit.getTime()));
  const deathDayStart = new Date(Math.max(deathsAsOf.getTime() - 365 * DAY, firstDeath === null ? deathsAsOf.getTime() : firstDeath.getTime()));
  return { hasDeaths: lastDeath !== null, hasVisits: lastVisit !== null, weekStart, weekEnd, deathDayStart, deathsAsOf, dayStart, dayEnd };
}

/** Weekly death series of every measure and place; Farrington and CUSUM on those worth testing. */
async function detectDeaths(db: Database, queries: QueryCatalog, { weekStart, weekEnd }: AnalysisWindow) {
  const results: Result[] = [];
  const county = { tested: 0, insufficient: 0 };
  // Every series, tested or not: concordance compares deaths wherever an ED alert was.
  const weeks = new Map<string, Series>();
  for (const measure of OVERDOSE_MEASURES) {
    for (const level of LEVELS) {
      const rows = await queries.rows(db.connection, 'death_weekly_counts', { measure, geography: level, from: iso(weekStart), to: iso(weekEnd) });
      for (const series of weeklySeries(rows, weekStart, weekEnd)) {
        weeks.set(key(measure, level, series.geography), series);
        if (level === 'county') {
          const tested = testable(series.counts, RECENT_WEEKS, COUNTY_DEATH_RULE);
          county[tested ? 'tested' : 'insufficient']++;
          if (!tested) continue;
        }
        results.push({ source: 'deaths', measure, level, series, unit: 'week', method: 'farrington', points: farringtonFlexible(series.counts, { lastPoints: RECENT_WEEKS }) });
        results.push({ source: 'deaths', measure, level, series, unit: 'week', method: 'cusum', points: cusum(series.counts) });
      }
    }
  }
  return { results, county, weeks };
}

/** Daily ED series of every active syndrome and place; the ESSENCE switch and EARS C2 on those worth testing. */
async function detectEd(db: Database, queries: QueryCatalog, { dayStart, dayEnd }: AnalysisWindow) {
  const results: Result[] = [];
  const county = { tested: 0, insufficient: 0 };
  const alertDaysBySeries = new Map<string, EdAlertDay[]>();
  const countyRows = new Map<string, Row[]>();
  const syndromes = (await db.connection.runAndReadAll(`SELECT id FROM syndrome_definitions WHERE active ORDER BY id`)).getRowObjectsJson().map((r) => String(r.id));
  const lookbackFrom = Math.round(dayEnd.getTime() / DAY) - CONCORDANCE_DAYS;
  for (const syndrome of syndromes) {
    for (const level of LEVELS) {
      const rows = await queries.rows(db.connection, 'ed_daily_counts', { syndrome, geography: level, from: iso(dayStart), to: iso(dayEnd) });
      if (level === 'county') countyRows.set(syndrome, rows); // the scan's input too
      for (const whole of dailySeries(rows, dayStart, dayEnd)) {
        if (level === 'county') {
          const tested = testable(whole.counts, RECENT_DAYS, COUNTY_ED_RULE);
          county[tested ? 'tested' : 'insufficient']++;
          if (!tested) continue;
        }
        const series = lastPeriods(whole, ED_DETECTOR_DAYS);
        const firstWeekday = new Date(series.periodDays[0]! * DAY).getUTCDay();
        const detected = { switch: regressionEwmaSwitch(series.counts, { firstWeekday }), ears_c2: earsC(series.counts, { method: 'C2' }) };
        for (const [method, points] of Object.entries(detected)) results.push({ source: 'ed', measure: syndrome, level, series, unit: 'day', method, points });
        alertDaysBySeries.set(key(syndrome, level, series.geography), alertDays(series, Object.values(detected), lookbackFrom));
      }
    }
  }
  return { results, county, alertDays: alertDaysBySeries, countyRows, syndromes };
}

/** The days of the lookback on which either ED detector alerted (red), with the smaller p. */
function alertDays(series: Series, methods: readonly (readonly DetectorPoint[])[], from: number): EdAlertDay[] {
  const days: EdAlertDay[] = [];
  series.periodDays.forEach((day, i) => {
    if (day < from) return;
    const alerting = methods.map((points) => points[i]!).filter((point) => point.status === 'alert');
    if (alerting.length === 0) return;
    const ps = alerting.map((point) => point.p).filter((p): p is number => p !== null);
    days.push({ day, observed: series.counts[i]!, p: ps.length > 0 ? Math.min(...ps) : null });
  });
  return days;
}

interface ScanPlan {
  syndromes: readonly string[];
  edCountyRows: ReadonlyMap<string, Row[]>;
  dayStart: Date;
  dayEnd: Date;
  deathDayStart: Date;
  deathsAsOf: Date;
  options: DetectOptions;
}

/** The prospective space-time permutation scans: each ED syndrome and the scanned death measures, counties × days. */
async function runScans(db: Database, queries: QueryCatalog, plan: ScanPlan) {
  const { options } = plan;
  const records: ScanRecord[] = [];
  const summary = { run: 0, skipped: [] as string[], clusters: 0, casesWithoutLocation: 0 };
  const runner = new ScanRunner(options.scanThreads);
  const jobs: { source: 'deaths' | 'ed'; measure: string; rows: () => Promise<Row[]>; start: Date; end: Date; countKey: string }[] = [
    ...plan.syndromes.map((syndrome) => ({ source: 'ed' as const, measure: syndrome, rows: async () => plan.edCountyRows.get(syndrome) ?? [], start: plan.dayStart, end: plan.dayEnd, countKey: 'visits' })),
    ...SCANNED_DEATH_MEASURES.map((measure) => ({
      source: 'deaths' as const,
      measure,
      rows: () => queries.rows(db.connection, 'death_daily_counts', { measure, geography: 'county', from: iso(plan.deathDayStart), to: iso(plan.deathsAsOf) }),
      start: plan.deathDayStart,
      end: plan.deathsAsOf,
      countKey: 'deaths',
    })),
  ];
  try {
    for (const job of jobs) {
      const table = countyDayTable(await job.rows(), job.start, job.end, job.countKey);
      const scan = await scanCounties(runner, table, {
        minDays: MIN_SCAN_DAYS,
        replicates: options.replicates ?? 999,
        seed: options.seed ?? 20240101,
        analysesPerYear: 365 * (options.scansPerDay ?? 1),
        stopAbove: options.clusterMaxP ?? 0.05,
      });
      summary.casesWithoutLocation += scan.casesWithoutLocation;
      if (scan.skipped !== null) summary.skipped.push(`${job.source}/${job.measure}: ${scan.skipped}`);
      if (!scan.outcome) continue;
      summary.run++;
      // Stopped early: no cluster can be significant, so there is nothing to store.
      if (scan.outcome.complete) records.push({ source: job.source, measure: job.measure, result: scan.outcome.result, studyStart: table.firstDate });
    }
  } finally {
    await runner.close();
  }
  return { records, summary };
}

/** Every ED alert episode of the lookback against the matching death series of its place. */
function concordanceRecords(edAlertDays: ReadonlyMap<string, EdAlertDay[]>, deathWeeks: ReadonlyMap<string, Series>, weekStart: Date, weekEnd: Date): PlaceSignal[] {
  const first = Math.round(weekStart.getTime() / DAY);
  const weekStarts = Array.from({ length: Math.max(0, Math.round((weekEnd.getTime() - weekStart.getTime()) / (7 * DAY))) }, (_, i) => first + 7 * i);
  const alerts = [...edAlertDays].map(([seriesKey, days]) => {
    const [syndrome, level, geography] = seriesKey.split('/') as [string, Level, string];
    return { syndrome, level, geography, days };
  });
  return concordanceByPlace(alerts, (measure, level, geography) => deathWeeks.get(key(measure, level as Level, geography))?.counts, weekStarts);
}

interface StoreInput {
  results: readonly Result[];
  scans: readonly ScanRecord[];
  concordance: readonly PlaceSignal[];
  countySeries: DetectSummary['countySeries'];
  scanSummary: DetectSummary['scans'];
  deathsThrough: Date | null;
  edThrough: Date | null;
  options: DetectOptions;
  seconds: DetectSummary['seconds'];
  clock: () => number;
}

async function store(db: Database, runId: string, input: StoreInput): Promise<DetectSummary> {
  const { results, scans, concordance } = input;
  const maxP = input.options.clusterMaxP ?? 0.05;
  const scansPerDay = input.options.scansPerDay ?? 1;
  const summary: DetectSummary = {
    runId,
    series: new Set(results.map((r) => `${r.source}/${r.measure}/${r.level}/${r.series.geography}`)).size,
    results: 0,
    alerts: 0,
    warnings: 0,
    countySeries: input.countySeries,
    scans: input.scanSummary,
    concordance: { evaluated: concordance.length, alerts: concordance.filter((c) => c.signal.status === 'alert').length, warnings: concordance.filter((c) => c.signal.status === 'warning').length },
    seconds: input.seconds,
  };
  const connection = await db.connect();
  const computedAt = timestampTZValue(BigInt(Date.now()) * 1000n);
  try {
    await inTransaction(connection, async () => {
      await append(connection, 'alerts', [VARCHAR, TIMESTAMPTZ, VARCHAR, VARCHAR, VARCHAR, VARCHAR, DATE, VARCHAR, VARCHAR, DOUBLE, DOUBLE, DOUBLE, DOUBLE, VARCHAR, VARCHAR], (add) => {
        for (const r of results) {
          const recent = r.unit === 'week' ? RECENT_WEEKS : RECENT_DAYS;
          for (let i = Math.max(0, r.points.length - recent); i < r.points.length; i++) {
            const point = r.points[i]!;
            add([
              runId, computedAt, r.source, r.measure, r.level, r.series.geography, dateValue(r.series.periodDays[i]!), r.unit, r.method,
              point.observed, point.expected, point.threshold, point.p, point.status, point.note ?? null,
            ]);
            summary.results++;
            if (point.status === 'alert') summary.alerts++;
            if (point.status === 'warning') summary.warnings++;
          }
        }
      });
      await append(connection, 'clusters', CLUSTER_TYPES, (add) => {
        for (const scan of scans) {
          const clusters = [scan.result.mostLikely, ...scan.result.secondary].filter((c): c is SpaceTimeCluster => c !== null && c.p <= maxP);
          clusters.forEach((cluster, rank) => {
            add(clusterValues(runId, scan, cluster, rank + 1, scansPerDay));
            summary.scans.clusters++;
          });
        }
      });
      await append(connection, 'concordance_signals', CONCORDANCE_TYPES, (add) => {
        for (const record of concordance) add(concordanceValues(runId, record));
      });
      summary.seconds.store = input.clock();
      await connection.run(
        `INSERT INTO detection_runs VALUES ($run_id, CAST($computed_at AS TIMESTAMPTZ), CAST($deaths AS DATE), CAST($ed AS DATE), CAST($summary AS JSON))`,
        { run_id: runId, computed_at: new Date().toISOString(), deaths: lastDay(input.deathsThrough), ed: lastDay(input.edThrough), summary: JSON.stringify(summary) },
      );
    });
  } finally {
    connection.closeSync();
  }
  return summary;
}

const CLUSTER_TYPES = [VARCHAR, VARCHAR, VARCHAR, VARCHAR, INTEGER, VARCHAR, LIST(VARCHAR), LIST(VARCHAR), DOUBLE, DATE, DATE, INTEGER, INTEGER, DOUBLE, DOUBLE, DOUBLE, DOUBLE, DOUBLE, DATE, INTEGER, INTEGER, INTEGER];

function clusterValues(runId: string, scan: ScanRecord, c: SpaceTimeCluster, rank: number, scansPerDay: number): DuckDBValue[] {
  const C = scan.result.totalCases;
  // SaTScan's relative risk: inside over outside; undefined when every case is inside.
  const outside = (C - c.observed) / (C - c.expected);
  const relativeRisk = outside > 0 ? c.observed / c.expected / outside : null;
  return [
    runId, scan.source, scan.measure, 'space_time_permutation', rank, c.centre, listValue(c.locations), listValue([...new Set(c.locations.map((f) => f.slice(0, 2)))].sort()),
    c.radius, dateValue(isoDay(c.startDate!)), dateValue(isoDay(c.endDate!)), c.windowDays, c.observed, c.expected, relativeRisk, c.llr, c.p,
    1 / (c.p * scansPerDay), dateValue(isoDay(scan.studyStart)), C, scan.result.replicates, scan.result.seed,
  ];
}

const CONCORDANCE_TYPES = [VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, DATE, DATE, INTEGER, DOUBLE, INTEGER, DATE, DATE, INTEGER, INTEGER, DOUBLE, INTEGER, INTEGER, DOUBLE, DOUBLE, VARCHAR, VARCHAR];

function concordanceValues(runId: string, { syndrome, deathMeasure, level, geography, signal: s }: PlaceSignal): DuckDBValue[] {
  return [
    runId, syndrome, deathMeasure, level, geography, dateValue(s.edFirstDay), dateValue(s.edLastDay), s.edAlertDays, s.edMinP, s.edVisits,
    dateValue(s.windowStart), dateValue(s.windowEnd), s.windowWeeks, s.deathsObserved, s.deathsExpected, s.baselineWeeks, s.baselineDeaths,
    s.rateRatio, s.p, s.status, s.note,
  ];
}

async function append(connection: Awaited<ReturnType<Database['connect']>>, table: string, types: Parameters<typeof ChunkAppender.create>[2], fill: (add: (values: DuckDBValue[]) => void) => void): Promise<void> {
  const appender = await ChunkAppender.create(connection, table, types);
  try {
    fill((values) => appender.add(values));
  } finally {
    appender.close();
  }
}

/** Seconds since the previous call (or since it was made), to three decimals. */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const seconds = Math.round(now - last) / 1000;
    last = now;
    return seconds;
  };
}

function key(measure: string, level: Level, geography: string): string {
  return `${measure}/${level}/${geography}`;
}

/** The one date a query returns (column `first`), or null. */
async function firstDay(db: Database, sql: string): Promise<Date | null> {
  const [row] = (await db.connection.runAndReadAll(sql)).getRowObjectsJson();
  return row?.first ? new Date(`${String(row.first)}T00:00:00Z`) : null;
}

function iso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function isoDay(text: string): number {
  return Math.round(Date.parse(`${text}T00:00:00Z`) / DAY);
}

/** The last day analysed: the day before an exclusive end. */
function lastDay(end: Date | null): string | null {
  return end === null ? null : iso(new Date(end.getTime() - DAY));
}

/** Midnight UTC of a date's calendar day. */
function dayOf(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** The Sunday that starts the current MMWR week: the weeks before it are complete. */
function sundayOnOrBefore(date: Date): Date {
  const day = dayOf(date);
  return new Date(day.getTime() - day.getUTCDay() * DAY);
}
