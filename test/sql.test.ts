/**
 * Every SQL file is checked by DuckDB itself, then run on a fixture with exact rows: string
 * comparisons would happily accept SQL that does not bind.
 */
import fs from 'node:fs';
import { listValue } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../pipeline/store/migrate.ts';
import { readSqlFiles, splitStatements } from '../pipeline/store/sql-files.ts';
import { COUNTY_POPULATION_FILE } from '../pipeline/store/reference-data.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

const SAMPLE = new URL('../fixtures/samples/certificates-small.csv', import.meta.url).pathname;

/** Population from the committed reference table, so the expected rates are computed independently. */
function population(fips: string, year: number): number {
  const rows = fs.readFileSync(COUNTY_POPULATION_FILE, 'utf8').split('\n').map((line) => line.split(','));
  return rows
    .filter((r) => r[5] === String(year) && (r[0] === fips || (fips.length === 2 && r[1] === fips) || fips === 'US'))
    .reduce((sum, r) => sum + Number(r[6]), 0);
}

let runtime: TestRuntime;
beforeAll(async () => {
  runtime = await openTestRuntime();
  const report = await runtime.ingest.ingestFile(SAMPLE, { source: 'cli' });
  expect(report).toMatchObject({ status: 'loaded', recordsLoaded: 10, recordsRejected: 0 });
});
afterAll(() => runtime.dispose());

