/**
 * GET /api/alerts filters over real HTTP: measure, level (the lowest alert level), geography (a
 * level or one place), method and from/to, on hand-written results of two detection runs (only
 * the latest counts); the filters validated with 400s naming them; small sub-national counts
 * still withheld from the public; and the methods the filter takes are those the detect job stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_METHODS, runDetection } from '../pipeline/jobs/detect.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

let server: TestServer;
let epidemiologist: string;

// run, computed at, source, measure, level, geography, period, unit, method, observed, status
type Result = [string, string, 'deaths' | 'ed', string, string, string, string, 'day' | 'week', string, number, string];
const RESULTS: Result[] = [
  ['old', '2024-03-01T00:00:00Z', 'ed', 'fentanyl', 'state', '39', '2024-02-28', 'day', 'ears_c2', 40, 'alert'],
  ['new', '2024-03-09T00:00:00Z', 'ed', 'fentanyl', 'state', '39', '2024-03-08', 'day', 'ears_c2', 41, 'alert'],
  ['new', '2024-03-09T00:00:00Z', 'ed', 'fentanyl', 'state', '39', '2024-03-08', 'day', 'switch', 41, 'warning'],
  ['new', '2024-03-09T00:00:00Z', 'ed', 'fentanyl', 'county', '39061', '2024-03-07', 'day', 'ears_c2', 5, 'alert'],
  ['new', '2024-03-09T00:00:00Z', 'ed', 'all_drug', 'county', '39049', '2024-03-01', 'day', 'switch', 30, 'none'],
  ['new', '2024-03-09T00:00:00Z', 'ed', 'all_drug', 'nation', 'US', '2024-02-29', 'day', 'switch', 900, 'warning'],
  ['new', '2024-03-09T00:00:00Z', 'deaths', 'all_overdose', 'state', '21', '2024-02-25', 'week', 'farrington', 25, 'alert'],
  ['new', '2024-03-09T00:00:00Z', 'deaths', 'all_overdose', 'nation', 'US', '2024-02-25', 'week', 'cusum', 2000, 'insufficient'],
];
const key = (r: Record<string, unknown>) => `${r.measure} ${r.geography} ${r.period} ${r.method}`;
const keyOf = (r: Result) => `${r[3]} ${r[5]} ${r[6]} ${r[8]}`;

beforeAll(async () => {
  server = await startTestServer({ demo: false });
  for (const [run, at, source, measure, level, geography, period, unit, method, observed, status] of RESULTS) {
    await server.runtime.db.connection.run(
      `INSERT INTO alerts VALUES ($run, CAST($at AS TIMESTAMPTZ), $source, $measure, $level, $geography, CAST($period AS DATE), $unit, $method, $observed, 1, 2, 0.01, $status, NULL)`,
      { run, at, source, measure, level, geography, period, unit, method, observed, status },
    );
  }
  ({ token: epidemiologist } = await createToken(server.runtime.db.connection, { name: 'epi', role: 'epidemiologist', createdBy: 'test' }));
}, 120_000);
afterAll(() => server.close());

async function alerts(query: string, signedIn = true): Promise<string[]> {
  const response = await fetch(new URL(`/api/alerts?${query}`, server.url), { headers: signedIn ? { authorization: `Bearer ${epidemiologist}` } : {} });
  const body = (await response.json()) as { alerts: Record<string, unknown>[] };
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.alerts.map(key);
}
const all = 'status=alert,warning,none,insufficient&min_observed=0';
/** The latest run's results that pass `keep`, in the API's order (newest period, alerts first). */
const expected = (keep: (r: Result) => boolean) => RESULTS.filter((r) => r[0] === 'new' && keep(r)).map(keyOf);

