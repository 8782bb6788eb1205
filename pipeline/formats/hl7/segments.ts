/**
 * HL7 v2 message structure: segments, fields, repetitions, components and subcomponents, with
 * the delimiters the message declares in MSH-1 and MSH-2 and the escape sequences of HL7 v2.5.1
 * chapter 2 (2.7, "Use of escape sequences in text fields").
 */
import type { FieldError } from '../../records/ed-visit-schema.ts';

export interface Encoding {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
}

export interface Segment {
  name: string;
  /** Raw field values, `fields[n]` = field n; for MSH, fields[1] is the field separator and fields[2] the encoding characters, as the standard numbers them. */
  fields: string[];
}

const SEGMENT_NAME = /^[A-Z][A-Z0-9]{2}$/;

export class Hl7Message {
  constructor(
    readonly segments: readonly Segment[],
    readonly encoding: Encoding,
  ) {}

  all(name: string): Segment[] {
    return this.segments.filter((segment) => segment.name === name);
  }

  first(name: string): Segment | undefined {
    return this.segments.find((segment) => segment.name === name);
  }

  /** The raw repetitions of a field (none when it is empty or absent); MSH-1 and MSH-2 are never split. */
  repetitions(segment: Segment | undefined, field: number): string[] {
    const raw = segment?.fields[field] ?? '';
    if (raw === '') return [];
    if ((segment!.name === 'MSH' && field <= 2) || raw.indexOf(this.encoding.repetition) < 0) return [raw];
    return raw.split(this.encoding.repetition);
  }

  /** Component `c` and subcomponent `s` (1-based) of a raw repetition, unescaped. */
  component(repetition: string, c: number, s = 1): string {
    return this.unescape(piece(piece(repetition, this.encoding.component, c - 1), this.encoding.subcomponent, s - 1));
  }

  /** Component `c`, subcomponent `s` of the first repetition of a field, unescaped and trimmed. */
  value(segment: Segment | undefined, field: number, c = 1, s = 1): string {
    const raw = segment?.fields[field] ?? '';
    if (segment?.name === 'MSH' && field <= 2) return raw;
    return this.component(piece(raw, this.encoding.repetition, 0), c, s).trim();
  }

  /** Replaces the escape sequences in `text` with what they stand for. */
  unescape(text: string): string {
    const e = this.encoding;
    if (text.indexOf(e.escape) < 0) return text;
    let out = '';
    let from = 0;
    for (let start = text.indexOf(e.escape); start >= 0; start = text.indexOf(e.escape, from)) {
      const end = text.indexOf(e.escape, start + 1);
      if (end < 0) break; // an unterminated sequence stays as written
      out += text.slice(from, start);
      const sequence = text.slice(start + 1, end);
      const replacement = escapeValue(sequence, e);
      out += replacement ?? text.slice(start, end + 1);
      from = end + 1;
    }
    return out + text.slice(from);
  }
}

/** The `index`-th (0-based) piece of `text` cut at `separator`, without splitting all of it. */
function piece(text: string, separator: string, index: number): string {
  let start = 0;
  for (let i = 0; i < index; i++) {
    const next = text.indexOf(separator, start);
    if (next < 0) return '';
    start = next + 1;
  }
  const end = text.indexOf(separator, start);
  return end < 0 ? (start === 0 ? text : text.slice(start)) : text.slice(start, end);
}

function escapeValue(sequence: string, e: Encoding): string | null {
  switch (sequence) {
    case 'F':
      return e.field;
    case 'S':
      return e.component;
    case 'T':
      return e.subcomponent;
    case 'R':
      return e.repetition;
    case 'E':
      return e.escape;
    case 'H': // start and end of highlighting: no meaning in plain text
    case 'N':
      return '';
    case '.br':
    case '.sp':
      return '\n';
  }
  if (/^X(?:[0-9A-Fa-f]{2})+$/.test(sequence)) return Buffer.from(sequence.slice(1), 'hex').toString('utf8');
  return null;
}

export type ParsedMessage = { ok: true; message: Hl7Message } | { ok: false; errors: FieldError[] };

/** Parses the segments of one message; the first must be MSH, which declares the delimiters. */
export function parseMessage(segments: readonly string[]): ParsedMessage {
  const head = segments[0];
  if (head === undefined) return { ok: false, errors: [{ field: 'MSH', message: 'segment missing: the message is empty' }] };
  if (!head.startsWith('MSH')) {
    return { ok: false, errors: [{ field: 'MSH', message: `segment missing: the message starts with ${JSON.stringify(head.slice(0, 3))}` }] };
  }
  const separator = head.charAt(3);
  const declared = head.slice(4, head.indexOf(separator, 4) < 0 ? head.length : head.indexOf(separator, 4));
  const delimiters = separator + declared;
  // MSH-2 holds 4 characters (2.5.1; a 5th, truncation, came with 2.7), all distinct and not letters or digits.
  if ((declared.length !== 4 && declared.length !== 5) || /[A-Za-z0-9\s]/.test(delimiters) || new Set(delimiters).size !== delimiters.length) {
    return { ok: false, errors: [{ field: 'MSH-2', message: `encoding characters ${JSON.stringify(declared)} are not 4 distinct delimiters after the field separator ${JSON.stringify(separator)}` }] };
  }
  const encoding: Encoding = { field: separator, component: declared[0]!, repetition: declared[1]!, escape: declared[2]!, subcomponent: declared[3]! };
  const parsed: Segment[] = [];
  const errors: FieldError[] = [];
  segments.forEach((text, i) => {
    const name = text.slice(0, 3);
    if (!SEGMENT_NAME.test(name) || (text.length > 3 && text.charAt(3) !== separator)) {
      errors.push({ field: `segment ${i + 1}`, message: `not an HL7 segment: ${JSON.stringify(text.slice(0, 20))}` });
      return;
    }
    const fields = text.split(separator);
    // MSH-1 is the separator itself, so MSH fields are numbered one further than the split.
    parsed.push({ name, fields: name === 'MSH' && i === 0 ? ['MSH', separator, ...fields.slice(1)] : fields });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, message: new Hl7Message(parsed, encoding) };
}
