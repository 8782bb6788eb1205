/**
 * The life of one batch, whatever it holds (certificates, ED visits) and whatever its format: a
 * resent file (same SHA-256) changes nothing; otherwise the batch is recorded, its records are
 * staged (parsed, validated, coded, appended to temporary tables), then moved into the permanent
 * tables in ONE transaction. Good records load and bad ones are reported with line and field; a
 * file-level problem rejects the file and nothing already stored changes.
 */
import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Logger } from 'pino';
import type { DeathCoder } from '../coding/deaths/types.ts';
import type { DeathCoding } from '../review/lexicon-overlay.ts';
import { FileFormatError } from '../formats/certificate-csv.ts';
import type { Database } from '../store/database.ts';
import { inTransaction } from '../store/transaction.ts';
import { readBatchReport, type BatchReport } from './batch-report.ts';
import type { CodingPool } from './coding-pool.ts';
import type { EdCoding } from './ed-staging.ts';
import type { Mutex } from './mutex.ts';
import type { StoredRawFile } from './raw-files.ts';

/** The death coding a batch uses from its first record to its commit (a `DeathCoding` of pipeline/review/lexicon-overlay.ts). */
export type BatchDeathCoding = Pick<DeathCoding, 'coderVersion' | 'lexiconVersion' | 'terms' | 'coder'>;

interface IngestContextBase {
  db: Database;
  logger: Logger;
  /** Serialises batch commits within the process. */
  commitLock: Mutex;
  /** Worker threads that validate and code; without one, the calling thread does. */
  pool?: CodingPool | null;
  /** Template and ED CSV through DuckDB's reader when it can (certificate-csv-bulk.ts, ed-csv-bulk.ts); default true. */
  csvBulk?: boolean;
  /** The ED coder and the current syndrome engine (definitions change at run time), for ED batches. */
  edCoding?: () => EdCoding;
}

/** What a batch runs with: either the current death coding, asked for per batch, or one fixed coder. */
export type IngestContext = IngestContextBase &
  (
    | {
        /**
         * The coding for the terms approved now (the process's DeathCodingSource), asked for when
         * each certificate batch starts: an approval reaches the next batch, main thread and workers.
         */
        deathCoding: () => Promise<BatchDeathCoding>;
        coder?: undefined;
      }
    | {
        /** One coder for every batch (tests, tools); coding workers must be able to build the same one. */
        coder: DeathCoder;
        deathCoding?: undefined;
      }
  );

/** The death coding for a batch starting now. */
export async function batchDeathCoding(context: IngestContext): Promise<BatchDeathCoding> {
  if (context.deathCoding) return context.deathCoding();
  const { coder } = context;
  return { coderVersion: coder.coderVersion, lexiconVersion: coder.lexiconVersion, terms: [], coder };
}

export interface IncomingBatch {
  batchId: string;
  fileName: string;
  raw: StoredRawFile;
  source: 'upload' | 'cli' | 'inbox' | 'demo';
  jurisdiction: string | null;
  /** Called every few thousand records while the file is read, with the raw bytes read so far. */
  onProgress?: (recordsRead: number, bytesRead: number) => void;
  /** A batch already recorded as 'processing' (cut off by a stopped process), redone from its raw file. */
  resumed?: boolean;
}

export interface StagedCounts {
  recordsRead: number;
  recordsValid: number;
  recordsRejected: number;
}

/** What differs between kinds of batch: how records are staged and committed. */
export interface BatchPlan {
  kind: 'deaths' | 'ed';
  format: string;
  /** Fills the batch's temporary staging tables on `connection`. Throws FileFormatError to reject the file. */
  stage(connection: DuckDBConnection, batch: IncomingBatch): Promise<StagedCounts>;
  /** Moves the staged records into the permanent tables (inside the transaction); returns how many new versions it stored. */
  commit(connection: DuckDBConnection, batch: IncomingBatch, log: Logger): Promise<number>;
}

/** Runs a stored raw file through a plan. Returns the batch report; never half-loads a batch. */
export async function runBatch(context: IngestContext, batch: IncomingBatch, plan: BatchPlan): Promise<BatchReport> {
  const { db, logger } = context;
  const log = logger.child({ batchId: batch.batchId, kind: plan.kind, format: plan.format });
  const duplicate = await findLoadedBatchBySha(db.connection, batch.raw.sha256, plan.kind);
  if (duplicate && !batch.resumed) {
    fs.rmSync(batch.raw.path, { force: true });
    log.info({ duplicateOf: duplicate }, 'file already loaded; nothing to do');
    const report = (await readBatchReport(db.connection, duplicate))!;
    return { ...report, duplicateOf: duplicate };
  }
  if (batch.resumed) log.warn('redoing a batch cut off by a stopped process, from its raw file');
  else await db.connection.run(
    `INSERT INTO batches (batch_id, kind, format, file_name, raw_path, sha256, bytes, source, jurisdiction, status, received_at)
     VALUES ($batch_id, $kind, $format, $file_name, $raw_path, $sha256, $bytes, $source, $jurisdiction, 'processing', now())`,
    {
      batch_id: batch.batchId,
      kind: plan.kind,
      format: plan.format,
      file_name: batch.fileName,
      raw_path: batch.raw.path,
      sha256: batch.raw.sha256,
      bytes: batch.raw.bytes,
      source: batch.source,
      jurisdiction: batch.jurisdiction,
    },
  );
  const connection = await db.connect();
  try {
    const started = performance.now();
    const staged = await plan.stage(connection, batch);
    const stagedAt = performance.now();
    await context.commitLock.run(() => commitBatch(connection, plan, batch, staged, log));
    log.info({ ...staged, stageMs: Math.round(stagedAt - started), commitMs: Math.round(performance.now() - stagedAt) }, 'batch loaded');
  } catch (error) {
    const rejected = error instanceof FileFormatError;
    const message = error instanceof Error ? error.message : String(error);
    await db.connection.run(`UPDATE batches SET status = $status, error = $error, finished_at = now() WHERE batch_id = $batch_id`, {
      status: rejected ? 'rejected' : 'failed',
      error: message,
      batch_id: batch.batchId,
    });
    if (rejected) log.warn({ reason: message }, 'batch rejected');
    else log.error({ err: error }, 'batch failed');
  } finally {
    connection.closeSync();
  }
  return (await readBatchReport(db.connection, batch.batchId))!;
}

async function commitBatch(connection: DuckDBConnection, plan: BatchPlan, batch: IncomingBatch, staged: StagedCounts, log: Logger): Promise<void> {
  await inTransaction(connection, async () => {
    const loaded = await plan.commit(connection, batch, log);
    await connection.run(
      `UPDATE batches SET status = 'loaded', finished_at = now(), records_read = $read, records_loaded = $loaded,
         records_unchanged = $valid - $loaded, records_rejected = $rejected
       WHERE batch_id = $batch_id`,
      { read: staged.recordsRead, loaded, valid: staged.recordsValid, rejected: staged.recordsRejected, batch_id: batch.batchId },
    );
  });
}

async function findLoadedBatchBySha(connection: DuckDBConnection, sha256: string, kind: BatchPlan['kind']): Promise<string | null> {
  const rows = (
    await connection.runAndReadAll(`SELECT batch_id FROM batches WHERE sha256 = $sha256 AND kind = $kind AND status = 'loaded' ORDER BY received_at LIMIT 1`, {
      sha256,
      kind,
    })
  ).getRowObjects();
  return rows[0] ? String(rows[0].batch_id) : null;
}
