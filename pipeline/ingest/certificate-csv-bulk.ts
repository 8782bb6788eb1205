/**
 * Certificate template CSV staged by DuckDB's own reader, for speed: a million certificates are
 * a few thousand jurisdictions, dates, ages and counties, and cause texts that certifiers write
 * over and over ("Acute fentanyl toxicity", manner accident), so instead of parsing, validating
 * and coding each certificate in JavaScript, DuckDB reads the raw file on its threads, and
 * JavaScript sees each distinct value once:
 *
 * 1. DuckDB reads the file, every column as text, in file order (csv-bulk-read.ts).
 * 2. The few-valued columns (jurisdiction, death and injury dates, age, sex, counties, manner)
 *    are validated per distinct value with the row validator's own field rules
 *    (certificateFieldValue, certificate-schema.ts), and the jurisdiction against the uploader's.
 * 3. Each distinct (manner, Part I a-d, Part II, how the injury occurred) whose texts need no
 *    trimming is coded once (bulk_certificate_keys.sql), by the code every path codes with
 *    (coded-json.ts), by the coding workers when there are some, through files (codeKeys), so
 *    no batch's keys or results are ever all held in memory.
 * 4. Every row whose fields all pass goes into staging_certificates in one statement
 *    (bulk_certificate_stage.sql); the rest (errors, mostly) are validated row by row in
 *    JavaScript exactly as the streaming path does, so every message is the same.
 *
 * The file is taken this way only when DuckDB reads it as our parser would (csv-bulk-read.ts);
 * otherwise `stageCertificateCsvInBulk` declines before staging anything, and the batch goes the
 * streaming way (certificate-batch.ts), which also reports file-level errors.
 */
