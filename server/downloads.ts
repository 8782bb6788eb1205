/**
 * Tabular downloads: CSV (RFC 4180) and Parquet, as attachments a spreadsheet or a notebook opens.
 *
 * CSV: a header line, then one line per row, CRLF line ends, fields quoted when they hold a comma,
 * quote or line break; empty for null. A spreadsheet user reads what a cell means in the sheet, so
 * each row ends with a `note` column in words ("suppressed", "unreliable: fewer than 20"); the
 * response-level methods and suppression notes travel in the X-Vigil-Notes header (ASCII, joined
 * with " | ") for scripts. Parquet: the rows are staged as NDJSON in a temporary directory, written
 * by DuckDB (COPY ... FORMAT parquet, sql/queries/download_parquet.sql), streamed, then deleted.
 * Paths are made here, never taken from a request.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { structValue } from '@duckdb/node-api';
import type { Response } from 'express';
import { csvField } from '../pipeline/formats/csv.ts';
import type { ColumnSpec } from '../pipeline/stats/aggregates/columns.ts';
import type { Database } from '../pipeline/store/database.ts';
import type { QueryCatalog } from '../pipeline/store/sql-files.ts';

export const CSV_MEDIA_TYPE = 'text/csv';
export const PARQUET_MEDIA_TYPE = 'application/vnd.apache.parquet';

export type DownloadRow = Readonly<Record<string, unknown>>;

/** One field: empty for null (and a non-finite number), quoted as RFC 4180 needs (pipeline/formats/csv.ts). */
function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && !Number.isFinite(value)) return '';
  return csvField(String(value));
}

/** RFC 4180 text: the columns given, then `note` from `noteOf` when given. */
export function toCsv(columns: readonly Pick<ColumnSpec, 'name'>[], rows: readonly DownloadRow[], noteOf?: (row: DownloadRow) => string): string {
  const names = columns.map((c) => c.name);
  const lines = [[...names, ...(noteOf ? ['note'] : [])].map(csvValue).join(',')];
  for (const row of rows) lines.push([...names.map((n) => csvValue(row[n])), ...(noteOf ? [csvValue(noteOf(row))] : [])].join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Notes as one header value: printable ASCII only (a header cannot carry more), joined with " | ". */
export function notesHeader(notes: readonly string[]): string {
  return notes.map((n) => n.replace(/[^\x20-\x7e]/g, '?')).join(' | ');
}

/** The headers of a download: its file name, its notes, and both readable by a dashboard's script. */
export function attachmentHeaders(fileName: string, notes: readonly string[]): Record<string, string> {
  return {
    'Content-Disposition': `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    'X-Vigil-Notes': notesHeader(notes),
    'Access-Control-Expose-Headers': 'X-Vigil-Notes, Content-Disposition',
  };
}

function attachment(response: Response, fileName: string, notes: readonly string[]): void {
  for (const [name, value] of Object.entries(attachmentHeaders(fileName, notes))) response.set(name, value);
}

export function sendCsv(response: Response, download: { fileName: string; columns: readonly ColumnSpec[]; rows: readonly DownloadRow[]; notes: readonly string[]; noteOf?: (row: DownloadRow) => string }): void {
  attachment(response, download.fileName, download.notes);
  response.type(`${CSV_MEDIA_TYPE}; charset=utf-8; header=present`).send(toCsv(download.columns, download.rows, download.noteOf));
}

const DUCKDB_TYPES: Record<ColumnSpec['type'], string> = { utf8: 'VARCHAR', int32: 'INTEGER', float64: 'DOUBLE', bool: 'BOOLEAN' };

/** Writes the rows to a Parquet file in a new temporary directory; the caller deletes the directory. */
export async function writeParquet(db: Database, queries: QueryCatalog, columns: readonly ColumnSpec[], rows: readonly DownloadRow[]): Promise<{ directory: string; file: string }> {
  const directory = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'vigil-download-'));
  try {
    const source = path.join(directory, 'rows.ndjson');
    const file = path.join(directory, 'rows.parquet');
    const out = fs.createWriteStream(source);
    // read_json matches fields by name (the columns struct), so rows go out as they are, in chunks.
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000).map((row) => JSON.stringify(row)).join('\n') + '\n';
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    const connection = await db.connect();
    try {
      await connection.run(queries.sql('download_parquet'), {
        source,
        target: file,
        columns: structValue(Object.fromEntries(columns.map((c) => [c.name, DUCKDB_TYPES[c.type]]))),
      });
    } finally {
      connection.closeSync();
    }
    return { directory, file };
  } catch (error) {
    await fs.promises.rm(directory, { recursive: true, force: true });
    throw error;
  }
}

export async function sendParquet(
  response: Response,
  db: Database,
  queries: QueryCatalog,
  download: { fileName: string; columns: readonly ColumnSpec[]; rows: readonly DownloadRow[]; notes: readonly string[] },
): Promise<void> {
  const { directory, file } = await writeParquet(db, queries, download.columns, download.rows);
  attachment(response, download.fileName, download.notes);
  response.type(PARQUET_MEDIA_TYPE);
  // Streamed by Express (length, ranges, errors), and deleted once sent or abandoned, however it ends.
  await new Promise<void>((resolve, reject) => {
    response.sendFile(file, { dotfiles: 'allow', lastModified: false, etag: false, cacheControl: false }, (error?: Error) => {
      void fs.promises.rm(directory, { recursive: true, force: true });
      if (error && !response.headersSent) reject(error);
      else resolve();
    });
  });
}
