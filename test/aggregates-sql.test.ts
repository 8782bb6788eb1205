/**
 * The aggregates' SQL (sql/schema/012_aggregate_cache.sql, the sql/queries/aggregate_*.sql files,
 * sql/loader/refresh_aggregate_cache.sql) bound and run in DuckDB with exact rows, on the ten
 * hand-written certificates and twelve ED visits of fixtures/samples/. The cache and the records
 * must give the same counts for every question.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { structValue } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nchsAgeGroupOf } from '../pipeline/stats/rates/standard-population.ts';
import { COUNTY_POPULATION_FILE } from '../pipeline/store/reference-data.ts';
import { readSqlFiles, runScript } from '../pipeline/store/sql-files.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url).pathname;

let runtime: TestRuntime;
const rows = (name: string, parameters: Record<string, string | boolean | ReturnType<typeof structValue>> = {}) => runtime.queries.rows(runtime.db.connection, name, parameters);

beforeAll(async () => {
  runtime = await openTestRuntime();
  expect(await runtime.ingest.ingestFile(path.join(SAMPLES, 'certificates-small.csv'), { source: 'cli' })).toMatchObject({ status: 'loaded', recordsLoaded: 10 });
  expect(await runtime.ingest.ingestFile(path.join(SAMPLES, 'ed-visits-small.csv'), { source: 'cli' })).toMatchObject({ status: 'loaded' });
});
afterAll(() => runtime.dispose());

const refresh = async () => {
  const loader = readSqlFiles('loader');
  await runScript(runtime.db.connection, loader.get('refresh_aggregate_cache')!, { from: '0001-01-01', to: '9999-12-31', deaths: true, ed: true });
  for (const source of ['deaths', 'ed']) await runScript(runtime.db.connection, loader.get('refresh_aggregate_state')!, { source });
};

/** Census population of a county (or a state: 2 digits) in a year, from the committed file. */
function census(fips: string, year: number): number {
  return fs
    .readFileSync(COUNTY_POPULATION_FILE, 'utf8')
    .split('\n')
    .map((line) => line.split(','))
    .filter((r) => r[5] === String(year) && (r[0] === fips || r[1] === fips))
    .reduce((sum, r) => sum + Number(r[6]), 0);
}

/** aggregate_counts on a cache grain, or aggregate_counts_live for grain 'live' (the same parameters otherwise). */
const counts = (parameters: Record<string, string | boolean>) => {
  const { grain, ...rest } = {
    source: 'deaths', grain: 'base', measure: 'all_overdose', pending_measure: '', geography: 'county', state: '', unit: 'month', by: 'none',
    start: '2024-01-01', from: '2024-01-01', to: '2024-03-01', ...parameters,
  };
  return grain === 'live' ? rows('aggregate_counts_live', rest) : rows('aggregate_counts', { ...rest, grain });
};
const GRAINS = ['live', 'base', 'day', 'month'] as const;

