// Reads an Arrow column's values by row straight from its buffers. `Vector.get` goes through the
// library's visitor for every value and decodes every text on its own: for a national county
// answer (~3,100 rows × 14 columns) that was most of the time from the answer's bytes to its rows.
// Anything other than one chunk of int, float, bool or UTF-8 is read with `get`, as before.
import { DataType, Precision, type Table } from 'apache-arrow';

export type Column = NonNullable<ReturnType<Table['getChild']>>;

/** The value of row `i`: a number, boolean or string, or null. */
export type ColumnReader = (i: number) => number | boolean | string | null;

export function columnReader(column: Column): ColumnReader {
  const fallback: ColumnReader = (i) => column.get(i) as number | boolean | string | null;
  if (column.data.length !== 1) return fallback;
  const data = column.data[0]!;
  // A sliced column (data.offset > 0) keeps its validity and boolean bitmaps whole, but its value
  // and UTF-8 offset buffers start at the slice (apache-arrow's Data._sliceBuffers).
  const { type, offset } = data;
  const bitmap = data.nullCount > 0 ? data.nullBitmap : null;
  const valid = (i: number) => bitmap === null || ((bitmap[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1) === 1;
  if ((DataType.isInt(type) && type.bitWidth <= 32) || (DataType.isFloat(type) && type.precision !== Precision.HALF)) {
    const values = data.values as Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;
    return (i) => (valid(i) ? values[i]! : null);
  }
  if (DataType.isBool(type)) {
    const bits = data.values as Uint8Array;
    return (i) => (valid(i) ? ((bits[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1) === 1 : null);
  }
  if (DataType.isUtf8(type)) {
    // The offsets buffer may be padded past its length + 1 entries.
    const starts = data.valueOffsets as Int32Array;
    const first = starts[0]!;
    const end = starts[data.length]!;
    const text = new TextDecoder().decode((data.values as Uint8Array).subarray(first, end));
    // Byte offsets are string offsets only when every character is one byte (ASCII): then each
    // value is a slice of one decoded text, else each is decoded on its own.
    if (text.length !== end - first) return fallback;
    return (i) => (valid(i) ? text.slice(starts[i]! - first, starts[i + 1]! - first) : null);
  }
  return fallback;
}
