/**
 * Staging through a CSV file that DuckDB reads itself. A batch's records are written as typed,
 * flat CSV rows (one fixed dialect, below) to a file beside the database, and one
 * `INSERT ... SELECT ... FROM read_csv(...)` moves them into the staging table: DuckDB parses
 * the file on all its threads, in C++. The Appender takes one call into DuckDB per value
 * (`vector_assign_string_element` per string), which measured ~5 s of the main thread for
 * 1M ED visits staged as two JSON texts each, and the JSON then had to be parsed again in the
 * commit (1.5 s); building the same rows as CSV text costs about a tenth of that.
 *
 * The dialect: comma-separated, LF-terminated; every text value quoted ("" for a quote inside),
 * so an unquoted empty field is NULL and a quoted one the empty string; a list of texts is one
 * field, its items joined by U+001F (the unit separator, which no code, id or drug class holds).
 * The file lives only while its batch stages: it is read, then deleted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import type { DuckDBConnection } from '@duckdb/node-api';

const QUOTE = /"/g;
export const LIST_SEPARATOR = '\u001f';

/** A text value as a CSV field (null → an empty, unquoted field: NULL). */
export function csvText(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return value.indexOf('"') < 0 ? `"${value}"` : `"${value.replace(QUOTE, '""')}"`;
}

/**
 * A list of texts as one CSV field, read back by string_split on U+001F (an empty field is the
 * empty list, so a list of one empty text cannot be staged: codes never are empty).
 */
export function csvList(values: readonly string[]): string {
  for (const value of values) {
    if (value.indexOf(LIST_SEPARATOR) >= 0) throw new Error(`a staged list item holds the unit separator U+001F: ${JSON.stringify(value)}`);
  }
  return csvText(values.join(LIST_SEPARATOR));
}

/** A number, or NULL. */
export function csvNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/** Where a database's staging files go: beside the database file (same disk), or the system's temporary folder for an in-memory one. */
export function stagingDirectory(databasePath: string): string {
  return databasePath === ':memory:' ? path.join(os.tmpdir(), 'vigil-staging') : `${databasePath}.staging`;
}

/** Deletes staging files a stopped process left behind (only one process owns a database). */
export function clearStagingDirectory(databasePath: string): void {
  if (databasePath === ':memory:') return; // shared by every in-memory database of the machine
  fs.rmSync(stagingDirectory(databasePath), { recursive: true, force: true });
}

/** Where a chunk's staged rows go: which staging (one per batch staged), and the first row's seq. */
export interface StagingPlace {
  /** The only jurisdiction this batch may hold (an uploader's own), or null for any. */
  jurisdiction: string | null;
  staging: string;
  firstSeq: number;
}

/**
 * True the first time a remembered coded result meets this staging (it is then marked): a batch
 * is given each coded result once, however many of its records share it.
 */
export function firstTimeIn(coded: { stagedIn: string | null }, staging: string): boolean {
  if (coded.stagedIn === staging) return false;
  coded.stagedIn = staging;
  return true;
}

/** The staged chunk of a chunk whose CSV quoting is broken: nothing in it, and where (the whole file is then rejected). */
export function brokenChunk(error: { line: number; message: string }) {
  return { rows: '', coded: [], errors: [], valid: 0, rejected: 0, syntaxError: { line: error.line, message: error.message.replace(/^line \d+: /, '') } };
}

const ID_THREAD_FACTOR = 2 ** 40;
let idsMade = 0;

/**
 * An id for a staged coded result, unique in the process: the thread's number in the high bits,
 * so ids made on the main thread and in each coding worker never meet.
 */
export function newStagedId(): number {
  return threadId * ID_THREAD_FACTOR + ++idsMade;
}

// Small writes: rows buffered longer survive young-generation collections and are copied by each
// (a 1 MiB buffer measured 8.4 s of scavenges in a 1M-visit batch, 64 KiB 2.9 s).
const FLUSH_CHARS = 1 << 16;

/** A staging file being written: rows appended as CSV text, buffered into ~1 MiB writes. */
export class StagingCsvFile {
  private readonly fd: number;
  private buffer = '';
  private closed = false;

  constructor(readonly filePath: string) {
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    this.fd = fs.openSync(filePath, 'w');
  }

  /** Appends whole rows (each ending with LF). */
  write(rows: string): void {
    this.buffer += rows;
    if (this.buffer.length >= FLUSH_CHARS) this.flush();
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    fs.closeSync(this.fd);
    this.closed = true;
  }

  /** Closes (if open) and deletes the file. */
  remove(): void {
    this.close();
    fs.rmSync(this.filePath, { force: true });
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    fs.writeSync(this.fd, this.buffer);
    this.buffer = '';
  }
}

/** The staging file of one table of one batch. */
export function stagingFileFor(databasePath: string, batchId: string, table: string): StagingCsvFile {
  return new StagingCsvFile(path.join(stagingDirectory(databasePath), `${batchId}.${table}.${process.pid}.csv`));
}

/**
 * A read_csv call over the file named by the parameter `$<pathParameter>`, with `columns` (name →
 * DuckDB type, in file order) and nothing guessed: RFC 4180 quoting, strict, and a 2 MiB line
 * limit with an 8 MiB buffer (fields are at most 10,000 characters; the default buffer, 16 × the
 * line limit per thread, ran DuckDB out of memory at 4M certificates). `options` adds to these.
 */
export function readCsvCall(pathParameter: string, columns: readonly (readonly [string, string])[], options: string): string {
  const spec = columns.map(([name, type]) => `'${name}': '${type}'`).join(', ');
  return (
    `read_csv($${pathParameter}, header = false, delim = ',', quote = '"', escape = '"', auto_detect = false, strict_mode = true, ` +
    `allow_quoted_nulls = false, max_line_size = 2097152, buffer_size = 8388608, ${options}, columns = {${spec}})`
  );
}

/** The read_csv call for a staging file of `columns`, with the path as the `$staging_path` parameter: the dialect above. */
export function readStagingCsv(columns: readonly (readonly [string, string])[]): string {
  return readCsvCall('staging_path', columns, `new_line = '\\n'`);
}

/** Runs `sql` (which reads the file through `readStagingCsv`) over the closed staging file, then deletes it. */
export async function loadStagingFile(connection: DuckDBConnection, file: StagingCsvFile, sql: string): Promise<void> {
  try {
    file.close();
    await connection.run(sql, { staging_path: file.filePath });
  } finally {
    file.remove();
  }
}
