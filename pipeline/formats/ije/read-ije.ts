/**
 * Reader for IJE mortality files (NCHS Inter-Jurisdictional Exchange, fixed width, 5,000
 * characters a record; see FORMATS.md). Streams records one at a time: a certificate with its
 * IJE metadata, or the record number and fields that are wrong. A short or long record is an
 * error of that record only; the rest still load. An empty file is a FileFormatError.
 */
import type { Readable } from 'node:stream';
import { FileFormatError } from '../certificate-csv.ts';
import { parseIjeRecord, type IjeReadResult } from './parse-ije-record.ts';
import { readIjeRecords } from './records.ts';

export type { IjeReadResult, IjeRecordInfo } from './parse-ije-record.ts';

/** Reads and validates an IJE file, yielding results in arrays as chunks arrive. */
export async function* readIje(input: Readable): AsyncGenerator<IjeReadResult[]> {
  let records = 0;
  for await (const batch of readIjeRecords(input)) {
    records += batch.length;
    yield batch.map(({ line, text }) => parseIjeRecord(text, line));
  }
  if (records === 0) throw new FileFormatError('the file is empty: expected IJE mortality records of 5,000 characters');
}
