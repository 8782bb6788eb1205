/**
 * Cuts a CSV byte stream into text chunks that begin and end at record boundaries, so each chunk
 * can be parsed on its own (in a worker thread) with the line it starts on. A boundary is a line
 * break outside quotes: quoted fields may hold line breaks, so the cut tracks quote parity, which
 * is even at the start of every chunk.
 */
import type { Readable } from 'node:stream';
import { countLineBreaks } from './csv.ts';

export interface CsvTextChunk {
  /** Whole records (the first chunk: the header record alone). */
  text: string;
  /** 1-based physical line the chunk starts on. */
  firstLine: number;
}

const QUOTE = 34;
const LF = 10;

/** A quoted field this long without a closing quote is a broken file, not a field. */
export const MAX_UNBROKEN_CHARS = 64 * 1024 * 1024;

export class UnclosedQuoteError extends Error {
  override name = 'UnclosedQuoteError';
  constructor(readonly line: number) {
    super(`line ${line}: a quoted field is never closed (no record boundary in ${MAX_UNBROKEN_CHARS / 2 ** 20} MiB)`);
  }
}

/** Index just past the last LF outside quotes in text[0, limit), or -1. */
function lastBoundary(text: string, limit: number, firstOnly: boolean): number {
  let inQuotes = false;
  let boundary = -1;
  for (let i = 0; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (c === LF && !inQuotes) {
      boundary = i + 1;
      if (firstOnly) return boundary;
    }
  }
  return boundary;
}

/**
 * Yields the header record, then chunks of about `targetChars` characters. The last chunk may
 * end without a line break (a file need not end with one). A byte-order mark is dropped.
 */
export async function* readCsvTextChunks(input: Readable, targetChars = 1 << 20): AsyncGenerator<CsvTextChunk> {
  input.setEncoding('utf8');
  let buffer = '';
  let line = 1;
  let headerDone = false;
  let started = false;
  const take = (end: number): CsvTextChunk => {
    const text = buffer.slice(0, end);
    buffer = buffer.slice(end);
    const chunk = { text, firstLine: line };
    line += countLineBreaks(text);
    return chunk;
  };
  for await (const piece of input as AsyncIterable<string>) {
    buffer += piece;
    if (!started && buffer.length > 0) {
      started = true;
      if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
    }
    if (!headerDone) {
      const end = lastBoundary(buffer, buffer.length, true);
      if (end < 0) {
        if (buffer.length > MAX_UNBROKEN_CHARS) throw new UnclosedQuoteError(line);
        continue;
      }
      headerDone = true;
      yield take(end);
    }
    while (buffer.length >= targetChars) {
      const end = lastBoundary(buffer, buffer.length, false);
      if (end < 0) {
        if (buffer.length > MAX_UNBROKEN_CHARS) throw new UnclosedQuoteError(line);
        break;
      }
      yield take(end);
    }
  }
  if (buffer.length > 0) yield take(buffer.length);
}
