/**
 * Certificate batches (CSV template, IJE, VRDR): read the raw file, validate each record, code it
 * and stage it (CSV in worker threads when a pool exists): the certificates as a typed staging
 * CSV file that DuckDB reads, each distinct coded result once through the Appender
 * (staging-sink.ts); the batch runner commits it with commit_certificates.sql. The death coding
 * (the committed lexicon plus the approved terms) is chosen once when the batch starts, and its
 * versions are the ones recorded.
 */
import fs from 'node:fs';
import { BOOLEAN, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { Logger } from 'pino';
import { stageCertificateCsvInBulk } from './certificate-csv-bulk.ts';
import { readIjeRecords, readVrdrRecords } from './death-formats.ts';
import { STAGED_CERTIFICATE_COLUMNS, stageDeathRecords } from './death-records.ts';
import { batchDeathCoding, type BatchDeathCoding, type BatchPlan, type IncomingBatch, type IngestContext, type StagedCounts } from './batch-runner.ts';
import { columnPositions, mapRecord, readCertificateRows } from '../formats/certificate-csv.ts';
import { readSqlFiles, runScript } from '../store/sql-files.ts';
import type { CodingPool } from './coding-pool.ts';
import { stageRecords, type StagedBatch } from './staging-rows.ts';
import { readStagingCsv, stagingFileFor, type StagingPlace } from './staging-csv.ts';
import { StagingSink, stagingName, type StagingTables } from './staging-sink.ts';
import { stageCsvInWorkers } from './worker-chunks.ts';

const loaderSql = readSqlFiles('loader');

/**
 * The coding of the plan's batch: chosen by `stage` (one plan runs one batch), used by `commit`, so
 * every record of a batch is coded, and recorded, with the same lexicon version.
 */
function chosenCoding(context: IngestContext) {
  let chosen: BatchDeathCoding | null = null;
  return {
    choose: async () => (chosen = await batchDeathCoding(context)),
    get: (): BatchDeathCoding => {
      if (chosen === null) throw new Error('a certificate batch was committed before it was staged');
      return chosen;
    },
  };
}

/**
 * Certificate CSV template files: in bulk when DuckDB's reader reads the file as ours does
 * (certificate-csv-bulk.ts), else row by row, in worker threads when a pool exists; committed by
 * commit_certificates.sql.
 */
export function certificateCsvPlan(context: IngestContext): BatchPlan {
  const coding = chosenCoding(context);
  return {
    kind: 'deaths',
    format: 'certificate-csv',
    stage: async (connection, batch) => {
      const chosen = await coding.choose();
      return stageCertificates(connection, context, batch, async (input, place, append, sink) => {
        const bulk = {
          staging: place().staging,
          jurisdiction: batch.jurisdiction,
          pool: context.pool ?? null,
          stagingFile: (table: string) => stagingFileFor(context.db.path, batch.batchId, table),
          log: context.logger,
          onProgress: batch.onProgress,
        };
        if (context.csvBulk !== false && (await stageCertificateCsvInBulk(connection, batch.raw.path, sink, chosen, bulk))) return;
        if (context.pool) await stageInWorkers(input, context.pool, chosen, place, append);
        else for await (const chunk of readCertificateRows(input)) append(stageRecords(chunk, chosen.coder, place()));
      });
    },
    commit: (connection, batch, log) => commitCertificates(connection, coding.get(), batch, log),
  };
}

/** IJE mortality files and VRDR FHIR Bundles (voids and message ids included), coded on this thread. */
export function deathRecordPlan(context: IngestContext, format: 'ije' | 'vrdr'): BatchPlan {
  const read = format === 'ije' ? readIjeRecords : readVrdrRecords;
  const coding = chosenCoding(context);
  return {
    kind: 'deaths',
    format,
    stage: async (connection, batch) => {
      const { coder } = await coding.choose();
      return stageCertificates(connection, context, batch, async (input, place, append) => {
        for await (const results of read(input)) append(stageDeathRecords(results, coder, place()));
      });
    },
    commit: (connection, batch, log) => commitCertificates(connection, coding.get(), batch, log),
  };
}

const CERTIFICATE_STAGING: StagingTables = {
  createSql: loaderSql.get('create_certificate_staging')!,
  codedTable: 'staging_death_coded',
  codedTypes: [VARCHAR, BOOLEAN],
  loadSql: loaderSql.get('load_certificate_staging')!.replaceAll('{{read_staging}}', readStagingCsv(STAGED_CERTIFICATE_COLUMNS)),
};

/** Where the next chunk's rows go: `place()` numbers them on from the rows staged so far; `place(n)` from n. */
type PlaceOf = (firstSeq?: number) => StagingPlace;

/** The staging tables of a certificate batch, filled by `fill` from the raw file. */
async function stageCertificates(
  connection: DuckDBConnection,
  context: IngestContext,
  batch: IncomingBatch,
  fill: (input: fs.ReadStream, place: PlaceOf, append: (staged: StagedBatch) => void, sink: StagingSink) => Promise<void>,
): Promise<StagedCounts> {
  const sink = await StagingSink.open(connection, stagingFileFor(context.db.path, batch.batchId, 'certificates'), CERTIFICATE_STAGING);
  const staging = stagingName(batch.batchId);
  const place: PlaceOf = (firstSeq = sink.valid) => ({ jurisdiction: batch.jurisdiction, staging, firstSeq });
  const input = fs.createReadStream(batch.raw.path);
  try {
    await fill(
      input,
      place,
      (staged) => {
        sink.add(staged);
        batch.onProgress?.(sink.valid + sink.rejected, input.bytesRead);
      },
      sink,
    );
  } catch (error) {
    sink.discard();
    throw error;
  } finally {
    input.destroy();
  }
  return sink.finish(connection);
}

async function commitCertificates(connection: DuckDBConnection, coding: BatchDeathCoding, batch: IncomingBatch, log: Logger): Promise<number> {
  await runScript(connection, loaderSql.get('commit_certificates')!, {
    batch_id: batch.batchId,
    loaded_at: new Date().toISOString(),
    coder: coding.coderVersion,
    lexicon_version: coding.lexiconVersion,
  }, (statement, ms) => log.debug({ ms: Math.round(ms), statement: statement.slice(0, 80) }, 'commit statement'));
  const counted = await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM versioned_certificates');
  return Number(counted.getRowObjects()[0]!.n);
}

/**
 * Template CSV through the coding workers (worker-chunks.ts). Each chunk names the batch's coding
 * (its versions and approved terms): a worker whose coder is another version builds this one
 * first, and fails the chunk if it cannot build exactly it.
 */
function stageInWorkers(input: fs.ReadStream, pool: CodingPool, coding: BatchDeathCoding, place: PlaceOf, append: (staged: StagedBatch) => void): Promise<void> {
  const workerCoding = { coderVersion: coding.coderVersion, lexiconVersion: coding.lexiconVersion, terms: coding.terms };
  return stageCsvInWorkers(input, {
    header: (first, rest) => {
      const positions = columnPositions(first.fields);
      const headerLength = first.fields.length;
      const staged = rest.length > 0 ? stageRecords(rest.map((r) => mapRecord(r, positions, headerLength)), coding.coder, place(0)) : null;
      return { header: { positions: [...positions], headerLength }, staged };
    },
    post: (chunk, header, firstSeq) => pool.stage({ kind: 'csv-text', ...chunk, ...header, ...place(firstSeq) }, workerCoding),
    accept: append,
    inFlight: pool.size * 3,
    emptyFile: 'the file is empty: expected the certificate template header and at least one record',
  });
}
