/**
 * The aggregate cache and the refresh-aggregates job: the API answers from the cache only when it
 * was built from the data as it is now, and from the records otherwise, with the same figures; a
 * load or a human correction makes it stale until the next refresh; a load committed during a
 * refresh is never taken as counted; background refreshes run one at a time and catch up.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS, jobNamed } from '../pipeline/jobs/job-list.ts';
import { listJobRuns, recordJobRun } from '../pipeline/jobs/job-runs.ts';
import { DEFAULT_REFRESH_AGGREGATES_SCHEDULE } from '../pipeline/config.ts';
import { BackgroundRefresh, refreshAggregates } from '../pipeline/jobs/refresh-aggregates.ts';
import { AggregateService, type AggregateQuery } from '../pipeline/stats/aggregates/aggregate-service.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

const SAMPLE = new URL('../fixtures/samples/certificates-small.csv', import.meta.url).pathname;
const HEADER = 'certificate_id,jurisdiction,death_date,age,sex,residence_county_fips,occurrence_county_fips,manner,part1_a,part1_b,part1_c,part1_d,part2,how_injury';

let runtime: TestRuntime;
let service: AggregateService;
let stale = 0;
beforeAll(async () => {
  runtime = await openTestRuntime();
  expect(await runtime.ingest.ingestFile(SAMPLE, { source: 'cli' })).toMatchObject({ status: 'loaded', recordsLoaded: 10 });
  service = new AggregateService(runtime.db, runtime.queries, { onStale: () => stale++ });
});
afterAll(() => runtime.dispose());

const overdosesByState: AggregateQuery = { source: 'deaths', measure: 'all_overdose', geography: 'state', state: null, unit: 'month', by: null, from: '2024-01-01', to: '2024-04-01' };
const figures = (rows: readonly Record<string, unknown>[]) => rows.map((r) => [r.geography, r.period, r.count, r.rate_per_100k, r.pending_share]);

async function load(name: string, lines: string[]): Promise<void> {
  const file = path.join(runtime.dataDir, name);
  fs.writeFileSync(file, `${HEADER}\n${lines.join('\n')}\n`);
  expect(await runtime.ingest.ingestFile(file, { source: 'cli' })).toMatchObject({ status: 'loaded' });
}

describe('the aggregate cache', () => {
  it('is a scheduled job, runnable by name, recorded in the job-run log', async () => {
    expect(jobNamed('refresh-aggregates')?.schedule(runtime.config)).toBe(runtime.config.jobs.refreshAggregatesSchedule);
    expect(runtime.config.jobs.refreshAggregatesSchedule).toBe(DEFAULT_REFRESH_AGGREGATES_SCHEDULE);
    expect(JOBS.map((j) => j.name)).toContain('refresh-aggregates');
    const summary = await recordJobRun(runtime.db, 'refresh-aggregates', 'manual', () => jobNamed('refresh-aggregates')!.run(runtime));
    expect(summary).toMatchObject({ deaths: { mode: 'full', records: 10, dataVersion: '10/10' }, ed: { mode: 'full', records: 0 } });
    expect((await listJobRuns(runtime.db))[0]).toMatchObject({ job: 'refresh-aggregates', status: 'succeeded' });
  });

  it('answers from the cache when current, from the records after a load, the same figures either way', async () => {
    const cached = await service.answer(overdosesByState, { suppress: false });
    expect(cached.figuresFrom).toBe('cache');
    expect(figures(cached.rows)).toEqual(figures((await service.answer(overdosesByState, { suppress: false })).rows));
    // Two more Ohio overdoses in March.
    await load('march.csv', ['M1,OH,2024-03-04,30,M,39061,39061,A,Fentanyl toxicity,,,,,', 'M2,OH,2024-03-05,41,F,39049,39049,A,Fentanyl toxicity,,,,,']);
    const before = stale;
    const live = await service.answer(overdosesByState, { suppress: false });
    expect(live.figuresFrom).toBe('records');
    expect(stale).toBe(before + 1); // a stale read asks for a refresh
    expect(live.rows.find((r) => r.geography === '39' && r.period === '2024-03')).toMatchObject({ count: 2 });
    // Only March was touched: only March is counted again, and the ED cache is left as it was.
    const edState = async () => (await runtime.db.connection.runAndReadAll(`SELECT * FROM aggregate_cache_state WHERE source = 'ed'`)).getRowObjectsJson();
    const edBefore = await edState();
    expect(await refreshAggregates(runtime.db)).toMatchObject({ deaths: { mode: 'months', months: ['2024-03-01'], records: 12 }, ed: { mode: 'unchanged' } });
    expect(await edState()).toEqual(edBefore);
    const refreshed = await service.answer(overdosesByState, { suppress: false });
    expect(refreshed.figuresFrom).toBe('cache');
    expect(Date.parse(refreshed.dataAsOf)).toBeGreaterThanOrEqual(Date.parse(cached.dataAsOf));
    expect(figures(refreshed.rows)).toEqual(figures(live.rows));
  });

  it('shows a human correction from the records at once and from the cache after the next refresh', async () => {
    // A coder decides OH 000005 (heroin and fentanyl) was not an overdose: a new current coding
    // row, the old one kept (coded_deaths.is_current), as corrections are stored.
    const [record] = (await runtime.db.connection.runAndReadAll(`SELECT record_id FROM certificates WHERE certificate_id = '2024OH000005' AND is_current`)).getRowObjectsJson();
    await runtime.db.connection.run(`UPDATE coded_deaths SET is_current = false WHERE record_id = $id AND is_current`, { id: Number(record!.record_id) });
    await runtime.db.connection.run(
      `INSERT INTO coded_deaths VALUES ($id, 'human', 'review', now(), true, 'R99', false, ['R99'], '[]', '[]', NULL, false, [], '[]')`,
      { id: Number(record!.record_id) },
    );
    const february = (rows: readonly Record<string, unknown>[]) => rows.find((r) => r.geography === '39' && r.period === '2024-02')?.count;
    const live = await service.answer(overdosesByState, { suppress: false });
    expect(live.figuresFrom).toBe('records');
    expect(february(live.rows)).toBe(1);
    expect(await refreshAggregates(runtime.db)).toMatchObject({ deaths: { mode: 'months', months: ['2024-02-01'] } });
    const cached = await service.answer(overdosesByState, { suppress: false });
    expect(cached.figuresFrom).toBe('cache');
    expect(february(cached.rows)).toBe(1);
  });

  it('counts again the months an amendment leaves and enters, and ends where a full rebuild does', async () => {
    // A new version of OH 000001 moves its death from January to April.
    await load('amended.csv', ['2024OH000001,OH,2024-04-02,34,M,39061,39061,A,Acute combined fentanyl and methamphetamine toxicity,,,,,Decedent used illicit drugs']);
    expect(await refreshAggregates(runtime.db)).toMatchObject({ deaths: { mode: 'months', months: ['2024-01-01', '2024-04-01'] } });
    const tables = async () => {
      const read = async (table: string) => (await runtime.db.connection.runAndReadAll(`SELECT * FROM ${table} ORDER BY ALL`)).getRowObjectsJson();
      return { counts: await read('aggregate_death_counts'), rollup: await read('aggregate_death_rollup'), ed: await read('aggregate_ed_rollup') };
    };
    const incremental = await tables();
    expect(await refreshAggregates(runtime.db, { full: true })).toMatchObject({ deaths: { mode: 'full' } });
    expect(await tables()).toEqual(incremental);
    const ohio = (await service.answer({ ...overdosesByState, state: '39', to: '2024-05-01' }, { suppress: false })).rows.map((r) => [r.period, r.count]);
    expect(ohio).toEqual([['2024-01', 1], ['2024-02', 1], ['2024-03', 2], ['2024-04', 1]]);
  });

  it('never takes a load committed during a refresh as counted', async () => {
    const reader = await runtime.db.connect();
    try {
      await reader.run('BEGIN TRANSACTION');
      const version = async () => String((await reader.runAndReadAll(`SELECT aggregate_cache_version('deaths') AS v`)).getRowObjectsJson()[0]!.v);
      const before = await version();
      expect(before).toMatch(/^\d+\/\d+$/);
      // Another connection commits a certificate while the refresh's snapshot is open.
      await load('during.csv', ['D1,OH,2024-03-09,50,M,39061,39061,A,Fentanyl toxicity,,,,,']);
      expect(await version()).toBe(`partial ${before}`);
      await reader.run('ROLLBACK');
    } finally {
      reader.closeSync();
    }
    await refreshAggregates(runtime.db);
    expect((await service.cacheStatus('deaths')).current).toBe(true);
  });

  it('refreshes in the background when a reader finds the cache stale, one run at a time, catching up', async () => {
    await load('later.csv', ['L1,KY,2024-03-11,33,M,21111,21111,A,Heroin toxicity,,,,,']);
    expect((await service.cacheStatus('deaths')).current).toBe(false);
    const background = new BackgroundRefresh(runtime.db, runtime.queries, pino({ level: 'silent' }));
    const runsBefore = (await listJobRuns(runtime.db)).filter((r) => r.job === 'refresh-aggregates').length;
    background.request();
    background.request(); // while the first runs: one more after it, not two
    background.request();
    await background.idle();
    expect((await service.cacheStatus('deaths')).current).toBe(true);
    const runs = (await listJobRuns(runtime.db)).filter((r) => r.job === 'refresh-aggregates');
    expect(runs.length - runsBefore).toBe(2);
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
  });

  it('answers concurrent questions of one family as it answers them one by one', async () => {
    const queries: AggregateQuery[] = ['39', '21', null, '39', null, '21'].flatMap((state) => [
      { ...overdosesByState, measure: 'all_deaths', geography: 'county', state, to: '2024-05-01' },
      { ...overdosesByState, measure: 'all_deaths', geography: 'state', state: null, to: '2024-05-01' },
    ]);
    const together = await Promise.all(queries.map((q) => new AggregateService(runtime.db, runtime.queries).answer(q, { suppress: true })));
    const shared = new AggregateService(runtime.db, runtime.queries);
    const concurrent = await Promise.all(queries.map((q) => shared.answer(q, { suppress: true })));
    expect(concurrent.map((a) => a.rows)).toEqual(together.map((a) => a.rows));
    expect(concurrent.some((a) => a.rows.some((r) => r.suppressed === true))).toBe(true);
  });

  it('serialises refreshes of one database', async () => {
    const [a, b] = await Promise.all([refreshAggregates(runtime.db), refreshAggregates(runtime.db)]);
    expect(a.deaths.dataVersion).toBe(b.deaths.dataVersion);
    expect([a.deaths.mode, b.deaths.mode]).toEqual(['unchanged', 'unchanged']);
    expect(a.deaths.records).toBe(14);
  });

  // Last: it loads a certificate the counts above do not expect.
  it('gives every call of one request the versions it read first, and a new reading the data as it is now', async () => {
    await refreshAggregates(runtime.db);
    const reading = service.reading();
    const first = await service.answerVersion('deaths', reading);
    expect(first.current).toBe(true);
    await load('reading.csv', ['R1,OH,2024-03-12,45,F,39061,39061,A,Fentanyl toxicity,,,,,']);
    // The request that read before the load keeps its reading: its key and its answer agree.
    expect(await service.answerVersion('deaths', reading)).toEqual(first);
    expect((await service.answer(overdosesByState, { suppress: false }, reading)).figuresFrom).toBe('cache');
    // The next request reads again: a new version, answered from the records.
    const next = await service.answerVersion('deaths');
    expect(next.version).not.toBe(first.version);
    expect(next.current).toBe(false);
    expect((await service.answer(overdosesByState, { suppress: false })).figuresFrom).toBe('records');
    await refreshAggregates(runtime.db);
  });
});
