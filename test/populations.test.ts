/**
 * Age-specific populations (`vigil populations load`, pipeline/cli/populations.ts): a long CSV
 * fips,year,age_group,sex,population, checked whole, completed (margins derived), and loaded in one
 * transaction replacing the (county, year) pairs it covers; then age-adjusted rates in the
 * aggregates, equal to the direct method computed independently here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../pipeline/config.ts';
import { PopulationFileError, completePopulations, loadPopulationFile, populationsCommand, readPopulationFile } from '../pipeline/cli/populations.ts';
import { refreshAggregates } from '../pipeline/jobs/refresh-aggregates.ts';
import { AggregateService, type AggregateQuery } from '../pipeline/stats/aggregates/aggregate-service.ts';
import { ageAdjustedRate } from '../pipeline/stats/rates/age-adjusted.ts';
import { NCHS_AGE_GROUPS, US_STANDARD_POPULATION_2000_UNDER_5 } from '../pipeline/stats/rates/standard-population.ts';
import { loadReferenceData } from '../pipeline/store/reference-data.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

const SAMPLE = new URL('../fixtures/samples/certificates-small.csv', import.meta.url).pathname;

let runtime: TestRuntime;
beforeAll(async () => {
  runtime = await openTestRuntime();
  await runtime.ingest.ingestFile(SAMPLE, { source: 'cli' });
  await refreshAggregates(runtime.db);
});
afterAll(() => runtime.dispose());

/** Deterministic populations per age group and sex: larger for the middle ages. */
const populationOf = (fips: string, age: number, sex: 'M' | 'F') => 10_000 + 1_000 * age + (sex === 'M' ? 37 : 0) + (Number(fips) % 97);

