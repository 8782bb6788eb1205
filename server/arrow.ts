/**
 * Tabular responses as Arrow IPC streams (application/vnd.apache.arrow.stream): compact, typed,
 * and read by the dashboard without parsing JSON.
 */
import { Bool, Float64, Int32, Table, Utf8, makeData, makeVector, tableToIPC, type Vector } from 'apache-arrow';
import type { Request, Response } from 'express';

export const ARROW_MEDIA_TYPE = 'application/vnd.apache.arrow.stream';

export type ColumnType = 'utf8' | 'int32' | 'float64' | 'bool';

const encoder = new TextEncoder();

/**
 * One column's buffers, written directly (validity bitmap, values, UTF-8 offsets): the library's
 * generic builders cost several microseconds a value, which for tens of thousands of rows is
 * most of an aggregate answer's time.
 */
function column(rows: readonly Record<string, unknown>[], name: string, type: ColumnType): Vector {
  const length = rows.length;
  const validity = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  const isNull = (value: unknown) => value === null || value === undefined;
  const markValid = (i: number) => (validity[i >> 3]! |= 1 << (i & 7));
  if (type === 'utf8') {
    const offsets = new Int32Array(length + 1);
    const texts = rows.map((row) => (isNull(row[name]) ? null : String(row[name])));
    // At most 3 bytes of UTF-8 per UTF-16 unit: encode every value into one buffer, then trim.
    const buffer = new Uint8Array(texts.reduce((sum, t) => sum + (t === null ? 0 : t.length * 3), 0));
    let size = 0;
    texts.forEach((text, i) => {
      if (text === null) nullCount++;
      else {
        markValid(i);
        size += encoder.encodeInto(text, buffer.subarray(size)).written;
      }
      offsets[i + 1] = size;
    });
    return makeVector(makeData({ type: new Utf8(), length, nullCount, nullBitmap: validity, valueOffsets: offsets, data: buffer.subarray(0, size) }));
  }
  if (type === 'bool') {
    const values = new Uint8Array(Math.ceil(length / 8));
    rows.forEach((row, i) => {
      const value = row[name];
      if (isNull(value)) nullCount++;
      else {
        markValid(i);
        if (value === true) values[i >> 3]! |= 1 << (i & 7);
      }
    });
    return makeVector(makeData({ type: new Bool(), length, nullCount, nullBitmap: validity, data: values }));
  }
  const values = type === 'int32' ? new Int32Array(length) : new Float64Array(length);
  rows.forEach((row, i) => {
    const value = row[name];
    if (isNull(value)) nullCount++;
    else {
      markValid(i);
      values[i] = Number(value);
    }
  });
  return type === 'int32'
    ? makeVector(makeData({ type: new Int32(), length, nullCount, nullBitmap: validity, data: values as Int32Array }))
    : makeVector(makeData({ type: new Float64(), length, nullCount, nullBitmap: validity, data: values as Float64Array }));
}

/** Encodes rows as an Arrow IPC stream with the declared column types (nulls allowed). */
export function rowsToArrow(rows: readonly Record<string, unknown>[], columns: Readonly<Record<string, ColumnType>>): Uint8Array {
  return tableToIPC(new Table(Object.fromEntries(Object.entries(columns).map(([name, type]) => [name, column(rows, name, type)]))), 'stream');
}

export function sendArrow(response: Response, bytes: Uint8Array): void {
  response.type(ARROW_MEDIA_TYPE).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Arrow IPC when asked for by `format=arrow`, or by the Accept header when no format is named. */
export function wantsArrow(request: Request, format: 'json' | 'arrow' | undefined): boolean {
  return format === 'arrow' || (format === undefined && request.accepts(['application/json', ARROW_MEDIA_TYPE]) === ARROW_MEDIA_TYPE);
}
