/**
 * Space-time clusters and ED-death concordance end to end: seeded ED visits and certificates
 * loaded through the real path, a fentanyl surge injected in three neighbouring Cincinnati-area
 * counties (ED visits and deaths), the detect job run, and what it stored served by
 * GET /api/clusters and GET /api/concordance to the roles that may see it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetection, type DetectSummary } from '../pipeline/jobs/detect.ts';
import { xoshiro128StarStar } from '../pipeline/stats/scan/prng.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const ED_HEADER = 'visit_id,facility_id,visit_datetime,age,sex,patient_county_fips,chief_complaint,triage_note,discharge_diagnoses';
const DEATH_HEADER = 'certificate_id,jurisdiction,death_date,age,sex,residence_county_fips,occurrence_county_fips,manner,part1_a,part1_b,part1_c,part1_d,part2,how_injury';
const DAY = 86_400_000;
const FIRST = Date.parse('2024-01-07T00:00:00Z'); // a Sunday
const DAYS = 140; // through Saturday 2024-05-25
const SURGE_FROM = 134; // Monday 2024-05-20
const SURGE = ['39061', '39017', '39025']; // Hamilton, Butler, Clermont
const TODAY = new Date('2024-06-01T12:00:00Z');
// Mean background overdose visits a day per county, heroin and fentanyl in turn. (The permutation
// scan sees only space-time interaction: a drug with no cases before the surge anywhere has no
// baseline, and only the state series' detectors would catch it.)
const BACKGROUND: Record<string, number> = {
  '39061': 1.5, '39049': 1.5, '39035': 1.5, '21111': 1.2, '39113': 0.6, '39153': 0.6, '39095': 0.5, '21067': 0.5, '39017': 0.4, '39025': 0.3, '39165': 0.3,
};

const iso = (d: number) => new Date(FIRST + d * DAY).toISOString().slice(0, 10);

function edVisits(): string {
  const random = xoshiro128StarStar(41);
  const poisson = (lambda: number) => {
    let k = 0;
    for (let p = random.nextDouble(); p > Math.exp(-lambda); p *= random.nextDouble()) k++;
    return k;
  };
  const rows: string[] = [];
  let n = 0;
  for (let d = 0; d < DAYS; d++) {
    for (const [county, mean] of Object.entries(BACKGROUND)) {
      for (let i = poisson(mean); i > 0; i--) {
        const [complaint, code] = n % 2 === 0 ? ['OD on heroin', 'T40.1X1A'] : ['OD on fent', 'T40.411A'];
        rows.push(`V${n++},F1,${iso(d)}T0${i % 10}:00,30,M,${county},${complaint},narcan x2 by EMS,${code}`);
      }
      rows.push(`V${n++},F1,${iso(d)}T12:00,50,F,${county},chest pain,,R07.9`);
    }
    if (d >= SURGE_FROM) for (const county of SURGE) for (let i = 0; i < 5; i++) rows.push(`V${n++},F1,${iso(d)}T1${i}:30,28,M,${county},OD on fent,found down,T40.411A`);
  }
  return `${ED_HEADER}\n${rows.join('\n')}\n`;
}

/** A fentanyl death in Hamilton every Wednesday, then 9 in the surge counties in the surge week. */
function certificates(): string {
  const rows: string[] = [];
  const death = (n: number, d: number, county: string) => rows.push(`OH${String(n).padStart(6, '0')},OH,${iso(d)},35,M,${county},${county},A,Acute fentanyl toxicity,,,,,Injected drugs`);
  let n = 1;
  for (let week = 0; week < 19; week++) death(n++, 7 * week + 3, '39061');
  for (let i = 0; i < 9; i++) death(n++, SURGE_FROM + (i % 6), SURGE[i % 3]!);
  return `${DEATH_HEADER}\n${rows.join('\n')}\n`;
}

