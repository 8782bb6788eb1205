/**
 * Statements prepared once per connection and SQL text, for queries a server runs on every
 * request: parsing and planning cost more than running them (the token lookup ~2.5 ms of a 20 ms
 * answer from the answer cache; an aggregate query more than its run on the cache). One run at a
 * time per statement, since a binding belongs to the statement. A statement that failed to
 * prepare is forgotten, so the next call tries again.
 */
import type { DuckDBConnection, DuckDBPreparedStatement, DuckDBResultReader, DuckDBValue } from '@duckdb/node-api';
import { Mutex } from '../ingest/mutex.ts';

interface Prepared {
  statement: Promise<DuckDBPreparedStatement>;
  lock: Mutex;
}

const byConnection = new WeakMap<DuckDBConnection, Map<string, Prepared>>();

export async function runPrepared(connection: DuckDBConnection, sql: string, parameters: Record<string, DuckDBValue>): Promise<DuckDBResultReader> {
  let statements = byConnection.get(connection);
  if (!statements) byConnection.set(connection, (statements = new Map()));
  let prepared = statements.get(sql);
  if (!prepared) {
    const entry: Prepared = { statement: connection.prepare(sql), lock: new Mutex() };
    entry.statement.catch(() => statements.get(sql) === entry && statements.delete(sql));
    statements.set(sql, (prepared = entry));
  }
  const statement = await prepared.statement;
  return prepared.lock.run(async () => {
    statement.bind(parameters);
    return statement.runAndReadAll();
  });
}
