/**
 * Splits an HL7 byte stream into messages. Two framings: MLLP (HL7 v2.5.1 Appendix C, Minimal
 * Lower Layer Protocol: 0x0B message 0x1C 0x0D), recognised by a start block as the first byte
 * that is not white space, and otherwise a file of messages one segment per line
 * (message-lines.ts). Only the message being read is held, up to a size limit.
 */
import type { Readable } from 'node:stream';
import { LineFramer } from './message-lines.ts';

export interface RawMessage {
  /** 1-based position of the message in the stream. */
  index: number;
  /** Byte offset of its first byte (the MLLP start block, or the first segment). */
  offset: number;
  /** 1-based line of its first segment in a file of messages; null in an MLLP stream. */
  line: number | null;
  segments: string[];
  /** A framing problem: the message is reported, not parsed. */
  problem: string | null;
}

const START = 0x0b;
const END = 0x1c;
const isBlank = (byte: number) => byte === 0x0d || byte === 0x0a || byte === 0x20 || byte === 0x09;
const SEGMENT_END = /\r\n|\r|\n/;

class MllpFramer {
  private index = 0;
  private offset = 0;
  /** Where the frame (or the stray bytes outside any frame) being read started; -1 between frames. */
  private start = -1;
  private inFrame = false;
  private pieces: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly maxMessageBytes: number) {}

  push(chunk: Buffer, out: RawMessage[]): void {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.inFrame) {
        if (byte !== END && byte !== START) continue;
        this.keep(chunk.subarray(from, i));
        if (byte === END) this.emit(out, null);
        else this.emit(out, 'the MLLP frame was not closed: a start block 0x0B came before the end block 0x1C');
      } else if (byte === START) {
        if (this.start >= 0) this.emit(out, 'bytes outside an MLLP frame (expected the start block 0x0B)');
      } else {
        if (this.start < 0 && !isBlank(byte)) this.start = this.offset + i;
        continue;
      }
      if (byte === START) {
        this.inFrame = true;
        this.start = this.offset + i;
      }
      from = i + 1;
    }
    if (this.inFrame) this.keep(chunk.subarray(from));
    this.offset += chunk.length;
  }

  end(out: RawMessage[]): void {
    if (this.inFrame) this.emit(out, 'the stream ended inside an MLLP frame (no end block 0x1C)');
    else if (this.start >= 0) this.emit(out, 'bytes outside an MLLP frame (expected the start block 0x0B)');
  }

  private keep(piece: Buffer): void {
    if (piece.length === 0) return;
    this.bytes += piece.length;
    // Past the limit the frame is only counted, not held: it is reported when it ends.
    if (this.bytes <= this.maxMessageBytes) this.pieces.push(Buffer.from(piece));
  }

  private emit(out: RawMessage[], problem: string | null): void {
    const tooLong = this.bytes > this.maxMessageBytes;
    const text = problem === null && !tooLong ? Buffer.concat(this.pieces).toString('utf8') : '';
    out.push({
      index: ++this.index,
      offset: this.start,
      line: null,
      segments: text.split(SEGMENT_END).filter((segment) => segment.trim() !== ''),
      problem: problem ?? (tooLong ? `the message is longer than ${this.maxMessageBytes} bytes` : null),
    });
    this.pieces = [];
    this.bytes = 0;
    this.start = -1;
    this.inFrame = false;
  }
}

/** Incremental splitter: push bytes as they arrive, collect complete messages. */
export class Hl7Splitter {
  private framer: MllpFramer | LineFramer | null = null;
  /** Leading white space, held until the first other byte tells the framing. */
  private leading: Buffer[] = [];

  constructor(private readonly maxMessageBytes = 16 * 2 ** 20) {}

  push(chunk: Buffer, out: RawMessage[] = []): RawMessage[] {
    if (this.framer === null) {
      let i = 0;
      while (i < chunk.length && isBlank(chunk[i]!)) i++;
      if (i === chunk.length) {
        this.leading.push(Buffer.from(chunk));
        return out;
      }
      this.framer = chunk[i] === START ? new MllpFramer(this.maxMessageBytes) : new LineFramer(this.maxMessageBytes);
      for (const piece of this.leading) this.framer.push(piece, out);
      this.leading = [];
    }
    this.framer.push(chunk, out);
    return out;
  }

  end(out: RawMessage[] = []): RawMessage[] {
    this.framer?.end(out);
    return out;
  }
}

/** Reads a byte stream of HL7 messages, yielding them in arrays (one per chunk read). */
export async function* splitHl7(input: Readable): AsyncGenerator<RawMessage[]> {
  const splitter = new Hl7Splitter();
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const messages = splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (messages.length > 0) yield messages;
  }
  const last = splitter.end();
  if (last.length > 0) yield last;
}