let server: TestServer;
let summary: DetectSummary;
let epidemiologist: string;
let uploader: string;
beforeAll(async () => {
  server = await startTestServer({ demo: false });
  const { runtime } = server;
  for (const [name, content] of [['ed.csv', edVisits()], ['deaths.csv', certificates()]] as const) {
    const file = path.join(runtime.dataDir, name);
    fs.writeFileSync(file, content);
    const report = await runtime.ingest.ingestFile(file, { source: 'cli' });
    expect(report, name).toMatchObject({ status: 'loaded', recordsRejected: 0 });
  }
  summary = await runDetection(runtime.db, runtime.queries, runtime.commitLock, TODAY, { scanThreads: 0 });
  epidemiologist = (await createToken(runtime.db.connection, { name: 'epi', role: 'epidemiologist', createdBy: 'test' })).token;
  uploader = (await createToken(runtime.db.connection, { name: 'vital records', role: 'uploader', jurisdictions: ['OH'], createdBy: 'test' })).token;
}, 240_000);
afterAll(() => server.close());

const get = (route: string, token: string | null = epidemiologist, accept?: string) =>
  fetch(new URL(route, server.url), { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(accept ? { accept } : {}) } });

describe('the detect job: counties, clusters, concordance', () => {
  it('tests the county series with enough cases and only counts the sparse ones', async () => {
    expect(summary.countySeries.ed.tested).toBeGreaterThan(0);
    expect(summary.countySeries.ed.insufficient).toBeGreaterThan(summary.countySeries.ed.tested);
    const counties = (await server.runtime.db.connection.runAndReadAll(
      `SELECT DISTINCT geography FROM alerts WHERE level = 'county' AND source = 'ed' AND measure = 'all_drug' ORDER BY 1`,
    )).getRowObjectsJson().map((r) => r.geography);
    // ≥ 28 visits in the 28 days before the reported fortnight: the four busiest counties only.
    expect(counties).toEqual(['21111', '39035', '39049', '39061']);
    const hamilton = (await server.runtime.db.connection.runAndReadAll(
      `SELECT strftime(period, '%Y-%m-%d') AS day FROM alerts WHERE level = 'county' AND geography = '39061' AND measure = 'all_drug' AND method = 'switch' AND status = 'alert' ORDER BY 1`,
    )).getRowObjectsJson().map((r) => r.day);
    expect(hamilton[0]! >= iso(SURGE_FROM)).toBe(true);
    expect(hamilton.length).toBeGreaterThan(0);
  });

  it('finds the surge as a space-time cluster where and when it happened', async () => {
    const response = await get('/api/clusters?source=ed&measure=fentanyl');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { run: { run_id: string; ed_through: string }; clusters: Record<string, any>[] };
    expect(body.run).toMatchObject({ run_id: summary.runId, ed_through: '2024-05-25', deaths_through: '2024-05-25' });
    const [cluster] = body.clusters;
    expect(cluster).toMatchObject({ source: 'ed', measure: 'fentanyl', method: 'space_time_permutation', rank: 1, end_date: '2024-05-25', states: ['39'], replicates: 999, seed: 20240101 });
    expect(cluster!.p_value).toBe(0.001);
    expect(cluster!.recurrence_interval_days).toBe(1000);
    expect(cluster!.relative_risk).toBeGreaterThan(3);
    // A county's 30 surge visits, and the background cases of the window around them.
    expect(cluster!.observed).toBeGreaterThanOrEqual(30);
    expect(cluster!.observed).toBeGreaterThan(3 * cluster!.expected);
    // The surge shows as clusters of surge counties only (secondary clusters share no county with
    // the first), each from the surge's first days to the analysis day.
    expect(body.clusters.length).toBeGreaterThanOrEqual(2);
    for (const c of body.clusters) {
      expect(c.counties.every((county: string) => SURGE.includes(county)), String(c.counties)).toBe(true);
      expect(c.start_date >= iso(SURGE_FROM - 2) && c.start_date <= iso(SURGE_FROM)).toBe(true);
      expect(c.end_date).toBe('2024-05-25');
    }
    const heroin = (await (await get('/api/clusters?source=ed&measure=heroin')).json()) as { clusters: unknown[] };
    expect(heroin.clusters.length).toBeLessThanOrEqual(1); // background alone: at most a chance cluster
  });

  it('runs the same on the same data: the seeded scan gives the same clusters', async () => {
    const again = await runDetection(server.runtime.db, server.runtime.queries, server.runtime.commitLock, TODAY, { scanThreads: 2 });
    const rows = (await server.runtime.db.connection.runAndReadAll(
      `SELECT run_id, measure, counties, observed, llr, p_value FROM clusters WHERE run_id IN ($a, $b) ORDER BY measure, rank, run_id`,
      { a: summary.runId, b: again.runId },
    )).getRowObjectsJson();
    const byRun = (id: string) => rows.filter((r) => r.run_id === id).map(({ run_id: _, ...rest }) => rest);
    expect(byRun(again.runId)).toEqual(byRun(summary.runId));
    expect(byRun(summary.runId).length).toBeGreaterThan(0);
    summary = again; // the latest run from here on
  }, 120_000);

  it('signals concordance: the ED fentanyl alert followed by rising fentanyl deaths in Ohio', async () => {
    const response = await get('/api/concordance?syndrome=fentanyl&level=state');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { signals: Record<string, any>[] };
    const ohio = body.signals.find((s) => s.geography === '39');
    expect(ohio).toMatchObject({ death_measure: 'synthetic_opioid', level: 'state', status: 'alert', window_start: '2024-05-19', window_weeks: 1, deaths_observed: 9, baseline_weeks: 19, baseline_deaths: 19, note: '1 of 4 weeks of deaths so far' });
    expect(ohio!.ed_first_day >= iso(SURGE_FROM)).toBe(true);
    // 9 deaths in the week against 19 in 19 weeks: given 28, X ~ Binomial(28, 1/20), P(X ≥ 9).
    expect(ohio!.p_value).toBeGreaterThan(5e-6);
    expect(ohio!.p_value).toBeLessThan(6e-6);
    // Kentucky had no surge: no fentanyl signal there.
    expect(body.signals.filter((s) => s.geography === '21')).toEqual([]);
    const all = (await (await get('/api/concordance?status=alert,warning,none,pending,insufficient&state=21')).json()) as { signals: Record<string, any>[] };
    expect(all.signals.every((s) => s.geography.startsWith('21') && s.status !== 'alert')).toBe(true);
  });
});

