/**
 * One certificate file, start to finish: read the raw file, validate each record, code it, stage
 * it with the Appender, then move the whole batch into the permanent tables in one transaction.
 * Good records load and bad ones are reported with line and field; a file-level problem rejects
 * the file and nothing already stored changes.
 */
import fs from 'node:fs';
import { BOOLEAN, INTEGER, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { Logger } from 'pino';
import type { DeathCoder } from '../coding/deaths/types.ts';
import { columnPositions, FileFormatError, mapRecord, readCertificateRows } from '../formats/certificate-csv.ts';
import { readCsvTextChunks, UnclosedQuoteError } from '../formats/csv-chunks.ts';
import { CsvParser, CsvSyntaxError } from '../formats/csv.ts';
import type { Database } from '../store/database.ts';
import { ChunkAppender } from '../store/chunk-appender.ts';
import { readSqlFiles, runScript } from '../store/sql-files.ts';
import { readBatchReport, type BatchReport } from './batch-report.ts';
import type { CodingPool } from './coding-pool.ts';
import type { Mutex } from './mutex.ts';
import { stageRecords, type StagedBatch } from './staging-rows.ts';
import type { StoredRawFile } from './raw-files.ts';

export interface IngestContext {
  db: Database;
  coder: DeathCoder;
  logger: Logger;
  /** Serialises batch commits within the process. */
  commitLock: Mutex;
  /** Worker threads that validate and code; without one, the calling thread does. */
  pool?: CodingPool | null;
}

export interface IncomingBatch {
  batchId: string;
  fileName: string;
  raw: StoredRawFile;
  source: 'upload' | 'cli' | 'inbox' | 'demo';
  jurisdiction: string | null;
  /** Called every few thousand records while the file is read. */
  onProgress?: (recordsRead: number) => void;
}

const loaderSql = readSqlFiles('loader');
// Column types of staging_certificates, in order (sql/loader/create_certificate_staging.sql).
const STAGING_TYPES = [INTEGER, VARCHAR, VARCHAR, BOOLEAN];
const ERROR_TYPES = [INTEGER, VARCHAR, VARCHAR, VARCHAR];

/** Ingests a stored raw certificate file. Returns the batch report; never half-loads a batch. */
export async function ingestCertificateBatch(context: IngestContext, batch: IncomingBatch): Promise<BatchReport> {
  const { db, logger } = context;
  const log = logger.child({ batchId: batch.batchId });
  const duplicate = await findLoadedBatchBySha(db.connection, batch.raw.sha256);
  if (duplicate) {
    fs.rmSync(batch.raw.path, { force: true });
    log.info({ duplicateOf: duplicate }, 'file already loaded; nothing to do');
    const report = (await readBatchReport(db.connection, duplicate))!;
    return { ...report, duplicateOf: duplicate };
  }
  await db.connection.run(
    `INSERT INTO batches (batch_id, kind, format, file_name, raw_path, sha256, bytes, source, jurisdiction, status, received_at)
     VALUES ($batch_id, 'deaths', 'certificate-csv', $file_name, $raw_path, $sha256, $bytes, $source, $jurisdiction, 'processing', now())`,
    {
      batch_id: batch.batchId,
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
    const staged = await stageFile(connection, context, batch);
    const stagedAt = performance.now();
    await context.commitLock.run(() => commitBatch(connection, context.coder, batch.batchId, staged, log));
    log.info({ ...staged, stageMs: Math.round(stagedAt - started), commitMs: Math.round(performance.now() - stagedAt) }, 'batch loaded');
  } catch (error) {
    const rejected = error instanceof FileFormatError;
    const message = error instanceof Error ? error.message : String(error);
    await db.connection.run(
      `UPDATE batches SET status = $status, error = $error, finished_at = now() WHERE batch_id = $batch_id`,
      { status: rejected ? 'rejected' : 'failed', error: message, batch_id: batch.batchId },
    );
    if (rejected) log.warn({ reason: message }, 'batch rejected');
    else log.error({ err: error }, 'batch failed');
  } finally {
    connection.closeSync();
  }
  return (await readBatchReport(db.connection, batch.batchId))!;
}

interface StagedCounts {
  recordsRead: number;
  recordsValid: number;
  recordsRejected: number;
}

async function stageFile(connection: DuckDBConnection, context: IngestContext, batch: IncomingBatch): Promise<StagedCounts> {
  await runScript(connection, loaderSql.get('create_certificate_staging')!);
  const records = await ChunkAppender.create(connection, 'staging_certificates', STAGING_TYPES);
  const errors = await ChunkAppender.create(connection, 'staging_errors', ERROR_TYPES);
  let recordsValid = 0;
  let recordsRejected = 0;
  const append = (staged: StagedBatch) => {
    for (const row of staged.rows) records.add(row);
    for (const error of staged.errors) errors.add(error);
    recordsValid += staged.rows.length;
    recordsRejected += staged.rejected;
    batch.onProgress?.(recordsValid + recordsRejected);
  };
  try {
    if (context.pool) await stageInWorkers(batch.raw.path, context.pool, context.coder, append);
    else for await (const chunk of readCertificateRows(fs.createReadStream(batch.raw.path))) append(stageRecords(chunk, context.coder));
  } finally {
    records.close();
    errors.close();
  }
  return { recordsRead: recordsValid + recordsRejected, recordsValid, recordsRejected };
}

/**
 * The main thread only cuts the file into chunks of whole records (about 1 MiB of text, a few
 * thousand certificates) and appends what comes back; the workers parse, validate and code. Text
 * is cheap to post to a worker, mapped row objects are not: that is what lets the pool scale.
 */
async function stageInWorkers(path: string, pool: CodingPool, coder: DeathCoder, append: (staged: StagedBatch) => void): Promise<void> {
  const inFlight: Promise<StagedBatch>[] = [];
  let header: { positions: [string, number][]; headerLength: number } | null = null;
  const accept = (staged: StagedBatch) => {
    if (staged.syntaxError) throw new FileFormatError(staged.syntaxError.message, staged.syntaxError.line);
    append(staged);
  };
  try {
    for await (const chunk of readCsvTextChunks(fs.createReadStream(path))) {
      if (header === null) {
        // The header chunk: normally the header record alone (more only in a file without LF breaks).
        const parser = new CsvParser(chunk.firstLine);
        const [first, ...rest] = parseOrReject(parser, chunk.text);
        const positions = columnPositions(first!.fields);
        header = { positions: [...positions], headerLength: first!.fields.length };
        if (rest.length > 0) accept(stageRecords(rest.map((r) => mapRecord(r, positions, header!.headerLength)), coder));
        continue;
      }
      inFlight.push(pool.stage({ kind: 'csv-text', ...chunk, ...header }));
      if (inFlight.length >= pool.size * 3) accept(await inFlight.shift()!);
    }
    while (inFlight.length > 0) accept(await inFlight.shift()!);
  } catch (error) {
    if (error instanceof UnclosedQuoteError) throw new FileFormatError(error.message.replace(/^line \d+: /, ''), error.line);
    throw error;
  } finally {
    // A failure part-way must not leave rejected promises unobserved.
    await Promise.allSettled(inFlight);
  }
  if (header === null) throw new FileFormatError('the file is empty: expected the certificate template header and at least one record');
}

function parseOrReject(parser: CsvParser, text: string) {
  try {
    return parser.end(parser.push(text));
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new FileFormatError(error.message.replace(/^line \d+: /, ''), error.line);
    throw error;
  }
}

async function commitBatch(connection: DuckDBConnection, coder: DeathCoder, batchId: string, staged: StagedCounts, log: Logger): Promise<void> {
  await connection.run('BEGIN TRANSACTION');
  try {
    await runScript(connection, loaderSql.get('commit_certificates')!, {
      batch_id: batchId,
      loaded_at: new Date().toISOString(),
      coder: coder.coderVersion,
      lexicon_version: coder.lexiconVersion,
    }, (statement, ms) => log.debug({ ms: Math.round(ms), statement: statement.slice(0, 80) }, 'commit statement'));
    await connection.run(
      `UPDATE batches SET status = 'loaded', finished_at = now(), records_read = $read,
         records_loaded = (SELECT count(*) FROM versioned_certificates),
         records_unchanged = $valid - (SELECT count(*) FROM versioned_certificates),
         records_rejected = $rejected
       WHERE batch_id = $batch_id`,
      { read: staged.recordsRead, valid: staged.recordsValid, rejected: staged.recordsRejected, batch_id: batchId },
    );
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}

async function findLoadedBatchBySha(connection: DuckDBConnection, sha256: string): Promise<string | null> {
  const rows = (
    await connection.runAndReadAll(
      `SELECT batch_id FROM batches WHERE sha256 = $sha256 AND kind = 'deaths' AND status = 'loaded' ORDER BY received_at LIMIT 1`,
      { sha256 },
    )
  ).getRowObjects();
  return rows[0] ? String(rows[0].batch_id) : null;
}
