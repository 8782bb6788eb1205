/**
 * Splits an IJE stream into records without holding the file: one 5,000-character record after
 * another, either one per line or back to back. Bytes are read as Latin-1 so that one character is
 * one byte (IJE is a byte layout; a multi-byte character shows up as a wrong length, not a shift).
 */
import type { Readable } from 'node:stream';
import { IJE_RECORD_LENGTH } from './fields.ts';

export interface IjeRawRecord {
  /** 1-based record number (the line number when records are one per line). */
  line: number;
  text: string;
}

type Layout = 'unknown' | 'lines' | 'packed';

/** Incremental splitter: push text as it arrives, collect complete records. */
export class IjeRecordSplitter {
  private pending = '';
  private layout: Layout = 'unknown';
  private count = 0;

  push(chunk: string, out: IjeRawRecord[] = []): IjeRawRecord[] {
    this.pending += chunk;
    this.split(out, false);
    return out;
  }

  end(out: IjeRawRecord[] = []): IjeRawRecord[] {
    this.split(out, true);
    return out;
  }

  get records(): number {
    return this.count;
  }

  private emit(out: IjeRawRecord[], text: string): void {
    this.count += 1;
    out.push({ line: this.count, text });
  }

  private split(out: IjeRawRecord[], final: boolean): void {
    for (;;) {
      if (this.layout === 'unknown' && !this.decideLayout(final)) return;
      if (this.layout === 'lines') {
        const at = this.pending.indexOf('\n');
        if (at < 0 && !final) return;
        const line = (at < 0 ? this.pending : this.pending.slice(0, at)).replace(/\r$/, '');
        this.pending = at < 0 ? '' : this.pending.slice(at + 1);
        if (line.length > 0) this.emit(out, line);
        if (at < 0) return;
        continue;
      }
      // Packed: records back to back; a line break between records is tolerated.
      this.pending = this.pending.replace(/^[\r\n]+/, '');
      if (this.pending.length === 0) return;
      if (this.pending.length < IJE_RECORD_LENGTH && !final) return;
      const text = this.pending.slice(0, IJE_RECORD_LENGTH);
      const lineBreak = text.search(/[\r\n]/);
      if (lineBreak >= 0) {
        // A break inside a record: the file is line-separated after all, and this line is short.
        this.emit(out, text.slice(0, lineBreak));
        this.pending = this.pending.slice(lineBreak);
        this.layout = 'lines';
        continue;
      }
      this.emit(out, text);
      this.pending = this.pending.slice(text.length);
    }
  }

  /**
   * One record per line when the first line break ends a line of at most 5,000 characters, or a
   * longer line that is not a whole number of records; back to back when there is no break in
   * the first 10,001 characters or the first line is several whole records.
   */
  private decideLayout(final: boolean): boolean {
    const at = this.pending.indexOf('\n');
    if (at < 0) {
      // Wait for two records' worth: a long first line may not have reached its break yet.
      if (this.pending.length <= 2 * IJE_RECORD_LENGTH + 1 && !final) return false;
      this.layout = 'packed';
      return true;
    }
    const length = this.pending[at - 1] === '\r' ? at - 1 : at;
    this.layout = length > IJE_RECORD_LENGTH && length % IJE_RECORD_LENGTH === 0 ? 'packed' : 'lines';
    return true;
  }
}

/** Reads a stream into raw records, in arrays as chunks arrive. */
export async function* readIjeRecords(input: Readable): AsyncGenerator<IjeRawRecord[]> {
  const splitter = new IjeRecordSplitter();
  for await (const chunk of input) {
    const records = splitter.push(typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('latin1'));
    if (records.length > 0) yield records;
  }
  const last = splitter.end();
  if (last.length > 0) yield last;
}
