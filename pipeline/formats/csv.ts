/**
 * RFC 4180 CSV, streaming. Quoted fields may hold commas, doubled quotes and line breaks, so a
 * record can span several physical lines: each record carries the line it starts on, which is
 * what error reports name.
 */
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';

export interface CsvRecord {
  /** 1-based physical line on which the record starts. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
  }
}

const QUOTE = 34; // "
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Incremental parser: push text as it arrives, collect complete records. Kept as a class with
 * explicit state because a quoted field may be cut anywhere by a chunk boundary.
 */
export class CsvParser {
  private pending = '';
  private line: number;
  private started = false;

  /** @param firstLine the physical line the text starts on (a chunk cut from the middle of a file). */
  constructor(firstLine = 1) {
    this.line = firstLine;
  }

  /** Parses every complete record in `chunk` (plus what was left over from earlier chunks). */
  push(chunk: string, out: CsvRecord[] = []): CsvRecord[] {
    let text = this.pending + chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark from spreadsheet exports
    }
    const consumed = this.parse(text, out, false);
    this.pending = text.slice(consumed);
    return out;
  }

  /** Flushes the last record (a file need not end with a line break). */
  end(out: CsvRecord[] = []): CsvRecord[] {
    const text = this.pending;
    this.pending = '';
    if (text.length > 0) this.parse(text, out, true);
    return out;
  }

  /** Returns how many characters were consumed; stops before an incomplete record unless final. */
  private parse(text: string, out: CsvRecord[], final: boolean): number {
    const n = text.length;
    let pos = 0;
    while (pos < n) {
      const startLine = this.line;
      let lineBreaks = 0;
      const fields: string[] = [];
      let p = pos;
      let complete = false;
      let quoted = false;
      for (;;) {
        if (p < n && text.charCodeAt(p) === QUOTE) {
          // Quoted field: scan to the closing quote, unescaping "".
          quoted = true;
          let value = '';
          let q = p + 1;
          for (;;) {
            const close = text.indexOf('"', q);
            if (close < 0) {
              if (final) throw new CsvSyntaxError(startLine, 'a quoted field is never closed');
              return pos;
            }
            const piece = text.slice(q, close);
            lineBreaks += countLineBreaks(piece);
            value += piece;
            if (close + 1 < n && text.charCodeAt(close + 1) === QUOTE) {
              value += '"';
              q = close + 2;
              continue;
            }
            if (close + 1 >= n && !final) return pos; // cannot yet tell "" from a closing quote
            p = close + 1;
            break;
          }
          // Be lenient with text after the closing quote (`"a"b`): keep it, as spreadsheets do.
          const stop = nextDelimiter(text, p);
          if (stop > p) value += text.slice(p, stop);
          fields.push(value);
          p = stop;
        } else {
          const stop = nextDelimiter(text, p);
          fields.push(text.slice(p, stop));
          p = stop;
        }
        if (p >= n) {
          if (!final) return pos;
          complete = true;
          break;
        }
        const c = text.charCodeAt(p);
        if (c === COMMA) {
          p++;
          continue;
        }
        // Line break ends the record: LF, CRLF or a lone CR.
        if (c === CR) {
          if (p + 1 >= n && !final) return pos;
          p += p + 1 < n && text.charCodeAt(p + 1) === LF ? 2 : 1;
        } else {
          p += 1;
        }
        lineBreaks++;
        complete = true;
        break;
      }
      if (complete) {
        this.line = startLine + lineBreaks;
        // A blank line is not a record (a line holding only "" is: one empty field).
        if (!(fields.length === 1 && fields[0] === '' && !quoted)) out.push({ line: startLine, fields });
        pos = p;
      }
    }
    return pos;
  }
}

function nextDelimiter(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === LF || c === CR) return i;
  }
  return text.length;
}

/** Line breaks as the parser counts them: LF, CRLF and a lone CR are one each. */
export function countLineBreaks(s: string): number {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) count++;
    else if (c === CR && s.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}

/** Reads a byte stream as CSV, yielding records in arrays (one per chunk) to keep overhead low. */
export async function* readCsv(input: Readable): AsyncGenerator<CsvRecord[]> {
  const parser = new CsvParser();
  input.setEncoding('utf8');
  for await (const chunk of input as AsyncIterable<string>) {
    const records = parser.push(chunk);
    if (records.length > 0) yield records;
  }
  const last = parser.end();
  if (last.length > 0) yield last;
}

/** Quotes a field only when it must be (comma, quote, line break, surrounding space, or a leading U+FEFF). */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : String(value);
  if (s.length === 0) return s;
  // A character scan instead of a regex: writers call this for every field of millions of rows.
  // A leading U+FEFF is quoted too: at the start of a file a reader takes it for a byte-order mark.
  let mustQuote = s.charCodeAt(0) === 32 || s.charCodeAt(0) === 0xfeff || s.charCodeAt(s.length - 1) === 32;
  for (let i = 0; !mustQuote && i < s.length; i++) {
    const c = s.charCodeAt(i);
    mustQuote = c === QUOTE || c === COMMA || c === LF || c === CR;
  }
  return mustQuote ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  const line = values.map(csvField).join(',');
  // One empty field alone would be a blank line, which readers skip (CsvParser does): quote it.
  return (line === '' && values.length === 1 ? '""' : line) + '\n';
}

/**
 * Reads a whole CSV file as objects keyed by its header (build scripts reading public source
 * tables; `encoding` because the Census files are latin-1). A row with the wrong number of fields
 * is an error naming its line.
 */
export function readCsvFile(path: string, encoding: BufferEncoding = 'utf8'): Record<string, string>[] {
  const parser = new CsvParser();
  const records = parser.push(readFileSync(path).toString(encoding));
  parser.end(records);
  const header = records.shift();
  if (!header) throw new Error(`${path}: empty file`);
  return records.map(({ line, fields }) => {
    if (fields.length !== header.fields.length) {
      throw new Error(`${path} line ${line}: ${fields.length} fields, header has ${header.fields.length}`);
    }
    const row: Record<string, string> = {};
    header.fields.forEach((name, i) => (row[name] = fields[i]!));
    return row;
  });
}
