/**
 * Opening the DuckDB file. One process owns it for writing (DuckDB allows one writer process, and
 * a second process cannot even open it read-only meanwhile), so a lock conflict becomes an error
 * that says which process holds the file and what to do instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { applyMigrations } from './migrate.ts';
import { loadReferenceData } from './reference-data.ts';

export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
}

export interface Database {
  readonly path: string;
  readonly instance: DuckDBInstance;
  /** The connection used for reads and small writes. Batch loads open their own. */
  readonly connection: DuckDBConnection;
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

/** Opens (creating if needed) the database file, applies migrations and loads reference data. */
export async function openDatabase(databasePath: string, options: { memoryLimit?: string } = {}): Promise<Database> {
  if (databasePath !== ':memory:') fs.mkdirSync(path.dirname(databasePath), { recursive: true });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(databasePath, {
      // Only DuckDB's built-in extensions exist offline: fail at once rather than try to download.
      autoinstall_known_extensions: 'false',
      // Bulk inserts run in parallel and use less memory; every query that needs an order says so.
      preserve_insertion_order: 'false',
      // DuckDB's allocator keeps the pages a query freed until one of its threads allocates again,
      // and while the coding workers run DuckDB is idle: its background threads give them back.
      // With the coding workers' heaps bounded too (coding-pool.ts), a batch's peak memory no
      // longer grows with its size (bench/README: 1M against 4M certificates).
      allocator_background_threads: 'true',
      ...(options.memoryLimit ? { memory_limit: options.memoryLimit } : {}),
    });
  } catch (error) {
    throw explainOpenError(databasePath, error);
  }
  const connection = await instance.connect();
  await applyMigrations(connection);
  await loadReferenceData(connection);
  return {
    path: databasePath,
    instance,
    connection,
    connect: () => instance.connect(),
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A batch left 'processing' by a process that stopped before its transaction committed. */
export interface InterruptedBatch {
  batchId: string;
  kind: 'deaths' | 'ed';
  format: string;
  fileName: string;
  rawPath: string;
  source: 'upload' | 'cli' | 'inbox' | 'demo';
  jurisdiction: string | null;
}

/**
 * A batch still 'processing' when the file is opened was cut off by a stopped process (only one
 * process can hold the file). Its transaction never committed, so nothing of it is stored: the
 * ingest service redoes it from its raw file (IngestService.resumeInterrupted).
 */
export async function findInterruptedBatches(connection: DuckDBConnection): Promise<InterruptedBatch[]> {
  const rows = (
    await connection.runAndReadAll(
      `SELECT batch_id, kind, format, file_name, raw_path, source, jurisdiction FROM batches WHERE status = 'processing' ORDER BY received_at`,
    )
  ).getRowObjectsJson();
  return rows.map((r) => ({
    batchId: String(r.batch_id),
    kind: r.kind as InterruptedBatch['kind'],
    format: String(r.format),
    fileName: String(r.file_name),
    rawPath: String(r.raw_path),
    source: r.source as InterruptedBatch['source'],
    jurisdiction: r.jurisdiction === null ? null : String(r.jurisdiction),
  }));
}

function explainOpenError(databasePath: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/Could not set lock|Conflicting lock/i.test(message)) {
    const pid = /PID (\d+)/.exec(message)?.[1];
    return new DatabaseLockedError(
      `The database ${databasePath} is held by another process${pid ? ` (PID ${pid})` : ''}, ` +
        'probably `vigil serve`. Only one process may write it: stop that process, or send the file ' +
        'to the running server instead (POST /api/batches, e.g. `curl -H "Authorization: Bearer $VIGIL_TOKEN" -F file=@FILE http://HOST:PORT/api/batches`; it needs an uploader or admin token).',
    );
  }
  return error instanceof Error ? error : new Error(message);
}
