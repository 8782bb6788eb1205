/**
 * Where the project's SQL lives, and the named-query catalogue. The server runs named queries
 * only, never SQL from a request; every value is bound as a $parameter.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function sqlDirectory(kind: 'schema' | 'queries' | 'loader'): string {
  return path.join(projectRoot, 'sql', kind);
}

/** The text of every `sql/<kind>/<name>.sql`, keyed by name, read once. */
export function readSqlFiles(kind: 'queries' | 'loader'): ReadonlyMap<string, string> {
  const directory = sqlDirectory(kind);
  const files = new Map<string, string>();
  for (const file of fs.readdirSync(directory).sort()) {
    if (file.endsWith('.sql')) files.set(file.slice(0, -4), fs.readFileSync(path.join(directory, file), 'utf8'));
  }
  return files;
}

export type QueryParameters = Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

/** Named, parameterised queries from sql/queries/. */
export class QueryCatalog {
  private readonly queries: ReadonlyMap<string, string>;

  constructor(queries: ReadonlyMap<string, string> = readSqlFiles('queries')) {
    this.queries = queries;
  }

  names(): string[] {
    return [...this.queries.keys()];
  }

  sql(name: string): string {
    const sql = this.queries.get(name);
    if (sql === undefined) throw new Error(`No query named ${name} in sql/queries/`);
    return sql;
  }

  /** Runs a named query and returns its rows as plain JSON-friendly objects. */
  async rows(connection: DuckDBConnection, name: string, parameters: QueryParameters = {}): Promise<Row[]> {
    const reader = await connection.runAndReadAll(this.sql(name), parameters);
    return reader.getRowObjectsJson() as Row[];
  }
}

/**
 * Splits a SQL file into statements at semicolons that end a line. Our SQL files keep semicolons
 * out of string literals and comments, so this is enough and keeps each statement bindable.
 */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

/** The $names a statement uses. */
export function parameterNames(statement: string): string[] {
  return [...new Set([...statement.matchAll(/\$([a-z_][a-z0-9_]*)/gi)].map((match) => match[1]!))];
}

/** Runs every statement of a SQL file in order, binding to each only the parameters it uses. */
export async function runScript(
  connection: DuckDBConnection,
  sql: string,
  parameters: QueryParameters = {},
  onStatement?: (statement: string, milliseconds: number) => void,
): Promise<void> {
  for (const statement of splitStatements(sql)) {
    const started = performance.now();
    const names = parameterNames(statement);
    const missing = names.filter((name) => !(name in parameters));
    if (missing.length > 0) throw new Error(`SQL parameter${missing.length > 1 ? 's' : ''} not given: ${missing.map((n) => '$' + n).join(', ')}`);
    const bound = Object.fromEntries(names.map((name) => [name, parameters[name]!]));
    await connection.run(statement, names.length > 0 ? bound : undefined);
    onStatement?.(statement, performance.now() - started);
  }
}