describe('aggregate SQL', () => {
  it('says the cache is stale until refreshed, then current', async () => {
    const [before] = await rows('aggregate_cache_status', { source: 'deaths' });
    expect(before).toMatchObject({ data_version: '10/10', cached_version: null, refreshed_at: null });
    await refresh();
    const [deaths] = await rows('aggregate_cache_status', { source: 'deaths' });
    expect(deaths).toMatchObject({ data_version: '10/10', cached_version: '10/10', first_day: '2024-01-03', last_day: '2024-02-27', records: '10' });
    expect(String(deaths!.refreshed_at)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const [ed] = await rows('aggregate_cache_status', { source: 'ed' });
    expect(ed).toMatchObject({ first_day: '2024-03-01', last_day: '2024-03-01' });
    expect(ed!.cached_version).toBe(ed!.data_version);
  });

  it('counts overdoses by county and month, with overdoses, specific drugs, all deaths and pending', async () => {
    // OH 000001, 000002 (Jan, 39061); 000004, 000005 (Feb, 39049); KY 000001 (Jan), 000003 (Feb) in 21111.
    // All deaths: 39061 Jan 3 (000003 natural); 39049 Feb 3 (000006); 21111 Feb 2, one pending (KY 000002).
    const expected = [
      { geography: '21111', period: '2024-01', stratum: 'all', count: 1, overdoses: 1, specific: 1, all_deaths: 1, pending: 0, population_year: 2024 },
      { geography: '21111', period: '2024-02', stratum: 'all', count: 1, overdoses: 1, specific: 1, all_deaths: 2, pending: 1, population_year: 2024 },
      { geography: '39049', period: '2024-02', stratum: 'all', count: 2, overdoses: 2, specific: 2, all_deaths: 3, pending: 0, population_year: 2024 },
      { geography: '39061', period: '2024-01', stratum: 'all', count: 2, overdoses: 2, specific: 2, all_deaths: 3, pending: 0, population_year: 2024 },
    ];
    for (const grain of GRAINS) expect(await counts({ grain, pending_measure: 'all_deaths' }), grain).toEqual(expected);
    expect(await counts({ grain: 'month', pending_measure: 'all_deaths', state: '39' })).toEqual(expected.slice(2));
    // Without the pending measure, no all-deaths columns.
    expect((await counts({ grain: 'month' }))[1]).toMatchObject({ count: 1, all_deaths: null, pending: null });
  });

  it('sums 12 months ending in each month', async () => {
    // KY: Jan 1 overdose; Feb 1 more; March none, but 12 months ending in March still hold both.
    const ky = (await counts({ grain: 'month', pending_measure: 'all_deaths', geography: 'state', unit: '12mo', start: '2023-02-01', from: '2024-01-01', to: '2024-04-01' })).filter((r) => r.geography === '21');
    expect(ky.map((r) => [r.period, r.count, r.all_deaths, r.pending])).toEqual([
      ['2024-01', 1, 1, 0],
      ['2024-02', 2, 4, 1],
      ['2024-03', 2, 4, 1],
    ]);
  });

  it('breaks down by sex, age group, and age group within sex; unknown age is its own group', async () => {
    const bySex = await counts({ grain: 'month_by', measure: 'all_deaths', geography: 'nation', unit: 'total', by: 'sex' });
    expect(bySex.map((r) => [r.geography, r.period, r.stratum, r.count])).toEqual([
      ['US', null, 'F', 4],
      ['US', null, 'M', 6],
    ]);
    const byAge = await counts({ geography: 'state', unit: 'total', by: 'age_group', state: '21' });
    expect(byAge.map((r) => [r.stratum, r.count])).toEqual([['35-44', 1], ['55-64', 1]]);
    const byAgeSex = await counts({ measure: 'all_deaths', geography: 'county', unit: 'total', by: 'age_sex', state: '21' });
    expect(byAgeSex.map((r) => [r.geography, r.stratum, r.count])).toEqual([
      ['21067', '65-74|F', 1],
      ['21111', '35-44|F', 1],
      ['21111', '35-44|M', 1],
      ['21111', '55-64|M', 1],
    ]);
  });

  it('names MMWR weeks by their Sunday and days by their date', async () => {
    const weeks = await counts({ grain: 'day', measure: 'synthetic_opioid', geography: 'state', unit: 'week' });
    // Fentanyl: OH 01-03 (week of 2023-12-31), 01-09 (01-07), 02-11 (a Sunday: 02-11).
    expect(weeks.map((r) => [r.geography, r.period, r.count, r.population_year])).toEqual([
      ['39', '2023-12-31', 1, 2024],
      ['39', '2024-01-07', 1, 2024],
      ['39', '2024-02-11', 1, 2024],
    ]);
    const days = await counts({ measure: 'cocaine', geography: 'county', unit: 'day' });
    expect(days.map((r) => [r.geography, r.period])).toEqual([['21111', '2024-01-20'], ['39061', '2024-01-09']]);
  });

  it('counts ED visits by syndrome, from the cache and from the records alike', async () => {
    const ed = { source: 'ed', measure: 'all_drug', unit: 'day', start: '2024-03-01', from: '2024-03-01', to: '2024-04-01', grain: 'base' };
    const expected = [
      { geography: '39025', period: '2024-03-01', stratum: '15-24', count: 1, overdoses: null, specific: null, all_deaths: null, pending: null, population_year: 2024 },
      { geography: '39049', period: '2024-03-01', stratum: '25-34', count: 1, overdoses: null, specific: null, all_deaths: null, pending: null, population_year: 2024 },
    ];
    expect(await counts({ ...ed, by: 'age_group' })).toEqual(expected);
    expect(await counts({ ...ed, by: 'age_group', grain: 'live' })).toEqual(expected);
    expect(await counts({ ...ed, grain: 'month', unit: 'month', geography: 'state' })).toEqual([
      { geography: '39', period: '2024-03', stratum: 'all', count: 2, overdoses: null, specific: null, all_deaths: null, pending: null, population_year: 2024 },
    ]);
  });

  it('gives the same counts from the cache as from the records for every unit, level and breakdown', async () => {
    for (const [source, measure] of [['deaths', 'all_overdose'], ['deaths', 'all_deaths'], ['ed', 'all_drug']] as const) {
      for (const unit of ['day', 'week', 'month', 'year', '12mo', 'total']) {
        for (const geography of ['county', 'state', 'nation']) {
          for (const by of ['none', 'age_group', 'sex', 'age_sex']) {
            const parameters = { source, measure, unit, geography, by, pending_measure: source === 'deaths' && by === 'none' ? 'all_deaths' : '', start: unit === '12mo' ? '2023-02-01' : '2024-01-01', from: '2024-01-01', to: '2024-04-01' };
            const live = await counts({ ...parameters, grain: 'live' });
            // The grains the service would use: 'day' only without a breakdown, 'month' for whole months of month-based units.
            const grains = ['base', ...(by === 'none' ? ['day'] : []), ...(['month', '12mo', 'year', 'total'].includes(unit) ? [by === 'none' ? 'month' : 'month_by'] : [])];
            for (const grain of grains) expect(await counts({ ...parameters, grain }), JSON.stringify({ ...parameters, grain })).toEqual(live);
          }
        }
      }
    }
  }, 120_000);

  it('caches exactly what measure_deaths counts, for every measure', async () => {
    const cached = await runtime.db.connection.runAndReadAll(`SELECT measure, CAST(sum(deaths) AS INTEGER) AS n FROM aggregate_death_counts GROUP BY measure ORDER BY measure`);
    const measures = (await rows('death_measures')).map((m) => String(m.key));
    const direct: Record<string, number> = {};
    for (const measure of measures) {
      const [row] = (await runtime.db.connection.runAndReadAll(`SELECT CAST(count(*) AS INTEGER) AS n FROM measure_deaths($measure)`, { measure })).getRowObjectsJson();
      if (Number(row!.n) > 0) direct[measure] = Number(row!.n);
    }
    expect(Object.fromEntries(cached.getRowObjectsJson().map((r) => [r.measure, r.n]))).toEqual(direct);
    expect(direct).toMatchObject({ all_deaths: 10, all_overdose: 6, synthetic_opioid: 3, cocaine: 2, methadone: 1 });
  });

  it('gives populations by level and year, from the committed Census table', async () => {
    const states = await rows('aggregate_populations', { geography: 'state', kind: 'all' });
    expect(states.find((r) => r.geography === '39' && r.year === 2024)).toEqual({ geography: '39', year: 2024, stratum: 'all', population: census('39', 2024) });
    expect(states.filter((r) => r.geography === '09').map((r) => r.year)).toEqual(Array.from({ length: 15 }, (_, i) => 2010 + i));
    const nation = await rows('aggregate_populations', { geography: 'nation', kind: 'all' });
    expect(nation).toHaveLength(15);
    expect(await rows('aggregate_populations', { geography: 'county', kind: 'age_group' })).toEqual([]);
    const [coverage] = await rows('population_coverage');
    expect(coverage).toMatchObject({ has_age_groups: false, first_year: 2010, last_year: 2024 });
    expect(String(coverage!.version)).toMatch(/^47140\/\d+$/);
  });

  it('lists counties and the last year each has an estimate (Connecticut and Alaska changed)', async () => {
    const geographies = await rows('aggregate_geographies');
    expect(geographies.filter((g) => g.state === '09').map((g) => g.county)).toEqual(['09001', '09003', '09005', '09007', '09009', '09011', '09013', '09015', '09110', '09120', '09130', '09140', '09150', '09160', '09170', '09180', '09190']);
    const years = new Map((await rows('county_population_years')).map((r) => [r.fips, r.last_year]));
    expect([years.get('09001'), years.get('09110'), years.get('02261'), years.get('02063'), years.get('02066')]).toEqual([2019, 2024, 2019, 2024, 2024]);
  });

  it('gives each source\'s first and last day and the active syndromes', async () => {
    expect(await rows('aggregate_extent', { source: 'deaths' })).toEqual([{ first_day: '2024-01-03', last_day: '2024-02-27' }]);
    expect(await rows('aggregate_extent', { source: 'ed' })).toEqual([{ first_day: '2024-03-01', last_day: '2024-03-01' }]);
    expect((await rows('active_syndromes')).map((r) => r.id)).toEqual(['all_drug', 'benzodiazepine', 'cocaine', 'fentanyl', 'heroin', 'opioid', 'stimulant']);
  });

  it('names the months changed since a refresh from the rows added after it, and changes the population version with a load', async () => {
    // Rows 0-9 are the sample's; nothing after them yet.
    expect(await rows('aggregate_changed_months', { source: 'deaths', records_from: '10', codings_from: '10' } as never)).toEqual([]);
    // From row 8 on, the months of those two certificates (rows within one batch have no set order).
    const lastTwo = (await runtime.db.connection.runAndReadAll(`SELECT DISTINCT strftime(date_trunc('month', death_date), '%Y-%m-%d') AS month FROM certificates WHERE rowid >= 8 ORDER BY month`)).getRowObjectsJson();
    expect(lastTwo.length).toBeGreaterThan(0);
    expect(await rows('aggregate_changed_months', { source: 'deaths', records_from: '8', codings_from: '10' } as never)).toEqual(lastTwo);
    // Every coding row: every month with a death.
    expect(await rows('aggregate_changed_months', { source: 'deaths', records_from: '10', codings_from: '0' } as never)).toEqual([{ month: '2024-01-01' }, { month: '2024-02-01' }]);
    expect(await rows('aggregate_changed_months', { source: 'ed', records_from: '0', codings_from: '12' } as never)).toEqual([{ month: '2024-03-01' }]);
    const [before] = await rows('population_version');
    expect(String(before!.version)).toMatch(/^county-population@[0-9a-f]{64}@\d{4}-\d{2}-\d{2} /);
    await runtime.db.connection.run(`INSERT INTO reference_data VALUES ('population-file:x.csv', 'abc', now())`);
    const [after] = await rows('population_version');
    expect(String(after!.version)).toBe(`${String(before!.version)};population-file:x.csv@abc@${String(after!.version).split('@abc@')[1]}`);
    await runtime.db.connection.run(`DELETE FROM reference_data WHERE name = 'population-file:x.csv'`);
  });

  it('writes a download as Parquet with the declared column types', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-parquet-test-'));
    try {
      const source = path.join(directory, 'rows.ndjson');
      fs.writeFileSync(source, '{"geography":"39","count":null,"rate":1.5,"suppressed":true}\n{"geography":"21","count":12,"rate":null,"suppressed":false}\n');
      const target = path.join(directory, 'rows.parquet');
      await rows('download_parquet', { source, target, columns: structValue({ geography: 'VARCHAR', count: 'INTEGER', rate: 'DOUBLE', suppressed: 'BOOLEAN' }) });
      const read = await runtime.db.connection.runAndReadAll(`SELECT * FROM read_parquet($target)`, { target });
      expect(read.columnNames()).toEqual(['geography', 'count', 'rate', 'suppressed']);
      expect(read.columnTypes().map(String)).toEqual(['VARCHAR', 'INTEGER', 'DOUBLE', 'BOOLEAN']);
      expect(read.getRowObjectsJson()).toEqual([
        { geography: '39', count: null, rate: 1.5, suppressed: true },
        { geography: '21', count: 12, rate: null, suppressed: false },
      ]);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('macros: NCHS age groups as standard-population.ts has them, specific drug codes, sex codes', async () => {
    const ages = (await runtime.db.connection.runAndReadAll(`SELECT a, nchs_age_group(CAST(a AS SMALLINT)) AS g FROM range(0, 121) t(a) ORDER BY a`)).getRowObjectsJson();
    expect(ages.map((r) => r.g)).toEqual(ages.map((r) => nchsAgeGroupOf(Number(r.a))));
    const [row] = (
      await runtime.db.connection.runAndReadAll(
        `SELECT nchs_age_group(NULL) AS unknown, has_specific_drug(['T50.9']) AS only_unspecified, has_specific_drug(['T50.9', 'T40.4']) AS fentanyl,
                has_specific_drug(['T51.0']) AS alcohol, has_specific_drug(['T36.0']) AS first, has_specific_drug(['T50.8']) AS last, has_specific_drug([]) AS empty,
                [sex_code('M'), sex_code('F'), sex_code('U'), sex_code(NULL)] AS sexes`,
      )
    ).getRowObjectsJson();
    expect(row).toEqual({ unknown: 'unknown', only_unspecified: false, fentanyl: true, alcohol: false, first: true, last: true, empty: false, sexes: ['M', 'F', 'U', 'U'] });
  });
});
