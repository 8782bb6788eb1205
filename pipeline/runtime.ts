/**
 * Builds the long-lived parts from a Config: logger, database, coder, query catalogue, ingest.
 * Server, CLI and tests all start here, so they run the same code paths.
 */
import type { Logger } from 'pino';
import { createDeathCoder } from './coding/deaths/index.ts';
import type { DeathCoder } from './coding/deaths/types.ts';
import type { Config } from './config.ts';
import { CodingPool } from './ingest/coding-pool.ts';
import { EdCodingSource } from './ingest/ed-coding.ts';
import { IngestService } from './ingest/ingest-service.ts';
import { Mutex } from './ingest/mutex.ts';
import { createLogger } from './log/logger.ts';
import { openDatabase, type Database } from './store/database.ts';
import { QueryCatalog } from './store/sql-files.ts';

export interface Runtime {
  config: Config;
  logger: Logger;
  db: Database;
  queries: QueryCatalog;
  coder: DeathCoder;
  ingest: IngestService;
  /** Taken by every write transaction of the process (batch commits, recoding). */
  commitLock: Mutex;
  /** ED coder and syndrome engine (reload after a definition changes). */
  edCoding: EdCodingSource;
  close(): void;
}

export async function openRuntime(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<Runtime> {
  const db = await openDatabase(config.databasePath, { memoryLimit: config.databaseMemoryLimit });
  const coder = createDeathCoder();
  const pool = config.codingWorkers > 0 ? new CodingPool(config.codingWorkers) : null;
  const commitLock = new Mutex();
  const edCoding = await new EdCodingSource().open(db.connection);
  const ingest = new IngestService({ db, coder, logger, commitLock, pool, edCoding: () => edCoding.current() }, config.rawDir);
  // Batches a stopped process left half-done are redone before anything else writes.
  const resumed = await ingest.resumeInterrupted();
  if (resumed.length > 0) logger.info({ batches: resumed.map((r) => ({ batchId: r.batchId, status: r.status, recordsLoaded: r.recordsLoaded })) }, 'redid interrupted batches');
  return {
    config,
    logger,
    db,
    queries: new QueryCatalog(),
    coder,
    ingest,
    commitLock,
    edCoding,
    close: () => {
      void pool?.close();
      db.close();
    },
  };
}
