/**
 * Syndrome definitions in DuckDB: the built-ins are written once (each id and version), users add
 * versions of their own, one version of an id is active, and every version is kept. The ingest
 * path reads the active set into a syndrome engine.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { BUILTIN_SYNDROMES } from '../coding/ed/syndromes/definitions.ts';
import type { SyndromeDefinition, SyndromeDefinitionInput } from '../coding/ed/syndromes/definition.ts';
import { inTransaction } from './transaction.ts';

export interface StoredDefinition extends SyndromeDefinition {
  builtin: boolean;
  createdAt: string;
  createdBy: string | null;
}

/** Inserts built-in definitions this database has not seen (by id and version); the first version of an id becomes active. */
export async function ensureBuiltinDefinitions(connection: DuckDBConnection): Promise<void> {
  for (const def of BUILTIN_SYNDROMES) {
    await connection.run(
      `INSERT INTO syndrome_definitions
       SELECT $id, $version, $name, $description, CAST($definition AS JSON),
              NOT EXISTS (SELECT 1 FROM syndrome_definitions WHERE id = $id AND active), true, now(), NULL
       WHERE NOT EXISTS (SELECT 1 FROM syndrome_definitions WHERE id = $id AND version = $version)`,
      { id: def.id, version: def.version, name: def.name, description: def.description, definition: JSON.stringify(def) },
    );
  }
}

export async function listDefinitions(connection: DuckDBConnection): Promise<StoredDefinition[]> {
  const rows = (
    await connection.runAndReadAll(
      `SELECT CAST(definition AS VARCHAR) AS definition, active, builtin, CAST(created_at AS VARCHAR) AS created_at, created_by
       FROM syndrome_definitions ORDER BY id, version`,
    )
  ).getRowObjectsJson();
  return rows.map((r) => ({
    ...(JSON.parse(String(r.definition)) as SyndromeDefinition),
    active: Boolean(r.active),
    builtin: Boolean(r.builtin),
    createdAt: String(r.created_at),
    createdBy: r.created_by === null ? null : String(r.created_by),
  }));
}

/** Stores a new version of a definition (the next number for its id) and makes it the active one. */
export async function addDefinitionVersion(connection: DuckDBConnection, input: Omit<SyndromeDefinitionInput, 'version'>, createdBy: string | null): Promise<number> {
  const [next] = (
    await connection.runAndReadAll(`SELECT coalesce(max(version), 0)::INTEGER + 1 AS version FROM syndrome_definitions WHERE id = $id`, { id: input.id })
  ).getRowObjectsJson();
  const version = Number(next!.version);
  const def = { ...input, version, active: true };
  await inTransaction(connection, async () => {
    await connection.run(`UPDATE syndrome_definitions SET active = false WHERE id = $id AND active`, { id: def.id });
    await connection.run(
      `INSERT INTO syndrome_definitions VALUES ($id, $version, $name, $description, CAST($definition AS JSON), true, false, now(), $created_by)`,
      { id: def.id, version, name: def.name, description: def.description, definition: JSON.stringify(def), created_by: createdBy },
    );
  });
  return version;
}

/** "all_drug@1,cocaine@1,...": which definitions a visit was evaluated against. */
export function syndromeSetLabel(definitions: readonly SyndromeDefinition[]): string {
  return definitions
    .filter((d) => d.active)
    .map((d) => `${d.id}@${d.version}`)
    .sort()
    .join(',');
}