describe('GET /api/clusters and /api/concordance', () => {
  it('are for epidemiologists and admins: 401 without a token, 403 for an uploader', async () => {
    for (const route of ['/api/clusters', '/api/concordance']) {
      expect((await get(route, null)).status, route).toBe(401);
      const forbidden = await get(route, uploader);
      expect(forbidden.status, route).toBe(403);
      expect(((await forbidden.json()) as { error: { message: string } }).error.message).toBe('a uploader token may not do this (needs admin or epidemiologist)');
    }
  });

  it('filter by state, significance and run, and refuse bad values naming them', async () => {
    const inOhio = (await (await get('/api/clusters?state=39')).json()) as { clusters: { states: string[] }[] };
    expect(inOhio.clusters.length).toBeGreaterThan(0);
    expect(inOhio.clusters.every((c) => c.states.includes('39'))).toBe(true);
    expect(((await (await get('/api/clusters?state=06')).json()) as { clusters: unknown[] }).clusters).toEqual([]);
    expect(((await (await get('/api/clusters?source=ed&max_p=0.0005')).json()) as { clusters: unknown[] }).clusters).toEqual([]);
    const bad = await get('/api/clusters?max_p=2');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^invalid max_p: "2"/);
    expect((await get('/api/clusters?state=Ohio')).status).toBe(400);
    expect((await get('/api/clusters?colour=red')).status).toBe(400);
    expect((await get('/api/concordance?status=purple')).status).toBe(400);
    const unknown = await get('/api/clusters?run=00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
  });

  it('serve Arrow IPC on request, one row per cluster with the counties joined', async () => {
    const response = await get('/api/clusters?source=ed&measure=fentanyl&format=arrow');
    expect(response.headers.get('content-type')).toMatch(/application\/vnd\.apache\.arrow\.stream/);
    const table = tableFromIPC(new Uint8Array(await response.arrayBuffer()));
    const first = table.get(0)!.toJSON() as Record<string, unknown>;
    expect(String(first.counties).split(' ').every((county) => SURGE.includes(county))).toBe(true);
    expect(first).toMatchObject({ source: 'ed', measure: 'fentanyl', rank: 1, p_value: 0.001 });
    const concordance = await get('/api/concordance?level=state', epidemiologist, 'application/vnd.apache.arrow.stream');
    expect(tableFromIPC(new Uint8Array(await concordance.arrayBuffer())).numRows).toBeGreaterThan(0);
  });
});