import fs from 'node:fs';
import { SMALLINT, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { Logger } from 'pino';
import { columnPositions, validateRowRecord } from '../formats/certificate-csv.ts';
import { readCsvTextChunks, type CsvTextChunk } from '../formats/csv-chunks.ts';
import { CERTIFICATE_COLUMNS, CERTIFICATE_OPTIONAL_COLUMNS, type CertificateRow } from '../records/certificate.ts';
import { certificateFieldValue, MAX_CERTIFICATE_ID, MAX_TEXT, type CertificateValueField } from '../records/certificate-schema.ts';
import { ChunkAppender } from '../store/chunk-appender.ts';
import { readSqlFiles, runScript } from '../store/sql-files.ts';
import type { BatchDeathCoding } from './batch-runner.ts';
import { codeDeathKeyCsv, readCodedRows } from './coded-json.ts';
import type { CodingPool } from './coding-pool.ts';
import { codingProgress, declined, dropTables, inInsertionOrder, keyJoin, lineOfRow, NULL_TEXT, readBulkHeader, readCsvIntoTable, stepTimer } from './csv-bulk-read.ts';
import { fromTemplateResult, stageDeathRecords } from './death-records.ts';
import { loadStagingFile, type StagingCsvFile } from './staging-csv.ts';
import type { StagingSink } from './staging-sink.ts';

const loaderSql = readSqlFiles('loader');
const KNOWN_COLUMNS: readonly string[] = [...CERTIFICATE_COLUMNS, ...CERTIFICATE_OPTIONAL_COLUMNS];
const VALUE_FIELDS: readonly CertificateValueField[] = ['jurisdiction', 'death_date', 'age', 'sex', 'residence_county_fips', 'occurrence_county_fips', 'manner', 'injury_date'];
const BULK_TABLES = ['bulk_certificate_rest', 'bulk_certificate_values', 'bulk_certificate_keys', 'bulk_certificate_rows'];

/** Rows left for JavaScript read back from DuckDB at a time. */
const PAGE_ROWS = 20_000;
/** Characters of the key file coded in one piece (~3,300 generated keys: ~0.1 s in a worker, or on this thread between two turns of the event loop). */
const KEY_CHUNK_CHARS = 256 * 1024;
/** The coded rows' file (codeDeathKeyCsv). */
const READ_CODED = readCodedRows({ coded_id: 'BIGINT', coded: 'VARCHAR', is_drug_overdose: 'BOOLEAN' });

interface Header {
  positions: Map<string, number>;
  length: number;
}

export interface BulkCertificateOptions {
  staging: string;
  jurisdiction: string | null;
  /** Coding workers to code the keys, or none (this thread codes them). */
  pool?: CodingPool | null;
  /** A new staging file of the batch (staging-csv.ts), for the keys and their coded results. */
  stagingFile: (table: string) => StagingCsvFile;
  log?: Logger;
  onProgress?: (recordsRead: number, bytesRead: number) => void;
  /** Tests: join the rows to their keys by every column, as when two keys share a hash. */
  joinKeysByColumns?: boolean;
  /** Tests: rows staged per statement (default STAGE_SLICE_ROWS). */
  stageSliceRows?: number;
}

/**
 * Stages a certificate template file through DuckDB's reader (see above). Returns false, having
 * staged nothing, when the file must go the streaming way instead.
 */
export async function stageCertificateCsvInBulk(
  connection: DuckDBConnection,
  rawPath: string,
  sink: StagingSink,
  coding: BatchDeathCoding,
  options: BulkCertificateOptions,
): Promise<boolean> {
  const started = performance.now();
  const { steps, step } = stepTimer();
  const header = templateHeader(rawPath);
  if (header === null) return declined(options.log, 'certificate CSV', 'the header is not one line of the template followed by a record');
  const fields = KNOWN_COLUMNS.map((column) => (header.positions.has(column) ? `c${header.positions.get(column)} AS ${column}` : `'' AS ${column}`)).join(', ');
  const read = await step('read', () => readCsvIntoTable(connection, rawPath, header.length, 'bulk_certificate_rows', fields));
  if ('refused' in read) return declined(options.log, 'certificate CSV', read.refused);
  const progress = codingProgress(read, options.onProgress);
  progress(0);

  const limits = (sql: string) => sql.replaceAll('{{max_text}}', String(MAX_TEXT)).replaceAll('{{max_id}}', String(MAX_CERTIFICATE_ID));
  await runScript(connection, loaderSql.get('bulk_certificate_tables')!);
  await step('values', () => writeFieldValues(connection, options.jurisdiction));
  const codedFile = options.stagingFile('certificate_coded');
  let keys: number;
  try {
    keys = await step('code', () => codeKeys(connection, coding, options, limits, codedFile, progress));
    // After the coding, not beside it: DuckDB's threads and the coding workers side by side on two
    // cores took longer than one after the other (15.5-17.1 s against ~14 s for 1M certificates).
    const logStatement = (statement: string, ms: number) => options.log?.debug({ ms: Math.round(ms), statement: statement.slice(0, 80) }, 'bulk statement');
    const stageSql = limits(loaderSql.get('bulk_certificate_stage')!).replaceAll('{{line}}', lineOfRow(read)).replaceAll('{{key_join}}', await keyJoin(connection, 'bulk_certificate_keys', 'cause_hash', CAUSE_COLUMNS, options.joinKeysByColumns === true));
    const slice = options.stageSliceRows ?? STAGE_SLICE_ROWS;
    await step('stage', async () => {
      for (let from = 0; from < read.records; from += slice) await runScript(connection, stageSql, { from_seq: from, to_seq: from + slice }, logStatement);
    });
    // The coded results (~240 MB of JSON for 1M certificates) go in after the rows: they would
    // take that much of DuckDB's memory limit while it stages them.
    await step('coded', () => loadStagingFile(connection, codedFile, `INSERT INTO staging_death_coded SELECT * FROM ${READ_CODED}`));
  } finally {
    codedFile.remove();
  }
  const staged = Number((await connection.runAndReadAll('SELECT count(*) FROM staging_certificates')).getRows()[0]![0]);
  sink.countStagedElsewhere(staged);
  await step('rest', () => stageTheRest(connection, sink, coding, header, options));
  await connection.run('DROP VIEW IF EXISTS bulk_certificate_lines');
  await dropTables(connection, BULK_TABLES);
  progress(1);
  options.log?.debug({ records: read.records, keys, inBulk: staged, ms: Math.round(performance.now() - started), steps }, 'certificate CSV staged in bulk');
  return true;
}

/** The header's column positions, when the file starts with a one-line template header and a record on line 2. */
function templateHeader(rawPath: string): Header | null {
  const fields = readBulkHeader(rawPath);
  if (fields === null) return null;
  try {
    return { positions: columnPositions(fields), length: fields.length };
  } catch {
    return null; // not the template's header: the streaming path says what is missing
  }
}

/**
 * The distinct values of the few-valued columns, each as the row validator reads it; an invalid
 * value is left out, and so is another jurisdiction than the uploader's, so their rows fall to
 * JavaScript.
 */
async function writeFieldValues(connection: DuckDBConnection, jurisdiction: string | null): Promise<void> {
  const distinct = await connection.runAndReadAll(VALUE_FIELDS.map((field) => `SELECT DISTINCT '${field}' AS field, ${field} AS raw FROM bulk_certificate_rows`).join(' UNION ALL '));
  const appender = await ChunkAppender.create(connection, 'bulk_certificate_values', [VARCHAR, VARCHAR, VARCHAR, SMALLINT]);
  try {
    for (const [field, raw] of distinct.getRows() as [CertificateValueField, string | null][]) {
      if (raw === null) continue; // the null string's own text: its rows fall to JavaScript (stageTheRest)
      const value = certificateFieldValue(field, raw);
      if (value === undefined) continue;
      if (field === 'jurisdiction' && jurisdiction !== null && value !== jurisdiction) continue;
      appender.add(field === 'age' ? [field, raw, null, value as number | null] : [field, raw, value as string | null, null]);
    }
  } finally {
    appender.close();
  }
}

/**
 * Codes every key and stages each result under -key_id (the ids of results staged row by row,
 * newStagedId, are positive, so the two never meet). DuckDB writes the keys to a CSV file, which
 * is cut into chunks of whole records; each chunk is coded (codeDeathKeyCsv) into the rows of
 * staging_death_coded as text, written to `codedFile`, which DuckDB reads later. Text
 * is what is cheap to move: reading 344k keys back through the client API (getRows) and
 * appending their JSON through the Appender took this thread ~3.5 s of the cores the coding
 * wanted. With coding workers, they code and this thread only feeds them. Two workers are not
 * twice one: the 1M file's 343,646 keys took one worker 17.4-19.9 s and two 16.5-17.4 s (session
 * 24, cb2033c), both cores busy, each worker's coding slower beside the other's: the coder is
 * bound by memory and garbage collection more than by arithmetic. Returns how many keys were coded.
 */
async function codeKeys(
  connection: DuckDBConnection,
  coding: BatchDeathCoding,
  options: BulkCertificateOptions,
  limits: (sql: string) => string,
  codedFile: StagingCsvFile,
  progress: (doneShare: number) => void,
): Promise<number> {
  const keysFile = options.stagingFile('certificate_keys');
  keysFile.close(); // DuckDB writes it
  try {
    const sql = limits(loaderSql.get('bulk_certificate_keys')!).replaceAll('{{keys_file}}', keysFile.filePath.replaceAll("'", "''"));
    await inInsertionOrder(connection, () => runScript(connection, sql));
    const { pool } = options;
    const workerCoding = { coderVersion: coding.coderVersion, lexiconVersion: coding.lexiconVersion, terms: coding.terms };
    const running = new Set<Promise<void>>();
    let header = true;
    const input = fs.createReadStream(keysFile.filePath);
    const keyBytes = fs.statSync(keysFile.filePath).size;
    let codedBytes = 0;
    const coded = (chunk: CsvTextChunk, rows: string) => {
      codedFile.write(rows);
      codedBytes += Buffer.byteLength(chunk.text);
      progress(codedBytes / keyBytes);
    };
    try {
      for await (const chunk of readCsvTextChunks(input, KEY_CHUNK_CHARS)) {
        if (header) {
          header = false; // the header record alone
          continue;
        }
        if (!pool) {
          coded(chunk, codeDeathKeyCsv(chunk.text, chunk.firstLine, coding.coder));
          await new Promise((resolve) => setImmediate(resolve)); // let the loop run between chunks
          continue;
        }
        const work: Promise<void> = pool.codeDeathKeyCsv(chunk.text, chunk.firstLine, workerCoding).then((rows) => {
          coded(chunk, rows);
          running.delete(work);
        });
        running.add(work);
        while (running.size >= pool.size * 3) await Promise.race(running);
      }
    } finally {
      input.destroy();
      await Promise.allSettled(running); // a failure part-way leaves no answer unobserved
    }
    await Promise.all(running);
  } finally {
    keysFile.remove();
  }
  return Number((await connection.runAndReadAll('SELECT count(*) FROM bulk_certificate_keys')).getRows()[0]![0]);
}

/**
 * Rows staged by one statement (bulk_certificate_stage.sql): the memory it needs is a slice's,
 * whatever the file's size. 4M certificates in one statement ran out of the 1 GB limit in 4 of 12
 * runs; in slices every run of 4M and 6M loaded (8). The 1M file's two slices took 1.9 s each,
 * on a day this machine ran ~45% slower than the day one statement took 2.7-4.2 s (bench/README).
 */
const STAGE_SLICE_ROWS = 500_000;

/** A key's columns, as bulk_certificate_keys and the rows (bulk_certificate_lines) both name them. */
const CAUSE_COLUMNS = ['manner', 'part1_a', 'part1_b', 'part1_c', 'part1_d', 'part2', 'how_injury'].map((c) => ({ key: c, row: `r.${c}` }));

/** The rows bulk_certificate_stage.sql did not take, validated, coded and staged one by one as the streaming path does. */
async function stageTheRest(connection: DuckDBConnection, sink: StagingSink, coding: BatchDeathCoding, header: Header, options: BulkCertificateOptions): Promise<void> {
  await connection.run('CREATE OR REPLACE TEMP TABLE bulk_certificate_rest AS SELECT l.* FROM bulk_certificate_lines l ANTI JOIN staging_certificates s ON s.seq = l.seq');
  const present = KNOWN_COLUMNS.filter((column) => header.positions.has(column));
  for (let after = -1; ; ) {
    const page = await connection.runAndReadAll(`SELECT seq, line, ${present.join(', ')} FROM bulk_certificate_rest WHERE seq > $after ORDER BY seq LIMIT ${PAGE_ROWS}`, { after });
    const rows = page.getRows() as [bigint, number | bigint, ...(string | null)[]][];
    if (rows.length === 0) break;
    for (const [seq, line, ...values] of rows) {
      const row: Record<string, string> = {};
      present.forEach((column, i) => (row[column] = values[i] ?? NULL_TEXT));
      const result = fromTemplateResult(validateRowRecord({ line: Number(line), row: row as CertificateRow, shortBy: null }));
      sink.add(stageDeathRecords([result], coding.coder, { staging: options.staging, jurisdiction: options.jurisdiction, firstSeq: Number(seq) }));
    }
    after = Number(rows[rows.length - 1]![0]);
  }
}