describe('GET /api/alerts filters', () => {
  it('answers from the latest run only, newest period first, alerts before warnings', async () => {
    expect(await alerts(all)).toEqual([
      'fentanyl 39 2024-03-08 ears_c2',
      'fentanyl 39 2024-03-08 switch',
      'fentanyl 39061 2024-03-07 ears_c2',
      'all_drug 39049 2024-03-01 switch',
      'all_drug US 2024-02-29 switch',
      'all_overdose 21 2024-02-25 farrington',
      'all_overdose US 2024-02-25 cusum',
    ]);
  });

  it('filters by measure, method and source', async () => {
    expect(await alerts(`${all}&measure=fentanyl`)).toEqual(expected((r) => r[3] === 'fentanyl'));
    expect(await alerts(`${all}&method=switch`)).toEqual(expected((r) => r[8] === 'switch'));
    expect(await alerts(`${all}&source=deaths&method=farrington`)).toEqual(['all_overdose 21 2024-02-25 farrington']);
    expect(await alerts(`${all}&measure=heroin`)).toEqual([]);
  });

  it('takes level as the lowest alert level: alert alone, or warning and alert', async () => {
    expect(await alerts('level=alert&min_observed=0')).toEqual(expected((r) => r[10] === 'alert'));
    expect(await alerts('level=warning&min_observed=0')).toEqual(expected((r) => r[10] === 'alert' || r[10] === 'warning'));
    // The default is alerts and warnings with at least one case.
    expect(await alerts('min_observed=0')).toEqual(await alerts('level=warning&min_observed=0'));
  });

  it("takes geography as a level's series or one place's", async () => {
    expect(await alerts(`${all}&geography=state`)).toEqual(expected((r) => r[4] === 'state'));
    expect(await alerts(`${all}&geography=nation`)).toEqual(expected((r) => r[4] === 'nation'));
    expect(await alerts(`${all}&geography=US`)).toEqual(await alerts(`${all}&geography=nation`));
    expect(await alerts(`${all}&geography=39`)).toEqual(['fentanyl 39 2024-03-08 ears_c2', 'fentanyl 39 2024-03-08 switch']);
    expect(await alerts(`${all}&geography=39061`)).toEqual(['fentanyl 39061 2024-03-07 ears_c2']);
  });

  it('takes from/to on the period as months or days, both inclusive', async () => {
    expect(await alerts(`${all}&from=2024-03`)).toEqual(expected((r) => r[6] >= '2024-03-01'));
    expect(await alerts(`${all}&to=2024-02`)).toEqual(expected((r) => r[6] <= '2024-02-29'));
    expect(await alerts(`${all}&from=2024-03-01&to=2024-03-07`)).toEqual(['fentanyl 39061 2024-03-07 ears_c2', 'all_drug 39049 2024-03-01 switch']);
    expect(await alerts(`${all}&from=2024-02-25&to=2024-02-25`)).toEqual(['all_overdose 21 2024-02-25 farrington', 'all_overdose US 2024-02-25 cusum']);
  });

  it('combines filters', async () => {
    expect(await alerts('level=alert&min_observed=0&geography=county&measure=fentanyl&method=ears_c2&from=2024-03')).toEqual(['fentanyl 39061 2024-03-07 ears_c2']);
  });

  it('refuses a bad filter with a 400 naming it', async () => {
    const message = async (query: string) => {
      const response = await fetch(new URL(`/api/alerts?${query}`, server.url));
      expect(response.status, query).toBe(400);
      return ((await response.json()) as { error: { message: string } }).error.message;
    };
    expect(await message('method=ewma')).toMatch(/^invalid method: "ewma"/);
    expect(await message('level=none')).toMatch(/^invalid level: "none"/);
    expect(await message('level=alert&status=alert')).toBe('invalid level: "alert" (give status or level, not both)');
    expect(await message('geography=ohio')).toMatch(/^invalid geography: "ohio" \(a level \(nation, state, county\) or a place/);
    expect(await message('measure=All')).toMatch(/^invalid measure: "All"/);
    expect(await message('from=2024-13')).toMatch(/^invalid from: "2024-13"/);
    expect(await message('from=2024-03&to=2024-02')).toBe('invalid from: "2024-03" is after to "2024-02"');
  });

  it('still leaves out sub-national results with 1-9 cases for the public', async () => {
    expect(await alerts(`${all}&measure=fentanyl`, false)).toEqual(['fentanyl 39 2024-03-08 ears_c2', 'fentanyl 39 2024-03-08 switch']);
    expect(await alerts(`${all}&measure=fentanyl`)).toContain('fentanyl 39061 2024-03-07 ears_c2');
  });
});

describe('the methods alerts can be filtered by', () => {
  it('are the methods the detect job stores', async () => {
    const { runtime } = server;
    await runtime.db.connection.run('DELETE FROM alerts');
    await runtime.ingest.ingestFile(new URL('../fixtures/samples/certificates-small.csv', import.meta.url).pathname, { source: 'cli' });
    await runtime.ingest.ingestFile(new URL('../fixtures/samples/ed-visits-small.csv', import.meta.url).pathname, { source: 'cli' });
    await runDetection(runtime.db, runtime.queries, runtime.commitLock, new Date('2024-03-10T12:00:00Z'), { scanThreads: 0, replicates: 9 });
    const stored = (await runtime.db.connection.runAndReadAll('SELECT DISTINCT method FROM alerts ORDER BY method')).getRowObjectsJson().map((r) => String(r.method));
    expect(stored).toEqual([...ALERT_METHODS].sort());
    for (const method of ALERT_METHODS) expect((await alerts(`${all}&method=${method}`)).length, method).toBeGreaterThan(0);
  });
});
