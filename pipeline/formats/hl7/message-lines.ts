/**
 * Files of HL7 messages one segment per line: segments end with CR, LF or CRLF, and a message
 * ends at a blank line or where the next MSH starts. Batch envelopes (FHS, BHS, BTS, FTS) are
 * dropped. Works on bytes, so offsets are exact and a chunk may end anywhere.
 */
import type { RawMessage } from './mllp.ts';

const CR = 13;
const LF = 10;
const ENVELOPE = new Set(['FHS', 'BHS', 'BTS', 'FTS']);

export class LineFramer {
  private index = 0;
  private line = 1;
  /** Absolute offset of the next byte pushed, and of the start of the line being read. */
  private offset = 0;
  private lineStart = 0;
  /** The start of a line cut by the end of the previous chunk. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private previousWasCr = false;
  private current: RawMessage | null = null;
  private currentBytes = 0;

  constructor(private readonly maxMessageBytes: number) {}

  push(chunk: Buffer, out: RawMessage[]): void {
    let from = 0;
    let cr = chunk.indexOf(CR);
    let lf = chunk.indexOf(LF);
    while (cr >= 0 || lf >= 0) {
      const i = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      if (i === lf && this.previousWasCr && i === from && this.pendingBytes === 0) {
        this.previousWasCr = false; // the LF of a CRLF: the CR already ended the line
      } else {
        const bytes = this.pendingBytes + i - from;
        const text = this.pendingBytes === 0 ? chunk.toString('utf8', from, i) : this.joinPending(chunk.subarray(from, i));
        this.endLine(text, bytes, out);
        this.previousWasCr = i === cr;
      }
      from = i + 1;
      this.lineStart = this.offset + from;
      if (cr >= 0 && cr < from) cr = chunk.indexOf(CR, from);
      if (lf >= 0 && lf < from) lf = chunk.indexOf(LF, from);
    }
    if (from < chunk.length) {
      this.pendingBytes += chunk.length - from;
      // Past the limit a line is only counted, not held (a file with no line breaks at all).
      if (this.pendingBytes <= this.maxMessageBytes) this.pending.push(Buffer.from(chunk.subarray(from)));
      else this.pending = [];
      this.previousWasCr = false;
    }
    this.offset += chunk.length;
  }

  end(out: RawMessage[]): void {
    if (this.pendingBytes > 0) this.endLine(this.joinPending(Buffer.alloc(0)), this.pendingBytes, out);
    this.flush(out);
  }

  private joinPending(last: Buffer): string {
    const text = Buffer.concat([...this.pending, last]).toString('utf8');
    this.pending = [];
    this.pendingBytes = 0;
    return text;
  }

  private endLine(raw: string, bytes: number, out: RawMessage[]): void {
    const line = this.line++;
    // A UTF-8 byte-order mark (3 bytes) may open the file.
    const bom = this.lineStart === 0 && raw.charCodeAt(0) === 0xfeff;
    const text = bom ? raw.slice(1) : raw;
    const tooLong = bytes > this.maxMessageBytes;
    if (!tooLong && text.trim() === '') return this.flush(out);
    const name = text.slice(0, 3);
    if (ENVELOPE.has(name)) return this.flush(out);
    if (name === 'MSH' || this.current === null) {
      this.flush(out);
      this.current = { index: ++this.index, offset: this.lineStart + (bom ? 3 : 0), line, segments: [], problem: null };
      this.currentBytes = 0;
    }
    this.currentBytes += bytes;
    if (tooLong || this.currentBytes > this.maxMessageBytes) {
      this.current.segments = [];
      this.current.problem = `the message is longer than ${this.maxMessageBytes} bytes`;
    } else if (this.current.problem === null) {
      this.current.segments.push(text);
    }
  }

  private flush(out: RawMessage[]): void {
    if (this.current) out.push(this.current);
    this.current = null;
  }
}
