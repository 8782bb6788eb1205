/**
 * Where a batch's staged chunks go, whatever the kind: record rows to the batch's staging CSV
 * file (staging-csv.ts), each coded result (few: one per distinct text) and each error row to its
 * table through the Appender. `finish` has DuckDB read the file into the staging table.
 */
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { BIGINT, INTEGER, VARCHAR } from '@duckdb/node-api';
import { ChunkAppender } from '../store/chunk-appender.ts';
import { runScript } from '../store/sql-files.ts';
import type { StagedCounts } from './batch-runner.ts';
import { loadStagingFile, type StagingCsvFile } from './staging-csv.ts';
import type { ErrorRow } from './staging-rows.ts';

/** A chunk as every kind stages it: rows as CSV text, coded results `[id, ...values]`, errors. */
export interface StagedChunk {
  rows: string;
  coded: readonly (readonly [number, ...DuckDBValue[]])[];
  errors: readonly ErrorRow[];
  valid: number;
  rejected: number;
}

export interface StagingTables {
  /** Creates the batch's staging tables (temporary). */
  createSql: string;
  /** The coded results' table and its column types after the BIGINT id. */
  codedTable: string;
  codedTypes: readonly DuckDBType[];
  /** Moves the staging file into the records' staging table ($staging_path). */
  loadSql: string;
}

const ERROR_TYPES = [INTEGER, VARCHAR, VARCHAR, VARCHAR];

export class StagingSink {
  valid = 0;
  rejected = 0;

  private constructor(
    private readonly file: StagingCsvFile,
    private readonly loadSql: string,
    private readonly coded: ChunkAppender,
    private readonly errors: ChunkAppender,
  ) {}

  static async open(connection: DuckDBConnection, file: StagingCsvFile, tables: StagingTables): Promise<StagingSink> {
    await runScript(connection, tables.createSql);
    const coded = await ChunkAppender.create(connection, tables.codedTable, [BIGINT, ...tables.codedTypes]);
    return new StagingSink(file, tables.loadSql, coded, await ChunkAppender.create(connection, 'staging_errors', ERROR_TYPES));
  }

  add(chunk: StagedChunk): void {
    this.file.write(chunk.rows);
    for (const [id, ...values] of chunk.coded) this.coded.add([BigInt(id), ...values]);
    for (const error of chunk.errors) this.errors.add(error);
    this.valid += chunk.valid;
    this.rejected += chunk.rejected;
  }

  /** Counts valid records put into the records' staging table by SQL, not through the file (ed-csv-bulk.ts). */
  countStagedElsewhere(valid: number): void {
    this.valid += valid;
  }

  /** Closes the appenders, then has DuckDB read the staging file (deleted after). */
  async finish(connection: DuckDBConnection): Promise<StagedCounts> {
    this.closeAppenders();
    await loadStagingFile(connection, this.file, this.loadSql);
    return { recordsRead: this.valid + this.rejected, recordsValid: this.valid, recordsRejected: this.rejected };
  }

  /** Closes everything and deletes the staging file: the batch failed. */
  discard(): void {
    this.closeAppenders();
    this.file.remove();
  }

  private closeAppenders(): void {
    this.coded.close();
    this.errors.close();
  }
}

/** A name for one staging of a batch, so each coded result is given to it once (ed-staging.ts, coded-json.ts). */
export function stagingName(batchId: string): string {
  return `${batchId}:${process.hrtime.bigint()}`;
}

/**
 * Worker chunks number their records from chunkIndex × SEQ_PER_CHUNK, so file order holds without
 * counting first: a chunk holds about 1 MiB of text (csv-chunks.ts), far fewer records than this.
 */
export const SEQ_PER_CHUNK = 2 ** 24;
