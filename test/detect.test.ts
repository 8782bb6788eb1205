/**
 * The detection job end to end: ED visits and certificates loaded through the real path, the
 * detectors run on every county's (enough cases), state's and the nation's series, the latest
 * statuses stored and served by GET /api/alerts. A synthetic surge of fentanyl overdose visits in
 * one state must alert there, and only there. Also: the rule for sparse county series, and the
 * shortened ED series the job runs the detectors on giving the whole year's results.
 */
import { listValue } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetection } from '../pipeline/jobs/detect.ts';
import { baselineCases, COUNTY_ED_RULE, dailySeries, lastPeriods, testable } from '../pipeline/jobs/series.ts';
import { earsC, farringtonFlexible, regressionEwmaSwitch } from '../pipeline/stats/detectors/index.ts';
import { xoshiro128StarStar } from '../pipeline/stats/scan/prng.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const ED_HEADER = 'visit_id,facility_id,visit_datetime,age,sex,patient_county_fips,chief_complaint,triage_note,discharge_diagnoses';
const DAY = 86_400_000;
const TODAY = new Date('2024-06-01T12:00:00Z');

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ demo: false });
  // 150 days of background: every day a few overdose visits in Ohio (39049) and Kentucky (21111),
  // and other complaints; then a surge of fentanyl overdoses in Ohio on the last two days.
  const rows: string[] = [];
  const start = TODAY.getTime() - 150 * DAY;
  let n = 0;
  for (let d = 0; d < 150; d++) {
    const day = new Date(start + d * DAY).toISOString().slice(0, 10);
    const overdoses = 2 + (d % 3);
    for (const county of ['39049', '21111']) {
      for (let i = 0; i < overdoses; i++) rows.push(`V${n++},F1,${day}T0${i}:00,30,M,${county},OD on heroin,narcan x2 by EMS,T40.1X1A`);
      for (let i = 0; i < 10; i++) rows.push(`V${n++},F1,${day}T1${i % 10}:00,50,F,${county},chest pain,,R07.9`);
    }
    if (d >= 148) for (let i = 0; i < 30; i++) rows.push(`V${n++},F1,${day}T2${i % 4}:00,28,M,39049,OD on fent,found down,T40.411A`);
  }
  const file = path.join(server.runtime.dataDir, 'ed.csv');
  fs.writeFileSync(file, `${ED_HEADER}\n${rows.join('\n')}\n`);
  const report = await server.runtime.ingest.ingestFile(file, { source: 'cli' });
  expect(report.status).toBe('loaded');
}, 120_000);
afterAll(() => server.close());

