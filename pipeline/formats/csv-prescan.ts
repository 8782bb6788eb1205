/**
 * One pass over a CSV file's bytes for what a reader other than ours (DuckDB's, in the bulk ED
 * path) must agree with before its records are trusted: how many line breaks the file has as our
 * parser counts them (LF, CRLF and a lone CR are one each, csv.ts), how many end it, and whether
 * any field starts with spaces before its opening quote, which DuckDB reads as a quoted field and
 * our parser as text (` "a"` is `"a"` to us, `a` to DuckDB).
 *
 * Searched with Buffer.indexOf (native), not a loop over bytes: a JavaScript loop over the 112 MB
 * of 1M generated visits took ~0.8 s of a core that DuckDB's reader, running at the same time,
 * wanted.
 */
import fs from 'node:fs';

export interface CsvPrescan {
  /** Line breaks in the file, counted as CsvParser counts them. */
  lineBreaks: number;
  /** Line breaks in the run of breaks that ends the file (0: the last line has none). */
  finalBreaks: number;
  /** Some field starts with spaces and then a quote (or quoted text holds `, "`, which looks the same to a byte scan). */
  spaceBeforeQuote: boolean;
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const COMMA = 44;
const SPACE_QUOTE = Buffer.from(' "');
const READ_BYTES = 4 << 20;

/** How often `byte` occurs in `bytes[0, end)`. */
function occurrences(bytes: Buffer, end: number, byte: number): number {
  let count = 0;
  for (let at = bytes.indexOf(byte, 0); at >= 0 && at < end; at = bytes.indexOf(byte, at + 1)) count++;
  return count;
}

const startsField = (byte: number) => byte === COMMA || byte === LF || byte === CR;

/** @param readBytes how much is read at a time (small in tests, to cut the file at every place) */
export async function prescanCsv(filePath: string, readBytes = READ_BYTES): Promise<CsvPrescan> {
  const handle = await fs.promises.open(filePath, 'r');
  const buffer = Buffer.allocUnsafe(readBytes);
  let lineBreaks = 0;
  let finalBreaks = 0;
  let spaceBeforeQuote = false;
  // What came before this read: its last byte, and its last byte that is not a space (LF at the
  // file's start, which starts a field).
  let previous = LF;
  let previousNonSpace = LF;
  try {
    for (;;) {
      const { bytesRead: n } = await handle.read(buffer, 0, readBytes, null);
      if (n === 0) break;
      const bytes = buffer.subarray(0, n);
      let crlf = 0;
      for (let at = bytes.indexOf(CR); at >= 0; at = bytes.indexOf(CR, at + 1)) if (at + 1 < n && bytes[at + 1] === LF) crlf++;
      if (previous === CR && bytes[0] === LF) crlf++;
      lineBreaks += occurrences(bytes, n, LF) + occurrences(bytes, n, CR) - crlf;

      if (!spaceBeforeQuote) {
        if (previous === SPACE && bytes[0] === QUOTE && startsField(previousNonSpace)) spaceBeforeQuote = true;
        for (let at = bytes.indexOf(SPACE_QUOTE); at >= 0 && !spaceBeforeQuote; at = bytes.indexOf(SPACE_QUOTE, at + 1)) {
          let before = at - 1;
          while (before >= 0 && bytes[before] === SPACE) before--;
          if (startsField(before >= 0 ? bytes[before]! : previousNonSpace)) spaceBeforeQuote = true;
        }
      }

      let last = n - 1;
      while (last >= 0 && bytes[last] === SPACE) last--;
      if (last >= 0) previousNonSpace = bytes[last]!;
      // The breaks that end the file so far: those ending this read, plus the run before it if this read is all breaks.
      let end = n - 1;
      let run = 0;
      while (end >= 0 && (bytes[end] === LF || bytes[end] === CR)) {
        if (!(bytes[end] === LF && end > 0 && bytes[end - 1] === CR)) run++;
        end--;
      }
      if (end >= 0) finalBreaks = run;
      else finalBreaks += run - (previous === CR && bytes[0] === LF ? 1 : 0);
      previous = bytes[n - 1]!;
    }
  } finally {
    await handle.close();
  }
  return { lineBreaks, finalBreaks, spaceBeforeQuote };
}
