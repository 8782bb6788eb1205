/**
 * Loads the committed reference tables (pipeline/reference/) into DuckDB at start-up, once per
 * version of the file: county population totals today, code tables as the coders grow. Age-specific
 * populations are loaded by hand from Census files (`vigil populations load`, pipeline/cli/populations.ts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';

const referenceDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../reference');

export const COUNTY_POPULATION_FILE = path.join(referenceDirectory, 'county-population.csv');

export async function loadReferenceData(connection: DuckDBConnection): Promise<void> {
  await reloadIfChanged(connection, 'county-population', COUNTY_POPULATION_FILE, async () => {
    await connection.run("DELETE FROM populations WHERE source = 'census-pep'");
    // read_csv with explicit types: FIPS codes keep their leading zeros. A (county, year) that a
    // loaded population file covers (`vigil populations load`) keeps the file's rows: the file
    // replaced these totals on purpose, with its own total and age groups that add up to it.
    await connection.run(
      `INSERT INTO populations (fips, year, age_group, sex, population, source)
       SELECT c.fips, c.year, 'all', 'all', c.population, 'census-pep'
       FROM read_csv($path, header = true, columns = {
         'fips': 'VARCHAR', 'state_fips': 'VARCHAR', 'state': 'VARCHAR', 'state_name': 'VARCHAR',
         'county_name': 'VARCHAR', 'year': 'SMALLINT', 'population': 'BIGINT' }) c
       WHERE NOT EXISTS (SELECT 1 FROM populations p WHERE p.fips = c.fips AND p.year = c.year)`,
      { path: COUNTY_POPULATION_FILE },
    );
  });
}

async function reloadIfChanged(connection: DuckDBConnection, name: string, file: string, load: () => Promise<void>): Promise<void> {
  const sha256 = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  const loaded = await connection.runAndReadAll('SELECT sha256 FROM reference_data WHERE name = $name', { name });
  if (loaded.getRowObjects()[0]?.sha256 === sha256) return;
  await connection.run('BEGIN TRANSACTION');
  try {
    await load();
    await connection.run('INSERT OR REPLACE INTO reference_data VALUES ($name, $sha256, now())', { name, sha256 });
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK');
    throw new Error(`Loading reference table ${name} from ${file} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