describe('detection job', () => {
  it('alerts on the surge in the state and the day it happened, not elsewhere', async () => {
    const summary = await runDetection(server.runtime.db, server.runtime.queries, server.runtime.commitLock, TODAY);
    expect(summary.alerts).toBeGreaterThan(0);
    const rows = await server.runtime.queries.rows(server.runtime.db.connection, 'latest_alerts', { source: 'ed', statuses: listValue(['alert']), min_observed: 1 });
    const fentanylOhio = rows.filter((r) => r.measure === 'fentanyl' && r.geography === '39');
    expect(fentanylOhio.map((r) => r.period)).toContain('2024-05-31');
    expect(rows.filter((r) => r.geography === '21')).toEqual([]);
    // Only the surge days alert: the background, 2-4 a day, never does.
    expect(new Set(rows.filter((r) => r.geography === '39' && r.measure === 'fentanyl').map((r) => r.period))).toEqual(new Set(['2024-05-30', '2024-05-31']));
  });

  it('analyses up to the newest record, not up to today: days not yet arrived are not zeros', async () => {
    await runDetection(server.runtime.db, server.runtime.queries, server.runtime.commitLock, new Date('2026-01-01T12:00:00Z'));
    const rows = await server.runtime.queries.rows(server.runtime.db.connection, 'latest_alerts', { source: 'ed', statuses: listValue(['alert', 'warning', 'none', 'insufficient']), min_observed: 0 });
    expect(rows[0]!.period).toBe('2024-05-31');
    const surge = rows.filter((r) => r.measure === 'fentanyl' && r.geography === '39' && r.status === 'alert').map((r) => r.period);
    expect(new Set(surge)).toEqual(new Set(['2024-05-30', '2024-05-31']));
  });

  it('says plainly when death series have too little history for Farrington', async () => {
    const rows = await server.runtime.db.connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM alerts WHERE source = 'deaths'`);
    // No certificates were loaded: there are no death series at all.
    expect(rows.getRowObjectsJson()).toEqual([{ n: 0 }]);
    const weekly = Array.from({ length: 60 }, (_, i) => 3 + (i % 4));
    const points = farringtonFlexible(weekly, { lastPoints: 2 });
    expect(points.slice(0, -2).every((p) => p.status === 'insufficient')).toBe(true);
    expect(points.at(-1)!.note).toBe('only 1 of 5 years of history: baseline is 7 periods instead of 35, and no trend is fitted with fewer than 3 years');
    // The last points are exactly what fitting the whole series gives.
    expect(points.slice(-2)).toEqual(farringtonFlexible(weekly).slice(-2));
  });

  it('serves the latest run at GET /api/alerts, alerts and warnings by default, and refuses a bad status', async () => {
    const response = await fetch(new URL('/api/alerts?source=ed', server.url));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { alerts: { status: string; source: string; method: string }[] };
    expect(body.alerts.length).toBeGreaterThan(0);
    expect(body.alerts.every((a) => a.source === 'ed' && (a.status === 'alert' || a.status === 'warning'))).toBe(true);
    expect(new Set(body.alerts.map((a) => a.method))).toEqual(new Set(['switch', 'ears_c2']));
    const bad = await fetch(new URL('/api/alerts?status=purple', server.url));
    expect(bad.status).toBe(400);
  });

  it('tests a county series only with enough baseline cases, and records the others as a count', async () => {
    const summary = await runDetection(server.runtime.db, server.runtime.queries, server.runtime.commitLock, TODAY, { scanThreads: 0 });
    // Both counties have 2-4 heroin overdoses a day (all_drug, opioid, heroin: tested); fentanyl
    // only in Ohio's surge, so its one county series has an empty baseline; no other syndrome has a visit.
    expect(summary.countySeries.ed).toEqual({ tested: 6, insufficient: 1 });
    const rows = (await server.runtime.db.connection.runAndReadAll(
      `SELECT DISTINCT measure, geography FROM alerts WHERE run_id = $run AND level = 'county' ORDER BY 1, 2`,
      { run: summary.runId },
    )).getRowObjectsJson();
    expect(rows).toEqual([
      { measure: 'all_drug', geography: '21111' }, { measure: 'all_drug', geography: '39049' },
      { measure: 'heroin', geography: '21111' }, { measure: 'heroin', geography: '39049' },
      { measure: 'opioid', geography: '21111' }, { measure: 'opioid', geography: '39049' },
    ]);
    const [run] = (await server.runtime.db.connection.runAndReadAll(
      `SELECT strftime(ed_through, '%Y-%m-%d') AS ed_through, CAST(summary AS VARCHAR) AS summary FROM detection_runs WHERE run_id = $run`,
      { run: summary.runId },
    )).getRowObjectsJson();
    expect(run!.ed_through).toBe('2024-05-31');
    expect(JSON.parse(String(run!.summary)).countySeries).toEqual(summary.countySeries);
  });

  it('the rule counts the 28 days before the 14 reported ones', () => {
    const counts = [...new Array<number>(30).fill(1), ...new Array<number>(14).fill(0)];
    expect(baselineCases(counts, 14, 28)).toBe(28);
    expect(testable(counts, 14, COUNTY_ED_RULE)).toBe(true);
    counts[20] = 0;
    expect(testable(counts, 14, COUNTY_ED_RULE)).toBe(false);
    // Cases in the reported days do not count: a surge cannot make its own baseline.
    expect(testable([...new Array<number>(28).fill(0), ...new Array<number>(14).fill(50)], 14, COUNTY_ED_RULE)).toBe(false);
  });

  it('runs the ED detectors on the last 140 days, which give the whole year\'s last 56 points', () => {
    const random = xoshiro128StarStar(5);
    const start = new Date('2023-06-01T00:00:00Z');
    const rows = Array.from({ length: 365 }, (_, d) => ({
      geography: '39',
      day: new Date(start.getTime() + d * DAY).toISOString().slice(0, 10),
      visits: Math.floor(random.nextDouble() * (6 + 4 * Math.sin(d / 9))) + (d > 350 ? 9 : 0),
    }));
    const [whole] = dailySeries(rows, start, new Date(start.getTime() + 365 * DAY));
    const part = lastPeriods(whole!, 140);
    const weekday = (day: number) => new Date(day * DAY).getUTCDay();
    const full = regressionEwmaSwitch(whole!.counts, { firstWeekday: weekday(whole!.periodDays[0]!) }).slice(-56);
    const short = regressionEwmaSwitch(part.counts, { firstWeekday: weekday(part.periodDays[0]!) }).slice(-56);
    short.forEach((point, i) => {
      expect(point.status).toBe(full[i]!.status);
      expect(point.method).toBe(full[i]!.method);
      expect(point.p!).toBeCloseTo(full[i]!.p!, 9);
      expect(point.expected!).toBeCloseTo(full[i]!.expected!, 9);
    });
    expect(earsC(part.counts, { method: 'C2' }).slice(-56)).toEqual(earsC(whole!.counts, { method: 'C2' }).slice(-56));
    expect(short.some((p) => p.status === 'alert')).toBe(true);
  });
});
