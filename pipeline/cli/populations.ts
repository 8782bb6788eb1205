/**
 * `vigil populations load FILE`: loads population estimates by county, year, age group and sex, for
 * age-adjusted rates (the committed Census table, pipeline/reference/county-population.csv, has
 * totals only). The file is a long CSV `fips,year,age_group,sex,population` (pipeline/reference/
 * README.md shows how to make it from the Census Bureau's cc-est2024-agesex file).
 *
 * Checked whole before anything is written: 5-digit county FIPS, years, NCHS age groups ('<1',
 * '1-4', '5-14', ... '85+', or '0-4' where a source does not split the first five years, or 'all'),
 * sex M, F or all, whole non-negative populations, no duplicates; per county and year either no age
 * groups or all of them, the same sexes for every age group, and totals that add up. Missing
 * margins are derived (age groups for both sexes from M + F; the county total from the age groups).
 * Then, in one transaction, every (county, year) the file covers is replaced by the file's rows.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BIGINT, SMALLINT, VARCHAR } from '@duckdb/node-api';
import type { Config } from '../config.ts';
import { readCsv } from '../formats/csv.ts';
import { openRuntime } from '../runtime.ts';
import { NCHS_AGE_GROUPS } from '../stats/rates/standard-population.ts';
import { ChunkAppender } from '../store/chunk-appender.ts';
import type { Database } from '../store/database.ts';
import { parameterNames, readSqlFiles, runScript, splitStatements } from '../store/sql-files.ts';
import { inTransaction } from '../store/transaction.ts';
import { UsageError } from './usage-error.ts';

const COLUMNS = ['fips', 'year', 'age_group', 'sex', 'population'] as const;
const ELEVEN = NCHS_AGE_GROUPS;
const TEN = ['0-4', ...NCHS_AGE_GROUPS.slice(2)];
const AGE_GROUPS = new Set([...ELEVEN, '0-4', 'all']);
const SEXES = new Set(['M', 'F', 'all']);
const MAX_ERRORS = 20;

export class PopulationFileError extends Error {
  override name = 'PopulationFileError';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}, nothing loaded:\n  ${problems.join('\n  ')}`);
  }
}

export interface PopulationRow {
  fips: string;
  year: number;
  ageGroup: string;
  sex: string;
  population: number;
}

export interface PopulationLoadSummary {
  file: string;
  rowsRead: number;
  /** Margins the file left out, added (age groups for both sexes, county totals). */
  rowsDerived: number;
  counties: number;
  years: number[];
  /** Rows in the table before the load for the (county, year) pairs the file covers. */
  rowsReplaced: number;
  ageSpecific: boolean;
}

