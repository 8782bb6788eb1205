/**
 * Numbered migrations (sql/schema/NNN_name.sql), each applied once, in order, in its own
 * transaction, and recorded in schema_version. A failed migration stops start-up: a database
 * with half a schema must never serve data.
 */
import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlDirectory } from './sql-files.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(directory = sqlDirectory('schema')): Migration[] {
  const migrations = fs
    .readdirSync(directory)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new Error(`Migration file ${file} must be named NNN_name.sql`);
      return { version: Number(match[1]), name: match[2]!, sql: fs.readFileSync(`${directory}/${file}`, 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migrations must be numbered 001, 002, ... without gaps; found ${migration.version} at position ${index + 1}`);
    }
  });
  return migrations;
}

/** Applies pending migrations; returns the versions applied now. */
export async function applyMigrations(connection: DuckDBConnection, migrations = readMigrations()): Promise<number[]> {
  await connection.run(
    'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)',
  );
  const applied = new Set(
    (await connection.runAndReadAll('SELECT version FROM schema_version')).getRowObjects().map((row) => Number(row.version)),
  );
  const newlyApplied: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    await connection.run('BEGIN TRANSACTION');
    try {
      await connection.run(migration.sql);
      await connection.run('INSERT INTO schema_version VALUES ($version, $name, now())', {
        version: migration.version,
        name: migration.name,
      });
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK');
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Migration ${String(migration.version).padStart(3, '0')}_${migration.name} failed: ${reason}`);
    }
    newlyApplied.push(migration.version);
  }
  return newlyApplied;
}
