/**
 * A CSV file through the coding workers, whatever its records: the main thread only cuts the file
 * into chunks of whole records (about 1 MiB of text, csv-chunks.ts) and takes back what the
 * workers made of them, in file order; the workers parse, validate and code. Text is cheap to
 * post to a worker, mapped row objects are not: that is what lets the pool scale. A chunk's rows
 * are numbered from chunkIndex × SEQ_PER_CHUNK, as rows of chunks still in a worker are not
 * counted yet. Broken quoting, in the cut or in a worker's parse, rejects the whole file.
 */
import type { Readable } from 'node:stream';
import { FileFormatError } from '../formats/certificate-csv.ts';
import { readCsvTextChunks, UnclosedQuoteError, type CsvTextChunk } from '../formats/csv-chunks.ts';
import { CsvParser, CsvSyntaxError, type CsvRecord } from '../formats/csv.ts';
import { SEQ_PER_CHUNK } from './staging-sink.ts';

export interface ChunkPlan<Header, Staged extends { syntaxError?: { line: number; message: string } }> {
  /** Reads the header record (FileFormatError when it is not the right one); `rest` are records that came in its chunk, numbered from 0. */
  header(first: CsvRecord, rest: CsvRecord[]): { header: Header; staged: Staged | null };
  /** Sends one chunk to the pool. */
  post(chunk: CsvTextChunk, header: Header, firstSeq: number): Promise<Staged>;
  /** Takes a staged chunk, in file order. */
  accept(staged: Staged): void;
  /** How many chunks may be in the workers at once. */
  inFlight: number;
  /** The error for a file without a header. */
  emptyFile: string;
}

const withoutLine = (message: string) => message.replace(/^line \d+: /, '');

export async function stageCsvInWorkers<Header, Staged extends { syntaxError?: { line: number; message: string } }>(
  input: Readable,
  plan: ChunkPlan<Header, Staged>,
): Promise<void> {
  const inFlight: Promise<Staged>[] = [];
  let header: Header | null = null;
  let chunkIndex = 0;
  const accept = (staged: Staged) => {
    if (staged.syntaxError) throw new FileFormatError(staged.syntaxError.message, staged.syntaxError.line);
    plan.accept(staged);
  };
  try {
    for await (const chunk of readCsvTextChunks(input)) {
      if (header === null) {
        // The header chunk: normally the header record alone (more only in a file without LF breaks).
        const [first, ...rest] = parseOrReject(chunk);
        const read = plan.header(first!, rest);
        header = read.header;
        if (read.staged) accept(read.staged);
        continue;
      }
      inFlight.push(plan.post(chunk, header, ++chunkIndex * SEQ_PER_CHUNK));
      if (inFlight.length >= plan.inFlight) accept(await inFlight.shift()!);
    }
    while (inFlight.length > 0) accept(await inFlight.shift()!);
  } catch (error) {
    if (error instanceof UnclosedQuoteError) throw new FileFormatError(withoutLine(error.message), error.line);
    throw error;
  } finally {
    // A failure part-way must not leave rejected promises unobserved.
    await Promise.allSettled(inFlight);
  }
  if (header === null) throw new FileFormatError(plan.emptyFile);
}

function parseOrReject(chunk: CsvTextChunk): CsvRecord[] {
  const parser = new CsvParser(chunk.firstLine);
  try {
    return parser.end(parser.push(chunk.text));
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new FileFormatError(withoutLine(error.message), error.line);
    throw error;
  }
}
