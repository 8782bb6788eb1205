/**
 * The first step of the bulk CSV paths (ed-csv-bulk.ts, certificate-csv-bulk.ts): DuckDB reads a
 * batch's raw file itself, on its threads, every column as text and in file order, into a
 * temporary table; and the file is read this way only when DuckDB reads it as our parser
 * (csv.ts) would. Otherwise the caller declines, having staged nothing, and the batch goes the
 * streaming way, which also reports file-level errors.
 *
 * A file is refused when: the header is not one line followed by a record; a field starts with
 * spaces before a quote (DuckDB and csv.ts read that differently); DuckDB cannot read it (a row
 * with too many or too few fields, a quote in an unquoted field after text, mixed line endings,
 * invalid UTF-8, ...); or its line breaks are not the records' plus the header's (a blank line
 * inside), which line numbers rely on.
 */
import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Logger } from 'pino';
import { CsvParser, CsvSyntaxError } from '../formats/csv.ts';
import { prescanCsv } from '../formats/csv-prescan.ts';
import { readSqlFiles, runScript } from '../store/sql-files.ts';
import { readCsvCall } from './staging-csv.ts';

const loaderSql = readSqlFiles('loader');

/**
 * DuckDB's null string, which no field should be: with it, an empty field is '' (the validator's
 * blank), never NULL. A field that is this text comes back NULL; the callers put it back when they
 * hand such a row to the row validator.
 */
export const NULL_TEXT = 'vigil:not-a-null:8c1e0f';
/** How much of the file's start is parsed for the header. */
const HEAD_BYTES = 1 << 20;

/** The header's fields, when the file starts with a one-line header and a record on line 2; else null. */
export function readBulkHeader(rawPath: string): string[] | null {
  const fd = fs.openSync(rawPath, 'r');
  const bytes = Buffer.alloc(HEAD_BYTES);
  const length = fs.readSync(fd, bytes, 0, HEAD_BYTES, 0);
  fs.closeSync(fd);
  let records;
  try {
    records = new CsvParser(1).push(bytes.subarray(0, length).toString('utf8'));
  } catch (error) {
    if (error instanceof CsvSyntaxError) return null;
    throw error;
  }
  if (records.length < 2 || records[0]!.line !== 1 || records[1]!.line !== 2) return null;
  return records[0]!.fields;
}

/** Line breaks in one text column as csv.ts counts them: LF, CR, and CRLF once. */
function breaksIn(column: string): string {
  const count = (text: string) => `(strlen(${column}) - strlen(replace(${column}, ${text}, '')))`;
  return `CASE WHEN contains(${column}, chr(10)) OR contains(${column}, chr(13)) THEN ${count('chr(10)')} + ${count('chr(13)')} - ${count('chr(13) || chr(10)')} // 2 ELSE 0 END`;
}

export interface BulkRead {
  records: number;
  /** Line breaks inside the rows' fields (0 in most files: then a row's line is 2 + rowid). */
  breaks: number;
  bytes: number;
}

/**
 * Reads the raw file into `table`: the columns `fields` picks from the file's columns (named c0,
 * c1, ... by position; e.g. `c3 AS age, '' AS race`), a `breaks` column, and rowid in file order.
 * Returns why the file is refused instead, with the table dropped.
 */
export async function readCsvIntoTable(
  connection: DuckDBConnection,
  rawPath: string,
  headerLength: number,
  table: string,
  fields: string,
): Promise<BulkRead | { refused: string }> {
  const prescan = prescanCsv(rawPath); // on the loop's turns while DuckDB reads
  const columns = Array.from({ length: headerLength }, (_, i) => `c${i}`);
  // No null padding: DuckDB cannot pad rows in parallel when quoted fields hold line breaks, so a short
  // row is an error and the file goes the streaming way, which reports it.
  const readCsv = readCsvCall('raw_path', columns.map((c) => [c, 'VARCHAR']), `skip = 1, nullstr = '${NULL_TEXT}'`);
  const sql = loaderSql
    .get('bulk_read')!
    .replaceAll('{{table}}', table)
    .replaceAll('{{read_csv}}', readCsv)
    .replaceAll('{{fields}}', fields)
    .replaceAll('{{breaks}}', columns.map(breaksIn).join(' + '));
  let error: string | null = null;
  try {
    await inInsertionOrder(connection, () => runScript(connection, sql, { raw_path: rawPath }));
  } catch (thrown) {
    error = (thrown as Error).message;
  }
  const scan = await prescan;
  if (error !== null) return refused(connection, table, `DuckDB could not read it: ${error.split('\n')[0]}`);
  const [records, breaks] = (await connection.runAndReadAll(`SELECT count(*), coalesce(sum(breaks), 0)::BIGINT FROM ${table}`)).getRows()[0]!.map(Number) as [number, number];
  if (scan.spaceBeforeQuote) return refused(connection, table, 'a field starts with spaces before a quote');
  if (scan.lineBreaks !== records + breaks + scan.finalBreaks) {
    return refused(connection, table, `its ${scan.lineBreaks} line breaks are not those of ${records} records and a header (a blank line inside?)`);
  }
  return { records, breaks, bytes: fs.statSync(rawPath).size };
}

