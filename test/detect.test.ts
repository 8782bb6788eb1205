/**
 * The detection job end to end: ED visits and certificates loaded through the real path, the
 * detectors run on every state's and the nation's series, the latest statuses stored and served
 * by GET /api/alerts. A synthetic surge of fentanyl overdose visits in one state must alert
 * there, and only there.
 */
import { listValue } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetection } from '../pipeline/jobs/detect.ts';
import { farringtonFlexible } from '../pipeline/stats/detectors/index.ts';
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
});