function writeFile(name: string, lines: string[]): string {
  const file = path.join(runtime.dataDir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function ageSexFile(name: string, counties: string[], year: number, groups: readonly string[] = NCHS_AGE_GROUPS): string {
  const lines = ['fips,year,age_group,sex,population'];
  for (const fips of counties) groups.forEach((group, age) => (['M', 'F'] as const).forEach((sex) => lines.push(`${fips},${year},${group},${sex},${populationOf(fips, age, sex)}`)));
  return writeFile(name, lines);
}

const rowsOf = async (fips: string, year: number) =>
  (await runtime.db.connection.runAndReadAll(`SELECT age_group, sex, population, source FROM populations WHERE fips = $fips AND year = $year ORDER BY age_group, sex`, { fips, year })).getRowObjectsJson();

describe('vigil populations load', () => {
  it('loads ages × sexes, derives the margins, and replaces the (county, year) rows it covers', async () => {
    const censusTotal = Number((await rowsOf('39061', 2024)).find((r) => r.age_group === 'all')!.population);
    const summary = await loadPopulationFile(runtime.db, ageSexFile('ohio-2024.csv', ['39061', '39049'], 2024));
    expect(summary).toMatchObject({ rowsRead: 44, rowsDerived: 28, counties: 2, years: [2024], rowsReplaced: 2, ageSpecific: true });
    const rows = await rowsOf('39061', 2024);
    expect(rows).toHaveLength(11 * 3 + 3);
    const total = NCHS_AGE_GROUPS.reduce((sum, _, age) => sum + populationOf('39061', age, 'M') + populationOf('39061', age, 'F'), 0);
    expect(rows.find((r) => r.age_group === 'all' && r.sex === 'all')).toEqual({ age_group: 'all', sex: 'all', population: String(total), source: 'file:ohio-2024.csv' });
    expect(total).not.toBe(censusTotal);
    expect(rows.find((r) => r.age_group === '25-34' && r.sex === 'all')!.population).toBe(String(populationOf('39061', 4, 'M') + populationOf('39061', 4, 'F')));
    // Other years and counties keep the Census totals.
    expect(await rowsOf('39061', 2023)).toEqual([expect.objectContaining({ age_group: 'all', sex: 'all', source: 'census-pep' })]);
  });

  it('gives age-adjusted rates (2000 standard, Fay-Feuer) where every county of the place has age groups', async () => {
    const service = new AggregateService(runtime.db, runtime.queries);
    const query: AggregateQuery = { source: 'deaths', measure: 'all_overdose', geography: 'county', state: '39', unit: 'month', by: null, from: '2024-01-01', to: '2024-03-01' };
    const answer = await service.answer(query, { suppress: false });
    // 39061, January: overdoses aged 34 (25-34) and 51 (45-54).
    const strata = NCHS_AGE_GROUPS.map((ageGroup, age) => ({
      ageGroup,
      deaths: ageGroup === '25-34' || ageGroup === '45-54' ? 1 : 0,
      population: populationOf('39061', age, 'M') + populationOf('39061', age, 'F'),
    }));
    const expected = ageAdjustedRate(strata);
    expect(expected.method).toBe('gamma');
    expect(answer.rows.find((r) => r.geography === '39061' && r.period === '2024-01')).toMatchObject({
      count: 2,
      age_adjusted_rate: expected.rate,
      age_adjusted_lower: expected.lower,
      age_adjusted_upper: expected.upper,
    });
    // Ohio as a whole: only two of its counties have age groups, so no adjusted rate, and a note says why.
    const state = await service.answer({ ...query, geography: 'state' }, { suppress: false });
    expect(state.rows.every((r) => r.age_adjusted_rate === null)).toBe(true);
    expect(state.notes.join(' ')).toContain('age-specific populations cover only part of the place');
    // Kentucky has none at all.
    const kentucky = await service.answer({ ...query, state: '21' }, { suppress: false });
    expect(kentucky.rows.every((r) => r.age_adjusted_rate === null)).toBe(true);
    expect(kentucky.notes.join(' ')).toContain('no age-specific population for the place and year');
  });

  it('age-adjusts with 0-4 merged when a file does not split the first five years', async () => {
    const groups = ['0-4', ...NCHS_AGE_GROUPS.slice(2)];
    await loadPopulationFile(runtime.db, ageSexFile('kentucky-2024.csv', ['21111', '21067'], 2024, groups));
    const service = new AggregateService(runtime.db, runtime.queries);
    const answer = await service.answer({ source: 'deaths', measure: 'all_deaths', geography: 'county', state: '21', unit: 'total', by: null, from: '2024-01-01', to: '2024-03-01' }, { suppress: false });
    // 21067: one death, aged 71 (65-74).
    const strata = groups.map((ageGroup, age) => ({ ageGroup, deaths: ageGroup === '65-74' ? 1 : 0, population: populationOf('21067', age, 'M') + populationOf('21067', age, 'F') }));
    const expected = ageAdjustedRate(strata, { standard: US_STANDARD_POPULATION_2000_UNDER_5 });
    expect(answer.rows.find((r) => r.geography === '21067')).toMatchObject({ count: 1, age_adjusted_rate: expected.rate, age_adjusted_lower: expected.lower });
  });

  it('adjusts within sex from age × sex populations', async () => {
    const service = new AggregateService(runtime.db, runtime.queries);
    const answer = await service.answer({ source: 'deaths', measure: 'all_deaths', geography: 'county', state: '39', unit: 'total', by: 'sex', from: '2024-01-01', to: '2024-03-01' }, { suppress: false });
    // 39061 women: aged 51 (45-54) and 78 (75-84).
    const strata = NCHS_AGE_GROUPS.map((ageGroup, age) => ({ ageGroup, deaths: ageGroup === '45-54' || ageGroup === '75-84' ? 1 : 0, population: populationOf('39061', age, 'F') }));
    expect(answer.rows.find((r) => r.geography === '39061' && r.sex === 'F')).toMatchObject({ count: 2, age_adjusted_rate: ageAdjustedRate(strata).rate });
  });

  it('rejects a bad file whole, naming each line and field, and changes nothing', async () => {
    const before = (await runtime.db.connection.runAndReadAll(`SELECT count(*) AS n, sum(population) AS p FROM populations`)).getRowObjectsJson();
    const bad = writeFile('bad.csv', [
      'fips,year,age_group,sex,population',
      '39061,2024,25-34,M,1000',
      '3906,2024,25-34,F,1000',
      '39061,1890,25-34,F,1000',
      '39061,2024,15-19,F,1000',
      '39061,2024,25-34,X,1000',
      '39061,2024,25-34,F,1e3',
      '39061,2024,25-34,M,1200',
    ]);
    const error = await loadPopulationFile(runtime.db, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PopulationFileError);
    expect((error as PopulationFileError).problems).toEqual([
      'line 3: fips "3906" is not a 5-digit county FIPS code',
      'line 4: year "1890" is not a year (1990-2100)',
      'line 5: age_group "15-19" is not an NCHS age group (<1, 1-4, 5-14, 15-24, 25-34, 35-44, 45-54, 55-64, 65-74, 75-84, 85+, 0-4, all)',
      'line 6: sex "X" is not M, F or all',
      'line 7: population "1e3" is not a whole number',
      'line 8: 39061 2024 25-34 M is also on line 2',
    ]);
    expect((await runtime.db.connection.runAndReadAll(`SELECT count(*) AS n, sum(population) AS p FROM populations`)).getRowObjectsJson()).toEqual(before);
    await expect(readPopulationFile(writeFile('header.csv', ['county,year,age,sex,population', '39061,2024,all,all,5']))).rejects.toThrow('the header must be fips,year,age_group,sex,population (any order); missing fips, age_group; unknown county, age');
  });

  it('checks each county and year as a whole: every age group, the same sexes, totals that add up', () => {
    const row = (ageGroup: string, sex: string, population: number) => ({ fips: '39061', year: 2024, ageGroup, sex, population });
    const problems = (rows: ReturnType<typeof row>[]) => {
      try {
        completePopulations('f.csv', rows);
        return [];
      } catch (error) {
        return (error as PopulationFileError).problems;
      }
    };
    expect(problems([row('<1', 'all', 5), row('1-4', 'all', 5)])[0]).toMatch(/^39061 2024: age groups must be all of <1, 1-4, 5-14/);
    expect(problems([...NCHS_AGE_GROUPS.map((g) => row(g, 'all', 10)), row('all', 'all', 111)])).toEqual(['39061 2024: the total is 111, but its parts add up to 110']);
    expect(problems([...NCHS_AGE_GROUPS.map((g) => row(g, 'M', 10))])).toEqual(['39061 2024: age groups need sex "all", or both M and F']);
    expect(problems([...NCHS_AGE_GROUPS.map((g) => row(g, 'all', 10)), row('85+', 'M', 4)])).toEqual(['39061 2024: every age group must have the same sexes (all for <1)']);
    expect(problems([row('all', 'M', 10)])).toEqual(['39061 2024: no total (age_group all, sex all) and no age groups or sexes to make it from']);
    const { rows, derived } = completePopulations('f.csv', [row('all', 'M', 10), row('all', 'F', 12)]);
    expect(derived).toBe(1);
    expect(rows).toContainEqual(row('all', 'all', 22));
  });

  it('keeps loaded rows when the committed Census table is reloaded', async () => {
    await runtime.db.connection.run(`UPDATE reference_data SET sha256 = 'changed' WHERE name = 'county-population'`);
    await loadReferenceData(runtime.db.connection);
    expect((await rowsOf('39061', 2024)).every((r) => r.source === 'file:ohio-2024.csv')).toBe(true);
    expect(await rowsOf('39061', 2023)).toEqual([expect.objectContaining({ source: 'census-pep' })]);
  });

  it('as a command: a usage error without a file, exit 1 on a bad file, 0 and the summary on a good one', async () => {
    await expect(populationsCommand(runtime.config, ['load'])).rejects.toThrow('usage: vigil populations load FILE');
    await expect(populationsCommand(runtime.config, ['load', '/no/such/file.csv'])).rejects.toThrow('no such file: /no/such/file.csv');
    // The command opens the database itself: give it one of its own.
    const dataDir = fs.mkdtempSync(path.join(runtime.dataDir, 'cli-'));
    const config = loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'silent', VIGIL_JOBS_ENABLED: 'false' });
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    const error = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await populationsCommand(config, ['load', writeFile('cli-bad.csv', ['fips,year,age_group,sex,population', 'x,2024,all,all,1'])])).toBe(1);
      expect(await populationsCommand(config, ['load', ageSexFile('cli-good.csv', ['56001'], 2024)])).toBe(0);
    } finally {
      write.mockRestore();
      error.mockRestore();
    }
    expect(JSON.parse(written.join(''))).toMatchObject({ counties: 1, years: [2024], rowsReplaced: 1, ageSpecific: true });
  });
});