describe('SQL files', () => {
  it('migrations are numbered without gaps and all applied', async () => {
    const versions = readMigrations().map((m) => m.version);
    const applied = (await runtime.db.connection.runAndReadAll('SELECT version FROM schema_version ORDER BY version')).getRowObjects();
    expect(applied.map((row) => row.version)).toEqual(versions);
  });

  it('every loader statement and named query binds in DuckDB', async () => {
    const connection = await runtime.db.connect();
    try {
      // Loader statements refer to the temporary tables that earlier ones create: run the staging
      // script, then prepare and run each commit statement in a transaction that is rolled back.
      const loader = readSqlFiles('loader');
      // Every commit script with the staging script it reads; timestamps bound as timestamps.
      const pairs = [['create_certificate_staging', 'commit_certificates'], ['create_ed_staging', 'commit_ed_visits'], ['create_recode_staging', 'commit_recode'], ['create_ed_recode_staging', 'commit_ed_recode'], ['create_human_check_staging', 'commit_human_checks'], ['create_ed_human_syndrome_staging', 'commit_ed_human_syndromes'], ['create_population_staging', 'commit_populations']];
      const covered = new Set(pairs.flat());
      // Decision and proposal scripts take typed ids and no staging: run with real values by test/review-queries.test.ts.
      // refresh_aggregate_*: run with real data by test/aggregates-sql.test.ts; load_*_staging reads a
      // staging file, run with real files by every ingest test (test/ingest-ed-workers.test.ts);
      // bulk_* hold placeholders filled from the file's header, run by test/ed-csv-bulk.test.ts and
      // test/certificate-csv-bulk.test.ts.
      const testedElsewhere = new Set(['bulk_read', 'bulk_ed_tables', 'bulk_ed_keys', 'bulk_certificate_tables', 'bulk_certificate_keys', 'bulk_certificate_stage', 'bulk_ed_stage', 'load_certificate_staging', 'load_ed_staging', 'refresh_aggregate_cache', 'refresh_aggregate_state', 'review_accept', 'review_correct_death', 'review_correct_ed', 'lexicon_propose', 'lexicon_approve', 'lexicon_reject']);
      expect([...loader.keys()].filter((name) => !covered.has(name) && !testedElsewhere.has(name))).toEqual([]);
      for (const [staging, commit] of pairs) {
        for (const statement of splitStatements(loader.get(staging!)!)) await connection.run(statement);
        await connection.run('BEGIN TRANSACTION');
        for (const statement of splitStatements(loader.get(commit!)!)) {
          const prepared = await connection.prepare(statement);
          for (let i = 1; i <= prepared.parameterCount; i++) {
            const name = prepared.parameterName(i);
            prepared.bindVarchar(i, name.endsWith('_at') ? '2024-01-01T00:00:00Z' : `test-${name}`);
          }
          await prepared.run();
        }
        await connection.run('ROLLBACK');
      }
      for (const name of runtime.queries.names()) {
        const prepared = await connection.prepare(runtime.queries.sql(name));
        expect(prepared.statementType, name).toBeDefined();
      }
    } finally {
      connection.closeSync();
    }
  });

  it('MMWR week macros: Sunday weeks, week 1 holds January 4, week 53 where a year has one', async () => {
    const rows = (
      await runtime.db.connection.runAndReadAll(
        `SELECT strftime(d, '%Y-%m-%d') AS d, strftime(mmwr_week_start(d), '%Y-%m-%d') AS start, mmwr_year(d)::INTEGER AS y, mmwr_week(d) AS w
         FROM (VALUES (DATE '2024-12-29'), (DATE '2025-01-04'), (DATE '2021-01-02'), (DATE '2021-01-03'), (DATE '2015-01-03'), (DATE '2026-01-03'), (DATE '2024-06-01')) t(d)`,
      )
    ).getRowObjectsJson();
    expect(rows).toEqual([
      { d: '2024-12-29', start: '2024-12-29', y: 2025, w: 1 },
      { d: '2025-01-04', start: '2024-12-29', y: 2025, w: 1 },
      { d: '2021-01-02', start: '2020-12-27', y: 2020, w: 53 },
      { d: '2021-01-03', start: '2021-01-03', y: 2021, w: 1 },
      { d: '2015-01-03', start: '2014-12-28', y: 2014, w: 53 },
      { d: '2026-01-03', start: '2025-12-28', y: 2025, w: 53 },
      { d: '2024-06-01', start: '2024-05-26', y: 2024, w: 22 },
    ]);
  });

  // Exact rows for each named query on the ten hand-written certificates of the sample file.
  const expectations: Record<string, () => Promise<void>> = {
    report_populations: async () => {
      // Full coverage in test/reports-sql.test.ts; here Ohio's 2024 total from the reference table.
      const rows = await runtime.queries.rows(runtime.db.connection, 'report_populations', { level: 'state', prefix: '39' });
      expect(rows.find((r) => r.year === 2024)).toEqual({ geography: '39', year: 2024, population: population('39', 2024) });
    },
    schema_version: async () => {
      expect(await runtime.queries.rows(runtime.db.connection, 'schema_version')).toEqual([{ schema_version: Math.max(...readMigrations().map((m) => m.version)) }]);
    },
    recent_batches: async () => {
      const c = runtime.db.connection;
      await c.run(`INSERT INTO batches (batch_id, kind, format, file_name, raw_path, sha256, bytes, source, jurisdiction, status, received_at)
                   VALUES ('b20990101000000-0000000a', 'ed', 'ed-csv', 'oh.csv', '/raw/a.csv', 'aa', 1, 'upload', 'OH', 'loaded', TIMESTAMPTZ '2099-01-01 00:00:00+00')`);
      const rows = (all: boolean, jurisdictions: string) =>
        runtime.queries.rows(c, 'recent_batches', { all_jurisdictions: all, jurisdictions, limit: 10 }).then((r) => r.map((b) => [b.file_name, b.jurisdiction, b.source, b.status]));
      // Newest first; an admin sees every batch, an uploader its jurisdictions' only (never one loaded for none).
      expect(await rows(true, '')).toEqual([['oh.csv', 'OH', 'upload', 'loaded'], ['certificates-small.csv', null, 'cli', 'loaded']]);
      expect(await rows(false, 'KY,OH')).toEqual([['oh.csv', 'OH', 'upload', 'loaded']]);
      expect(await rows(false, 'KY')).toEqual([]);
      expect(await rows(false, '')).toEqual([]);
      await c.run(`DELETE FROM batches WHERE batch_id = 'b20990101000000-0000000a'`);
    },
    batch_jurisdiction: async () => {
      const [batch] = await runtime.queries.rows(runtime.db.connection, 'recent_batches', { all_jurisdictions: true, jurisdictions: '', limit: 1 });
      expect(await runtime.queries.rows(runtime.db.connection, 'batch_jurisdiction', { batch_id: String(batch!.batch_id) })).toEqual([{ batch_id: batch!.batch_id, jurisdiction: null }]);
      expect(await runtime.queries.rows(runtime.db.connection, 'batch_jurisdiction', { batch_id: 'b20000101000000-00000000' })).toEqual([]);
    },
    batch_errors: async () => {
      const c = runtime.db.connection;
      await c.run(`INSERT INTO batch_errors VALUES ('b20990101000000-0000000e', 3, 'X2', 'manner', 'not a manner of death code'), ('b20990101000000-0000000e', 2, 'X1', 'age', 'not an age'),
                   ('b20990101000000-0000000e', 2, 'X1', 'sex', 'not a sex code'), ('b20990101000000-0000000f', 1, 'Y1', 'age', 'other batch')`);
      expect(await runtime.queries.rows(c, 'batch_errors', { batch_id: 'b20990101000000-0000000e' })).toEqual([
        { line: 2, record_id: 'X1', field: 'age', message: 'not an age' },
        { line: 2, record_id: 'X1', field: 'sex', message: 'not a sex code' },
        { line: 3, record_id: 'X2', field: 'manner', message: 'not a manner of death code' },
      ]);
      await c.run(`DELETE FROM batch_errors WHERE batch_id IN ('b20990101000000-0000000e', 'b20990101000000-0000000f')`);
    },
    audit_entries: async () => {
      const c = runtime.db.connection;
      await c.run(`INSERT INTO api_tokens (token_id, name, role, secret_sha256, created_at, created_by) VALUES ('aaaaaaaaaaaa', 'Epi team', 'epidemiologist', 'x', now(), 'test')`);
      await c.run(`INSERT INTO audit_log (logged_at, actor, role, action, target, record_ids, detail, request_id) VALUES
        (TIMESTAMPTZ '2024-03-01 10:00:00+00', 'cli:alice', 'operator', 'token.create', 'aaaaaaaaaaaa', NULL, '{"role":"epidemiologist"}', NULL),
        (TIMESTAMPTZ '2024-03-02 10:00:00+00', 'aaaaaaaaaaaa', 'epidemiologist', 'read.line_list', NULL, [7, 8], NULL, 'req-1')`);
      const find = (filters: Record<string, unknown>) =>
        runtime.queries.rows(c, 'audit_entries', { actor: null, action: null, action_prefix: null, record_id: null, from: null, to: null, before: null, limit: 10, ...filters } as never);
      const [second, first] = await find({});
      expect(first).toEqual({ seq: first!.seq, logged_at: '2024-03-01T10:00:00.000Z', actor: 'cli:alice', actor_name: null, role: 'operator', action: 'token.create', target: 'aaaaaaaaaaaa', record_ids: null, detail: '{"role":"epidemiologist"}', request_id: null });
      expect(second).toMatchObject({ actor: 'aaaaaaaaaaaa', actor_name: 'Epi team', action: 'read.line_list', record_ids: ['7', '8'], request_id: 'req-1' });
      const actions = async (filters: Record<string, unknown>) => (await find(filters)).map((r) => r.action);
      expect(await actions({ actor: 'cli:alice' })).toEqual(['token.create']);
      expect(await actions({ action: 'read.line_list' })).toEqual(['read.line_list']);
      expect(await actions({ action_prefix: 'token.' })).toEqual(['token.create']);
      expect(await actions({ record_id: 8n })).toEqual(['read.line_list']);
      expect(await actions({ from: '2024-03-02T00:00:00Z' })).toEqual(['read.line_list']);
      expect(await actions({ to: '2024-03-02T00:00:00Z' })).toEqual(['token.create']);
      expect(await actions({ before: Number(second!.seq) })).toEqual(['token.create']);
      expect(await actions({ limit: 1 })).toEqual(['read.line_list']);
    },
    death_measures: async () => {
      const rows = await runtime.queries.rows(runtime.db.connection, 'death_measures');
      expect(rows.map((r) => r.key)).toEqual([
        'all_overdose', 'any_opioid', 'synthetic_opioid', 'heroin', 'natural_semisynthetic',
        'methadone', 'cocaine', 'psychostimulant', 'benzodiazepine', 'all_deaths',
      ]);
    },
    data_extent: async () => {
      const [row] = await runtime.queries.rows(runtime.db.connection, 'data_extent');
      expect(row).toMatchObject({ first_month: '2024-01', last_month: '2024-02', certificates: 10, synthetic: false });
      expect(String(row!.data_as_of)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Date.now() - Date.parse(String(row!.data_as_of))).toBeLessThan(10 * 60_000);
    },
    death_counts: async () => {
      const run = (parameters: Record<string, string>) =>
        runtime.queries.rows(runtime.db.connection, 'death_counts', { from: '2024-01-01', to: '2024-03-01', ...parameters });
      const rate = (deaths: number, fips: string) => (deaths * 100000) / population(fips, 2024);
      // Overdoses: OH 000001, 000002 (Jan, 39061); 000004, 000005 (Feb, 39049); KY 000001 (Jan), 000003 (Feb) in 21111.
      // KY000002 is pending (R99), not an overdose yet.
      expect(await run({ measure: 'all_overdose', geography: 'county', unit: 'month' })).toEqual([
        { geography: '21111', period: '2024-01', deaths: 1, population: population('21111', 2024), rate_per_100k: rate(1, '21111') },
        { geography: '21111', period: '2024-02', deaths: 1, population: population('21111', 2024), rate_per_100k: rate(1, '21111') },
        { geography: '39049', period: '2024-02', deaths: 2, population: population('39049', 2024), rate_per_100k: rate(2, '39049') },
        { geography: '39061', period: '2024-01', deaths: 2, population: population('39061', 2024), rate_per_100k: rate(2, '39061') },
      ]);
      // Synthetic opioids (T40.4): OH 000001 and 000002 (fentanyl), OH 000005 (fentanly).
      expect(await run({ measure: 'synthetic_opioid', geography: 'state', unit: 'total' })).toEqual([
        { geography: '39', period: null, deaths: 3, population: population('39', 2024), rate_per_100k: rate(3, '39') },
      ]);
      expect(await run({ measure: 'all_deaths', geography: 'nation', unit: 'month' })).toEqual([
        { geography: 'US', period: '2024-01', deaths: 4, population: population('US', 2024), rate_per_100k: rate(4, 'US') },
        { geography: 'US', period: '2024-02', deaths: 6, population: population('US', 2024), rate_per_100k: rate(6, 'US') },
      ]);
      // MMWR weeks (named by their Sunday) and years.
      expect((await run({ measure: 'all_overdose', geography: 'state', unit: 'week' })).map((r) => [r.geography, r.period, r.deaths])).toEqual([
        ['21', '2024-01-14', 1],
        ['21', '2024-02-18', 1],
        ['39', '2023-12-31', 1],
        ['39', '2024-01-07', 1],
        ['39', '2024-01-28', 1],
        ['39', '2024-02-11', 1],
      ]);
      expect((await run({ measure: 'all_deaths', geography: 'nation', unit: 'year' })).map((r) => [r.period, r.deaths])).toEqual([['2024', 10]]);
      // A range that excludes February.
      expect((await run({ measure: 'cocaine', geography: 'county', unit: 'total', to: '2024-02-01' })).map((r) => [r.geography, r.deaths])).toEqual([
        ['21111', 1],
        ['39061', 1],
      ]);
    },
    death_weekly_counts: async () => {
      // Overdoses by MMWR week (Sunday start): OH 01-03 → week of 2023-12-31, 01-09 → 01-07,
      // 02-02 → 01-28, 02-11 (a Sunday) → 02-11; KY 01-20 → 01-14, 02-22 → 02-18.
      const rows = await runtime.queries.rows(runtime.db.connection, 'death_weekly_counts', { measure: 'all_overdose', geography: 'state', from: '2024-01-01', to: '2024-03-01' });
      expect(rows).toEqual([
        { geography: '21', week_start: '2024-01-14', deaths: 1 },
        { geography: '21', week_start: '2024-02-18', deaths: 1 },
        { geography: '39', week_start: '2023-12-31', deaths: 1 },
        { geography: '39', week_start: '2024-01-07', deaths: 1 },
        { geography: '39', week_start: '2024-01-28', deaths: 1 },
        { geography: '39', week_start: '2024-02-11', deaths: 1 },
      ]);
    },
    ed_daily_counts: async () => {
      // The ED sample: two all-drug overdose visits on 2024-03-01, in 39049 and 39025.
      const report = await runtime.ingest.ingestFile(new URL('../fixtures/samples/ed-visits-small.csv', import.meta.url).pathname, { source: 'cli' });
      expect(report.status).toBe('loaded');
      const run = (geography: string) => runtime.queries.rows(runtime.db.connection, 'ed_daily_counts', { syndrome: 'all_drug', geography, from: '2024-03-01', to: '2024-03-02' });
      expect(await run('county')).toEqual([
        { geography: '39025', day: '2024-03-01', visits: 1 },
        { geography: '39049', day: '2024-03-01', visits: 1 },
      ]);
      expect(await run('state')).toEqual([{ geography: '39', day: '2024-03-01', visits: 2 }]);
      expect(await runtime.queries.rows(runtime.db.connection, 'ed_daily_counts', { syndrome: 'fentanyl', geography: 'nation', from: '2024-03-02', to: '2024-04-01' })).toEqual([]);
    },
    latest_alerts: async () => {
      const insert = (run: string, at: string, period: string, status: string, p: number | null) =>
        runtime.db.connection.run(
          `INSERT INTO alerts VALUES ($run, CAST($at AS TIMESTAMPTZ), 'ed', 'fentanyl', 'state', '39', CAST($period AS DATE), 'day', 'ears_c2', 9, 2, 5, $p, $status, NULL)`,
          { run, at, period, status, p },
        );
      await insert('old', '2024-03-01T00:00:00Z', '2024-02-29', 'alert', 0.001);
      await insert('new', '2024-03-02T00:00:00Z', '2024-03-01', 'warning', 0.03);
      await insert('new', '2024-03-02T00:00:00Z', '2024-03-01', 'alert', 0.002);
      await insert('new', '2024-03-02T00:00:00Z', '2024-02-29', 'none', 0.4);
      const rows = await runtime.queries.rows(runtime.db.connection, 'latest_alerts', { source: 'all', statuses: listValue(['alert', 'warning']), min_observed: 1 });
      // The latest run only, newest period first, alerts before warnings.
      expect(rows.map((r) => [r.run_id, r.period, r.status, r.p_value])).toEqual([
        ['new', '2024-03-01', 'alert', 0.002],
        ['new', '2024-03-01', 'warning', 0.03],
      ]);
      expect(await runtime.queries.rows(runtime.db.connection, 'latest_alerts', { source: 'deaths', statuses: listValue(['alert']), min_observed: 1 })).toEqual([]);
      expect(await runtime.queries.rows(runtime.db.connection, 'latest_alerts', { source: 'all', statuses: listValue(['alert']), min_observed: 10 })).toEqual([]);
      await runtime.db.connection.run(`DELETE FROM alerts`);
    },
  };

  it('every named query has an exact-rows test', () => {
    // review_* and lexicon_* queries: exact rows in test/review-queries.test.ts, which checks it has them all.
    // Exact rows of these are checked in their feature's SQL test (test/detect-sql.test.ts).
    const testedElsewhere = [
      ...['death_daily_counts', 'detection_run', 'drug_combination_extent', 'drug_combinations', 'run_clusters', 'run_concordance'],
      // test/aggregates-sql.test.ts
      ...['active_syndromes', 'aggregate_cache_status', 'aggregate_counts', 'aggregate_counts_live', 'aggregate_extent', 'aggregate_geographies', 'aggregate_populations', 'county_population_years', 'download_parquet', 'population_coverage'],
      // Exercised through the cache refresh and the population loader (test/aggregates-cache.test.ts, test/populations.test.ts), no exact-rows test yet.
      ...['aggregate_changed_months', 'population_version'],
      // test/records-sql.test.ts
      ...['alerts_of_latest_run', 'line_list_deaths', 'line_list_ed'],
    ];
    expect([...Object.keys(expectations), ...testedElsewhere].sort()).toEqual(runtime.queries.names().filter((name) => !/^(review|lexicon)_/.test(name)).sort());
  });

  for (const [name, check] of Object.entries(expectations)) it(`${name} returns the exact rows`, check);
});
