/**
 * What the HTTP layer is given: the configuration, the open database, the named queries, the
 * ingest entry point, the death coding source and a logger. Built once at start-up and passed down; nothing global.
 */
import type { Logger } from 'pino';
import type { Config } from '../pipeline/config.ts';
import type { EdCodingSource } from '../pipeline/ingest/ed-coding.ts';
import type { IngestService } from '../pipeline/ingest/ingest-service.ts';
import type { Mutex } from '../pipeline/ingest/mutex.ts';
import type { DeathCodingSource } from '../pipeline/review/lexicon-overlay.ts';
import type { Database } from '../pipeline/store/database.ts';
import type { QueryCatalog } from '../pipeline/store/sql-files.ts';

export interface AppServices {
  config: Config;
  db: Database;
  queries: QueryCatalog;
  ingest: IngestService;
  /** The death coding with the approved lexicon terms: the one the process's ingest and recode use. */
  deathCoding: DeathCodingSource;
  /** The syndrome engine to rebuild when a definition changes. */
  edCoding: EdCodingSource;
  /** Taken by every write transaction of the process. */
  commitLock: Mutex;
  logger: Logger;
  /** The built dashboard, served at `/`. */
  dashboardDir: string | null;
}
