/**
 * The reports' own named query (sql/queries/report_populations.sql) with exact rows, checked
 * against the committed reference table summed here, and on age-specific rows the test inserts.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTY_POPULATION_FILE } from '../pipeline/store/reference-data.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';


/** Population from the committed reference table, summed independently of the SQL under test. */
function referencePopulation(prefix: string, year: number): number {
  const rows = fs
    .readFileSync(COUNTY_POPULATION_FILE, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .filter((r) => r[5] === String(year) && r[0]!.startsWith(prefix));
  return rows.reduce((sum, r) => sum + Number(r[6]), 0);
}

let runtime: TestRuntime;
const rows = (name: string, parameters: Record<string, string>) => runtime.queries.rows(runtime.db.connection, name, parameters);

beforeAll(async () => {
  runtime = await openTestRuntime();
});
afterAll(() => runtime.dispose());

describe('report_populations', () => {
  it('gives total populations by year, summed to the level asked', async () => {
    const ohio = await rows('report_populations', { level: 'state', prefix: '39' });
    expect(ohio.map((r) => r.year)).toEqual(Array.from({ length: 15 }, (_, i) => 2010 + i));
    expect(ohio.find((r) => r.year === 2024)).toEqual({ geography: '39', year: 2024, population: referencePopulation('39', 2024) });
    const counties = await rows('report_populations', { level: 'county', prefix: '39' });
    expect(new Set(counties.map((r) => r.geography)).size).toBe(88);
    expect(counties.find((r) => r.geography === '39049' && r.year === 2020)).toEqual({ geography: '39049', year: 2020, population: referencePopulation('39049', 2020) });
    expect(await rows('report_populations', { level: 'county', prefix: '39049' })).toHaveLength(15);
    const nation = await rows('report_populations', { level: 'nation', prefix: '' });
    expect(nation.find((r) => r.year === 2024)).toEqual({ geography: 'US', year: 2024, population: referencePopulation('', 2024) });
  });

  it('leaves out age- and sex-specific estimates (the totals are what rates of areas without deaths need)', async () => {
    await runtime.db.connection.run(
      `INSERT INTO populations VALUES ('39049', 2024, '25-34', 'all', 200000, 'test'), ('39049', 2024, 'all', 'F', 690000, 'test')`,
    );
    try {
      expect((await rows('report_populations', { level: 'county', prefix: '39049' })).find((r) => r.year === 2024)).toEqual({
        geography: '39049',
        year: 2024,
        population: referencePopulation('39049', 2024),
      });
    } finally {
      await runtime.db.connection.run(`DELETE FROM populations WHERE source = 'test'`);
    }
  });
});
