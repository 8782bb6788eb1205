/**
 * Tabular responses as Arrow IPC streams (application/vnd.apache.arrow.stream): compact, typed,
 * and read by the dashboard without parsing JSON.
 */
import { Bool, Float64, Int32, Table, Utf8, tableToIPC, vectorFromArray, type DataType } from 'apache-arrow';
import type { Response } from 'express';

export const ARROW_MEDIA_TYPE = 'application/vnd.apache.arrow.stream';

export type ColumnType = 'utf8' | 'int32' | 'float64' | 'bool';

const ARROW_TYPES: Record<ColumnType, () => DataType> = {
  utf8: () => new Utf8(),
  int32: () => new Int32(),
  float64: () => new Float64(),
  bool: () => new Bool(),
};

/** Encodes rows as an Arrow IPC stream with the declared column types (nulls allowed). */
export function rowsToArrow(rows: readonly Record<string, unknown>[], columns: Readonly<Record<string, ColumnType>>): Uint8Array {
  const vectors = Object.fromEntries(
    Object.entries(columns).map(([name, type]) => {
      const values = rows.map((row) => {
        const value = row[name];
        if (value === null || value === undefined) return null;
        return type === 'utf8' ? String(value) : type === 'bool' ? value === true : Number(value);
      });
      return [name, vectorFromArray(values, ARROW_TYPES[type]())];
    }),
  );
  return tableToIPC(new Table(vectors), 'stream');
}

export function sendArrow(response: Response, bytes: Uint8Array): void {
  response.type(ARROW_MEDIA_TYPE).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