/**
 * Runs `work` with preserve_insertion_order on for this connection (the database runs with it
 * off, which lets DuckDB load in parallel): a table read from a file then has its rows' rowids in
 * file order, and a COPY of an ordered query writes them in order.
 */
export async function inInsertionOrder<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  const before = (await connection.runAndReadAll(`SELECT current_setting('preserve_insertion_order')`)).getRows()[0]![0];
  await connection.run('SET SESSION preserve_insertion_order = true');
  try {
    return await work();
  } finally {
    await connection.run(`SET SESSION preserve_insertion_order = ${before === true}`);
  }
}

async function refused(connection: DuckDBConnection, table: string, reason: string): Promise<{ refused: string }> {
  await connection.run(`DROP TABLE IF EXISTS ${table}`);
  return { refused: reason };
}

/** A row's line in the file, as SQL over the read table: 2 + rowid, plus the breaks inside the rows before it. */
export function lineOfRow(read: BulkRead): string {
  return read.breaks === 0 ? '2 + rowid' : '2 + rowid + coalesce(sum(breaks) OVER (ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)';
}

/**
 * Progress of a bulk staging, for the batch's progress bar and API: the records and bytes are
 * those of the whole file (DuckDB has read it all), reported as the share of the coding done,
 * the long step, so the bar moves with the work instead of reaching its end once the file is read.
 */
export function codingProgress(read: BulkRead, onProgress: ((recordsRead: number, bytesRead: number) => void) | undefined): (doneShare: number) => void {
  return (doneShare) => onProgress?.(Math.round(read.records * doneShare), Math.round(read.bytes * doneShare));
}

/** Logs why a file goes row by row, and says so (false). */
export function declined(log: Logger | undefined, what: string, reason: string): false {
  log?.info({ reason }, `${what} read row by row, not in bulk`);
  return false;
}

/** Times each named step of a bulk staging, for its debug log line. */
export function stepTimer() {
  const steps: Record<string, number> = {};
  return {
    steps,
    async step<T>(name: string, work: () => Promise<T>): Promise<T> {
      const from = performance.now();
      const result = await work();
      steps[name] = Math.round(performance.now() - from);
      return result;
    },
  };
}

/**
 * How a row finds its key, the distinct combination of its columns the module codes once: by the
 * hash of those columns when no two keys in `keys` share one (`hashColumn`), so equal hashes mean
 * equal keys (every row staged has its key among them), else, if ever, by every column. A key's
 * hash and id are then all the join holds: joining on the key's texts held every key's texts in
 * the join's hash table (with 4M certificates more than the 1 GB memory limit). The statement
 * names the keys' table `k`; `columns` pairs each key column with the row's expression for it;
 * `byColumns` (tests) forces the second way.
 */
export async function keyJoin(
  connection: DuckDBConnection,
  keys: string,
  hashColumn: string,
  columns: readonly { key: string; row: string }[],
  byColumns: boolean,
): Promise<string> {
  const shared = byColumns ? 1 : Number((await connection.runAndReadAll(`SELECT count(*) - count(DISTINCT ${hashColumn}) FROM ${keys}`)).getRows()[0]![0]);
  if (shared > 0) return columns.map((c) => `k.${c.key} = ${c.row}`).join(' AND ');
  return `k.${hashColumn} = hash(${columns.map((c) => c.row).join(', ')})`;
}

export async function dropTables(connection: DuckDBConnection, tables: readonly string[]): Promise<void> {
  for (const table of tables) await connection.run(`DROP TABLE IF EXISTS ${table}`);
}
