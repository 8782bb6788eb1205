/**
 * Every SQL file is checked by DuckDB itself, then run on a fixture with exact rows: string
 * comparisons would happily accept SQL that does not bind.
 */
import fs from 'node:fs';
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
      const pairs = [['create_certificate_staging', 'commit_certificates'], ['create_ed_staging', 'commit_ed_visits'], ['create_recode_staging', 'commit_recode']];
      const covered = new Set(pairs.flat());
      expect([...loader.keys()].filter((name) => !covered.has(name))).toEqual([]);
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

  // Exact rows for each named query on the ten hand-written certificates of the sample file.
  const expectations: Record<string, () => Promise<void>> = {
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
      // A range that excludes February.
      expect((await run({ measure: 'cocaine', geography: 'county', unit: 'total', to: '2024-02-01' })).map((r) => [r.geography, r.deaths])).toEqual([
        ['21111', 1],
        ['39061', 1],
      ]);
    },
  };

  it('every named query has an exact-rows test', () => {
    expect(Object.keys(expectations).sort()).toEqual(runtime.queries.names().sort());
  });

  for (const [name, check] of Object.entries(expectations)) it(`${name} returns the exact rows`, check);
});
