/**
 * Builds the long-lived parts from a Config: logger, database, death coding, query catalogue,
 * ingest. Server, CLI and tests all start here, so they run the same code paths.
 */
import type { Logger } from 'pino';
import type { DeathCoder } from './coding/deaths/types.ts';
import type { Config } from './config.ts';
import { CodingPool } from './ingest/coding-pool.ts';
import { EdCodingSource } from './ingest/ed-coding.ts';
import { IngestService } from './ingest/ingest-service.ts';
import { Mutex } from './ingest/mutex.ts';
import { createLogger } from './log/logger.ts';
import { DeathCodingSource } from './review/lexicon-overlay.ts';
import { openDatabase, type Database } from './store/database.ts';
import { QueryCatalog } from './store/sql-files.ts';

export interface Runtime {
  config: Config;
  logger: Logger;
  db: Database;
  queries: QueryCatalog;
  /**
   * The death coding with the approved lexicon terms (the committed lexicon plus
   * lexicon_overlay_terms): every certificate batch, main thread and coding workers, the recode
   * job and the review and lexicon routes ask this one source, so an approval reaches them all.
   */
  deathCoding: DeathCodingSource;
  /**
   * The coder over the committed lexicon alone (built on its first certificate). Given to the
   * recode job, it codes with `deathCoding`'s current terms; code new records through `deathCoding`.
   */
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
  const queries = new QueryCatalog();
  const deathCoding = new DeathCodingSource();
  const pool = config.codingWorkers > 0 ? new CodingPool(config.codingWorkers) : null;
  const commitLock = new Mutex();
  const edCoding = await new EdCodingSource().open(db.connection);
  const ingest = new IngestService(
    { db, deathCoding: () => deathCoding.current(db.connection, queries), logger, commitLock, pool, csvBulk: config.csvBulk, edCoding: () => edCoding.current() },
    config.rawDir,
  );
  // Batches a stopped process left half-done are redone before anything else writes.
  const resumed = await ingest.resumeInterrupted();
  if (resumed.length > 0) logger.info({ batches: resumed.map((r) => ({ batchId: r.batchId, status: r.status, recordsLoaded: r.recordsLoaded })) }, 'redid interrupted batches');
  return {
    config,
    logger,
    db,
    queries,
    deathCoding,
    coder: deathCoding.committedCoder(),
    ingest,
    commitLock,
    edCoding,
    close: () => {
      void pool?.close();
      db.close();
    },
  };
}