/** Reads and checks the file; throws PopulationFileError listing the first problems with their lines. */
export async function readPopulationFile(file: string): Promise<PopulationRow[]> {
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < MAX_ERRORS) problems.push(text);
    else if (problems.length === MAX_ERRORS) problems.push('... (more problems not listed)');
  };
  const rows: PopulationRow[] = [];
  const seen = new Map<string, number>();
  let header: string[] | null = null;
  let index: Record<(typeof COLUMNS)[number], number> | null = null;
  for await (const records of readCsv(fs.createReadStream(file))) {
    for (const { line, fields } of records) {
      if (header === null) {
        header = fields.map((f) => f.trim());
        const missing = COLUMNS.filter((c) => !header!.includes(c));
        const extra = header.filter((c) => !(COLUMNS as readonly string[]).includes(c));
        if (missing.length > 0 || extra.length > 0) {
          throw new PopulationFileError(file, [`line ${line}: the header must be ${COLUMNS.join(',')} (any order)${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; unknown ${extra.join(', ')}` : ''}`]);
        }
        index = Object.fromEntries(COLUMNS.map((c) => [c, header!.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>;
        continue;
      }
      if (fields.length !== header.length) {
        problem(`line ${line}: ${fields.length} fields, the header has ${header.length}`);
        continue;
      }
      const value = (c: (typeof COLUMNS)[number]) => fields[index![c]]!.trim();
      const [fips, year, ageGroup, sex, population] = [value('fips'), value('year'), value('age_group'), value('sex'), value('population')];
      const bad: string[] = [];
      if (!/^\d{5}$/.test(fips)) bad.push(`fips ${JSON.stringify(fips)} is not a 5-digit county FIPS code`);
      if (!/^\d{4}$/.test(year) || Number(year) < 1990 || Number(year) > 2100) bad.push(`year ${JSON.stringify(year)} is not a year (1990-2100)`);
      if (!AGE_GROUPS.has(ageGroup)) bad.push(`age_group ${JSON.stringify(ageGroup)} is not an NCHS age group (${[...ELEVEN, '0-4', 'all'].join(', ')})`);
      if (!SEXES.has(sex)) bad.push(`sex ${JSON.stringify(sex)} is not M, F or all`);
      if (!/^\d{1,10}$/.test(population)) bad.push(`population ${JSON.stringify(population)} is not a whole number`);
      if (bad.length > 0) {
        problem(`line ${line}: ${bad.join('; ')}`);
        continue;
      }
      const key = `${fips}|${year}|${ageGroup}|${sex}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        problem(`line ${line}: ${fips} ${year} ${ageGroup} ${sex} is also on line ${earlier}`);
        continue;
      }
      seen.set(key, line);
      rows.push({ fips, year: Number(year), ageGroup, sex, population: Number(population) });
    }
  }
  if (header === null) throw new PopulationFileError(file, ['the file is empty']);
  if (problems.length > 0) throw new PopulationFileError(file, problems);
  return rows;
}

/**
 * Checks each (county, year) as a whole and completes its margins: age groups for sex 'all' from
 * M + F, sex totals from the age groups, the total from either. Returns the rows to store.
 */
export function completePopulations(file: string, rows: readonly PopulationRow[]): { rows: PopulationRow[]; derived: number } {
  const byPlace = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const place = `${r.fips}|${r.year}`;
    if (!byPlace.has(place)) byPlace.set(place, new Map());
    byPlace.get(place)!.set(`${r.ageGroup}|${r.sex}`, r.population);
  }
  const problems: string[] = [];
  const out: PopulationRow[] = [];
  let derived = 0;
  for (const [place, cells] of byPlace) {
    const [fips, yearText] = place.split('|') as [string, string];
    const year = Number(yearText);
    const where = `${fips} ${year}`;
    const ages = [...new Set([...cells.keys()].map((k) => k.split('|')[0]!))].filter((a) => a !== 'all');
    const groups = ages.length === 0 ? [] : ages.includes('0-4') ? TEN : ELEVEN;
    if (ages.length > 0 && (ages.length !== groups.length || !groups.every((g) => ages.includes(g)))) {
      problems.push(`${where}: age groups must be all of ${groups.join(', ')}; the file has ${ages.join(', ')}`);
      continue;
    }
    const sexesOf = (age: string) => ['all', 'M', 'F'].filter((s) => cells.has(`${age}|${s}`));
    const sexes = groups.length > 0 ? sexesOf(groups[0]!) : [];
    if (groups.some((g) => sexesOf(g).join() !== sexes.join())) {
      problems.push(`${where}: every age group must have the same sexes (${sexes.join(', ') || 'none'} for ${groups[0]})`);
      continue;
    }
    if (sexes.length > 0 && !sexes.includes('all') && !(sexes.includes('M') && sexes.includes('F'))) {
      problems.push(`${where}: age groups need sex "all", or both M and F`);
      continue;
    }
    const complete = new Map(cells);
    const put = (age: string, sex: string, value: number) => {
      const key = `${age}|${sex}`;
      const given = complete.get(key);
      if (given === undefined) {
        complete.set(key, value);
        derived++;
      } else if (given !== value) {
        problems.push(`${where}: ${age === 'all' ? 'the total' : `age group ${age}`}${sex === 'all' ? '' : ` sex ${sex}`} is ${given}, but its parts add up to ${value}`);
      }
    };
    if (groups.length > 0) {
      if (sexes.includes('M')) for (const g of groups) put(g, 'all', complete.get(`${g}|M`)! + complete.get(`${g}|F`)!);
      if (sexes.includes('M')) for (const s of ['M', 'F']) put('all', s, groups.reduce((sum, g) => sum + complete.get(`${g}|${s}`)!, 0));
      put('all', 'all', groups.reduce((sum, g) => sum + complete.get(`${g}|all`)!, 0));
    } else if (complete.has('all|M') && complete.has('all|F')) {
      put('all', 'all', complete.get('all|M')! + complete.get('all|F')!);
    }
    if (!complete.has('all|all')) {
      problems.push(`${where}: no total (age_group all, sex all) and no age groups or sexes to make it from`);
      continue;
    }
    for (const [key, population] of complete) {
      const [ageGroup, sex] = key.split('|') as [string, string];
      out.push({ fips, year, ageGroup, sex, population });
    }
  }
  if (problems.length > 0) throw new PopulationFileError(file, problems.slice(0, MAX_ERRORS));
  return { rows: out, derived };
}

/** Checks the file, then replaces the (county, year) pairs it covers in one transaction. */
export async function loadPopulationFile(db: Database, file: string): Promise<PopulationLoadSummary> {
  const read = await readPopulationFile(file);
  const { rows, derived } = completePopulations(file, read);
  const loader = readSqlFiles('loader');
  const connection = await db.connect();
  try {
    await runScript(connection, loader.get('create_population_staging')!);
    const appender = await ChunkAppender.create(connection, 'staging_populations', [VARCHAR, SMALLINT, VARCHAR, VARCHAR, BIGINT]);
    for (const r of rows) appender.add([r.fips, r.year, r.ageGroup, r.sex, BigInt(r.population)]);
    appender.close();
    const parameters = { source: `file:${path.basename(file)}`, sha256: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') };
    let replaced = 0;
    await inTransaction(connection, async () => {
      for (const statement of splitStatements(loader.get('commit_populations')!)) {
        const names = parameterNames(statement) as (keyof typeof parameters)[];
        const result = await connection.runAndReadAll(statement, names.length > 0 ? Object.fromEntries(names.map((n) => [n, parameters[n]])) : undefined);
        // DELETE answers with the number of rows it removed: the rows the file replaces.
        if (/^DELETE/i.test(statement)) replaced = Number(result.getRows()[0]?.[0] ?? 0);
      }
    });
    return {
      file,
      rowsRead: read.length,
      rowsDerived: derived,
      counties: new Set(rows.map((r) => r.fips)).size,
      years: [...new Set(rows.map((r) => r.year))].sort(),
      rowsReplaced: replaced,
      ageSpecific: rows.some((r) => r.ageGroup !== 'all'),
    };
  } finally {
    connection.closeSync();
  }
}

/** `vigil populations load FILE`: prints the summary as JSON; a file with problems loads nothing (exit 1). */
export async function populationsCommand(config: Config, args: readonly string[]): Promise<number> {
  if (args[0] !== 'load' || args.length !== 2) throw new UsageError('usage: vigil populations load FILE (a CSV fips,year,age_group,sex,population)');
  const file = args[1]!;
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const runtime = await openRuntime(config);
  try {
    const summary = await loadPopulationFile(runtime.db, file);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof PopulationFileError)) throw error;
    process.stderr.write(`vigil: ${error.message}\n`);
    return 1;
  } finally {
    runtime.close();
  }
}
