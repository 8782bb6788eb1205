/**
 * Property-based tests (fast-check) for every parser: whatever the input, a parser returns
 * results or throws its own located error — never another exception, never a hang — and the
 * result does not depend on where the input was cut into chunks. Seeds are fixed so CI is
 * reproducible; a failure prints its seed, path and shrunk counterexample.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectDeathFormat } from '../pipeline/formats/detect-death-format.ts';
import { compileQuery } from '../pipeline/coding/ed/syndromes/query-set.ts';
import { formatQuery, SyntaxQueryError, type QueryNode } from '../pipeline/coding/ed/syndromes/query-ast.ts';
import { parseQuery } from '../pipeline/coding/ed/syndromes/query-parser.ts';
import { FileFormatError, readCertificateCsv, type CertificateReadResult } from '../pipeline/formats/certificate-csv.ts';
import { csvLine, CsvParser, CsvSyntaxError, countLineBreaks, readCsv, type CsvRecord } from '../pipeline/formats/csv.ts';
import { detectEdFormat, readEdFeed, type EdFeedResult } from '../pipeline/formats/ed-feed.ts';
import { readAdtMessages, readHl7Visits, type AdtMessageResult } from '../pipeline/formats/hl7/read-hl7.ts';
import { splitHl7, type RawMessage } from '../pipeline/formats/hl7/mllp.ts';
import type { Hl7VisitResult } from '../pipeline/formats/hl7/visits.ts';
import { ijeField, type IjeFieldName } from '../pipeline/formats/ije/fields.ts';
import { IJE_MORTALITY_FIELDS } from '../pipeline/formats/ije/layout.ts';
import { parseIjeRecord } from '../pipeline/formats/ije/parse-ije-record.ts';
import { readVrdr, VrdrFormatError, type VrdrRecord } from '../pipeline/formats/vrdr/read-vrdr.ts';
import { CERTIFICATE_COLUMNS, CERTIFICATE_OPTIONAL_COLUMNS, MANNERS, SEXES } from '../pipeline/records/certificate.ts';

const RUNS = 10_000;
/** Per-case limit for async readers: a case that takes longer is a hang. */
const CASE_MS = 2_000;
/** Per-test limit for vitest (10,000 cases each). */
const TEST_MS = 120_000;

const fixture = (path: string) => new URL(`../fixtures/${path}`, import.meta.url);

// ---------------------------------------------------------------------------------------------
// Helpers

/** Runs `work`, failing the case if it does not settle within `ms`. */
async function within<T>(work: () => Promise<T>, ms = CASE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result within ${ms} ms: the reader hangs`)), ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function collect<T>(results: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const batch of results) all.push(...batch);
  return all;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function outcome<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Cuts `data` at the given positions (taken modulo its length, sorted); empty pieces are kept. */
function cut<T extends string | Buffer>(data: T, cuts: readonly number[]): T[] {
  const at = [...new Set(cuts.map((c) => (data.length === 0 ? 0 : c % (data.length + 1))))].sort((a, b) => a - b);
  const pieces: T[] = [];
  let from = 0;
  for (const position of at) {
    pieces.push(data.slice(from, position) as T);
    from = position;
  }
  pieces.push(data.slice(from) as T);
  return pieces;
}

/** A stream of the pieces as Buffers (readers decode bytes, so a cut may split a UTF-8 sequence). */
const byteStream = (pieces: readonly Buffer[]) => Readable.from(pieces);

const cuts = fc.array(fc.nat({ max: 100_000 }), { maxLength: 8 });

/** One character: mostly the ones a format gives meaning to, sometimes any code point (lone surrogates included). */
function charFrom(specials: readonly string[]) {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...specials) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.constantFrom('\uFEFF', 'é', 'İ', '😀', '\uD800', '\u0000', '\t') },
  );
}

// ---------------------------------------------------------------------------------------------
// CSV

const CSV_CHARS = ['"', '"', ',', ',', '\r', '\n', '\r\n', 'a', 'b', ' ', 'x y', '""'];

function parseCsvText(text: string, pieces: readonly string[] = [text]): Outcome<CsvRecord[]> {
  try {
    const parser = new CsvParser();
    const out: CsvRecord[] = [];
    for (const piece of pieces) parser.push(piece, out);
    return { ok: true, value: parser.end(out) };
  } catch (error) {
    return { ok: false, error };
  }
}

function expectCsvOutcome(result: Outcome<CsvRecord[]>): void {
  if (result.ok) {
    let previous = 0;
    for (const record of result.value) {
      expect(record.line).toBeGreaterThan(previous); // records start on later and later lines
      expect(record.fields.length).toBeGreaterThan(0);
      previous = record.line;
    }
  } else {
    expect(result.error).toBeInstanceOf(CsvSyntaxError);
    expect((result.error as Error).message).toMatch(/^line [1-9]\d*: /);
  }
}

const sameOutcome = <T>(a: Outcome<T>, b: Outcome<T>) => {
  if (a.ok && b.ok) expect(b.value).toEqual(a.value);
  else if (!a.ok && !b.ok) expect((b.error as Error).message).toBe((a.error as Error).message);
  else expect(b).toEqual(a);
};

describe('CSV (property)', () => {
  it('never throws anything but a located CsvSyntaxError, and chunking does not change the records', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: charFrom(CSV_CHARS), maxLength: 60 }), cuts, cuts, async (text, stringCuts, byteCuts) => {
        const whole = parseCsvText(text);
        expectCsvOutcome(whole);
        // The same text pushed in string pieces (a cut may split CRLF, "" or a surrogate pair).
        sameOutcome(whole, parseCsvText(text, cut(text, stringCuts)));
        // Through readCsv as bytes: the decoder sees the text as UTF-8 would carry it.
        const bytes = Buffer.from(text, 'utf8');
        const decoded = parseCsvText(bytes.toString('utf8'));
        const streamed = await within(() => outcome(async () => (await collect(readCsv(byteStream(cut(bytes, byteCuts)))))));
        sameOutcome(decoded, streamed);
      }),
      { numRuns: RUNS, seed: 4180 },
    );
  }, TEST_MS);

  it('reads back exactly the records csvLine wrote, on the lines they start on', () => {
    const field = fc.string({ unit: charFrom(['"', ',', '\r', '\n', ' ', 'a', 'b', '1']), maxLength: 8 });
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { maxLength: 6 }), cuts, (records, pieceCuts) => {
        const lines = records.map((fields) => csvLine(fields));
        const text = lines.join('');
        const expected: CsvRecord[] = [];
        let line = 1;
        records.forEach((fields, i) => {
          expected.push({ line, fields });
          line += countLineBreaks(lines[i]!);
        });
        const parsed = parseCsvText(text, cut(text, pieceCuts));
        expect(parsed).toEqual({ ok: true, value: expected });
      }),
      { numRuns: RUNS, seed: 1949 },
    );
  }, TEST_MS);

  // Regression (found by the property above): csvLine(['']) wrote a blank line, which the parser
  // skips, so a one-column record with an empty value was lost.
  it('writes a lone empty field so that it reads back', () => {
    expect(csvLine([''])).toBe('""\n');
    expect(parseCsvText(csvLine(['']) + csvLine([null]))).toEqual({ ok: true, value: [{ line: 1, fields: [''] }, { line: 2, fields: [''] }] });
  });

  // Regression (found by the property above): a first field starting with U+FEFF was written
  // bare, and the reader dropped it as the file's byte-order mark.
  it('keeps a leading U+FEFF of the first field', () => {
    expect(csvLine(['\uFEFF', ''])).toBe('"\uFEFF",\n');
    expect(parseCsvText(csvLine(['\uFEFF', '']))).toEqual({ ok: true, value: [{ line: 1, fields: ['\uFEFF', ''] }] });
  });
});

// ---------------------------------------------------------------------------------------------
// Certificate template CSV

const CERTIFICATE_HEADER = [...CERTIFICATE_COLUMNS, ...CERTIFICATE_OPTIONAL_COLUMNS];
const SAMPLE_CERTIFICATES = fs.readFileSync(fixture('samples/certificates-small.csv'), 'utf8');
const sampleCertificateRows = (() => {
  const parser = new CsvParser();
  const records = parser.end(parser.push(SAMPLE_CERTIFICATES));
  const [header, ...rows] = records;
  // The sample's rows, re-keyed to the full header so mutations can reach every column.
  return rows.map((row) => CERTIFICATE_HEADER.map((column) => row.fields[header!.fields.indexOf(column)] ?? ''));
})();

const certificateValue = fc.oneof(
  fc.constantFrom('', ' ', 'OH', 'oh', 'ZZ', '2024-01-03', '2024-02-30', '0000-00-00', '34', '131', '-1', 'M', 'f', 'X', '39061', '3906', 'A', 'q', 'x'.repeat(2001), 'x'.repeat(65)),
  fc.string({ unit: charFrom(['"', ',', '\n', ' ', '1', '9', 'A', '-']), maxLength: 12 }),
);

const certificateRow = fc.oneof(
  // A sample row with a few fields replaced, some dropped from the end or extra ones added.
  fc
    .tuple(fc.constantFrom(...sampleCertificateRows), fc.array(fc.tuple(fc.nat({ max: CERTIFICATE_HEADER.length - 1 }), certificateValue), { maxLength: 4 }), fc.integer({ min: -5, max: 2 }))
    .map(([row, edits, resize]) => {
      const fields = [...row];
      for (const [i, value] of edits) fields[i] = value;
      return resize < 0 ? fields.slice(0, fields.length + resize) : [...fields, ...Array.from({ length: resize }, () => 'extra')];
    }),
  fc.array(certificateValue, { minLength: 1, maxLength: CERTIFICATE_HEADER.length + 2 }),
);

const certificateFile = fc.oneof(
  { weight: 4, arbitrary: fc.array(certificateRow, { maxLength: 5 }).map((rows) => [CERTIFICATE_HEADER, ...rows].map((r) => csvLine(r)).join('')) },
  // Header with columns shuffled, renamed in case or missing.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.shuffledSubarray(CERTIFICATE_HEADER, { minLength: 1 }), fc.array(certificateRow, { maxLength: 3 }), fc.boolean())
      .map(([header, rows, upper]) => [header.map((h) => (upper ? ` ${h.toUpperCase()} ` : h)), ...rows].map((r) => csvLine(r)).join('')),
  },
  // Raw text (broken quoting, no header, empty files).
  { weight: 1, arbitrary: fc.string({ unit: charFrom(CSV_CHARS), maxLength: 60 }) },
);

function expectCertificateResult(result: CertificateReadResult): void {
  expect(Number.isInteger(result.line) && result.line >= 2).toBe(true);
  if (result.ok) {
    expect(typeof result.certificate.certificateId).toBe('string');
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  for (const error of result.errors) {
    expect(typeof error.field).toBe('string');
    expect(typeof error.message === 'string' && error.message.length > 0).toBe(true);
  }
}

describe('certificate template CSV (property)', () => {
  it('yields valid certificates or located errors; file-level problems are FileFormatError', async () => {
    await fc.assert(
      fc.asyncProperty(certificateFile, cuts, async (text, byteCuts) => {
        const read = await within(() => outcome(() => collect(readCertificateCsv(byteStream(cut(Buffer.from(text), byteCuts)))))) ;
        if (read.ok) read.value.forEach(expectCertificateResult);
        else {
          expect(read.error).toBeInstanceOf(FileFormatError);
          const { line, message } = read.error as FileFormatError;
          expect(line === null || (Number.isInteger(line) && line >= 1)).toBe(true);
          expect(message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS, seed: 2024 },
    );
  }, TEST_MS);
});

// ---------------------------------------------------------------------------------------------
// IJE

const IJE_DIR = fixture('conformance/vrdr-dotnet/ije/');
const IJE_RECORDS = fs.readdirSync(IJE_DIR).filter((name) => name.endsWith('.ije')).sort().map((name) => fs.readFileSync(new URL(name, IJE_DIR), 'utf8'));
const IJE_NAMES = new Set<string>(IJE_MORTALITY_FIELDS.map(([name]) => name));
// The fields the reader looks at: mutations aim there most of the time.
const READ_FIELDS: IjeFieldName[] = ['FILENO', 'DSTATE', 'VOID', 'REPLACE', 'DOD_YR', 'DOD_MO', 'DOD_DY', 'DOI_YR', 'DOI_MO', 'DOI_DY', 'AGETYPE', 'AGE', 'SEX', 'STATEC', 'COUNTYC', 'COD', 'MANNER'];
const IJE_CHARS = ['0', '1', '2', '9', ' ', 'A', 'z', 'X', '-', '.', 'é'];

/** A deterministic pseudo-random string (mulberry32): generating 5,000 characters through fast-check per case is too slow. */
function pseudoRandomText(seed: number, length: number, alphabet: string): string {
  let state = seed >>> 0;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out += alphabet[((t ^ (t >>> 14)) >>> 0) % alphabet.length];
  }
  return out;
}

const ijePosition = fc.oneof(
  fc.nat({ max: 4999 }),
  fc.tuple(fc.constantFrom(...READ_FIELDS), fc.nat()).map(([name, offset]) => {
    const { start, length } = ijeField(name);
    return start - 1 + (offset % length);
  }),
);

const ijeText = fc.oneof(
  // Random records of exactly 5,000 characters, sometimes of another length.
  fc
    .tuple(fc.integer(), fc.constantFrom('0123456789 ', '0123456789 ABCXYZ', ' 19', 'abc!"\u00e9\uFEFF 09'), fc.constantFrom(5000, 5000, 5000, 0, 12, 4999, 5001))
    .map(([seed, alphabet, length]) => pseudoRandomText(seed, length, alphabet)),
  // Conformance records with characters flipped at random positions.
  fc
    .tuple(fc.constantFrom(...IJE_RECORDS), fc.array(fc.tuple(ijePosition, fc.constantFrom(...IJE_CHARS)), { minLength: 1, maxLength: 12 }))
    .map(([record, edits]) => {
      const chars = [...record];
      for (const [at, c] of edits) chars[at] = c;
      return chars.join('');
    }),
  // Conformance records cut short or run long.
  fc.tuple(fc.constantFrom(...IJE_RECORDS), fc.integer({ min: -50, max: 50 })).map(([record, delta]) => (delta < 0 ? record.slice(0, delta) : record + ' '.repeat(delta + 1))),
);

describe('IJE (property)', () => {
  it('never throws; a bad record names a field or its length', () => {
    fc.assert(
      fc.property(ijeText, fc.integer({ min: 1, max: 1_000_000 }), (text, line) => {
        const result = parseIjeRecord(text, line);
        expect(result.line).toBe(line);
        if (result.ok) {
          expect(text.length).toBe(5000);
          expect(result.certificate.certificateId).toMatch(/^\d{6}$/);
          expect(result.certificate.jurisdiction).toMatch(/^[A-Z]{2}$/);
          return;
        }
        expect(result.errors.length).toBeGreaterThan(0);
        for (const { field, message } of result.errors) {
          expect(message.startsWith(`record ${line}: `)).toBe(true);
          if (field === '') expect(message).toMatch(/characters long; an IJE mortality record is 5,000$/);
          else {
            expect(IJE_NAMES.has(field)).toBe(true);
            expect(message).toContain(`${field} (position ${ijeField(field as IjeFieldName).start})`);
          }
        }
      }),
      { numRuns: RUNS, seed: 5000 },
    );
  }, TEST_MS);
});

// ---------------------------------------------------------------------------------------------
// VRDR

const SUBMISSION = fs.readFileSync(fixture('conformance/vrdr-dotnet/json/DeathRecordSubmissionMessage.json'), 'utf8');
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonPath = (string | number)[];

/** Every path in the document (objects' keys and arrays' indices), parents before children. */
function jsonPaths(value: Json, prefix: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  if (Array.isArray(value)) value.forEach((item, i) => (out.push([...prefix, i]), jsonPaths(item, [...prefix, i], out)));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) out.push([...prefix, key]), jsonPaths(item, [...prefix, key], out);
  return out;
}
const SUBMISSION_PATHS = jsonPaths(JSON.parse(SUBMISSION) as Json);
const SUBMISSION_STRINGS = [...new Set(SUBMISSION_PATHS.map((path) => path.reduce<any>((node, key) => node[key], JSON.parse(SUBMISSION))).filter((v): v is string => typeof v === 'string'))];

type Mutation = { path: JsonPath; op: 'delete' } | { path: JsonPath; op: 'replace'; value: Json };

function mutate(document: Json, mutations: readonly Mutation[]): Json {
  for (const mutation of mutations) {
    let parent: any = document;
    for (const key of mutation.path.slice(0, -1)) {
      parent = parent?.[key];
      if (parent === null || typeof parent !== 'object') break;
    }
    if (parent === null || typeof parent !== 'object') continue; // an earlier mutation removed the way there
    const last = mutation.path[mutation.path.length - 1]!;
    if (mutation.op === 'replace') parent[last] = mutation.value;
    else if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete parent[last];
  }
  return document;
}

const jsonValue = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
const replacement: fc.Arbitrary<Json> = fc.oneof(
  jsonValue,
  fc.constantFrom<Json>(null, '', ' ', 0, -1, 1.5, 1e21, true, [], {}, '2020', '2020-13-01', '2020-02-30T10:00:00', 'constructor', 'toString', '__proto__', 'hasOwnProperty', 'Bundle', 'document', 'message'),
  fc.constantFrom<Json>(...SUBMISSION_STRINGS),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ path: fc.constantFrom(...SUBMISSION_PATHS), op: fc.constant('delete' as const) }),
  fc.record({ path: fc.constantFrom(...SUBMISSION_PATHS), op: fc.constant('replace' as const), value: replacement }),
);

const vrdrInput: fc.Arbitrary<string | Mutation[]> = fc.oneof(
  // Mutations, not the mutated text, are the value: a failure then shows (and shrinks) the edits.
  { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: jsonValue.map((value) => JSON.stringify(value)) },
  {
    weight: 1,
    arbitrary: fc
      .record({ resourceType: fc.constantFrom<Json>('Bundle', 'Patient', 1), type: fc.constantFrom<Json>('document', 'message', 'collection', 'constructor', null), entry: fc.array(fc.record({ resource: jsonValue }), { maxLength: 3 }), identifier: jsonValue })
      .map((value) => JSON.stringify(value)),
  },
  // Not JSON at all, or JSON cut short.
  { weight: 1, arbitrary: fc.string({ unit: charFrom(['{', '}', '[', ']', '"', ':', ',', '1', 'n', ' ', '\n', '\\']), maxLength: 40 }) },
  { weight: 1, arbitrary: fc.nat({ max: SUBMISSION.length }).map((n) => SUBMISSION.slice(0, n)) },
);

const MESSAGE_TYPES = new Set(['document', 'submission', 'update', 'void']);

function expectVrdrRecord(record: VrdrRecord): void {
  const c = record.certificate;
  expect(MESSAGE_TYPES.has(record.messageType)).toBe(true);
  expect(c.certificateId).toMatch(/^\d{6}$/);
  expect(c.jurisdiction).toMatch(/^[A-Z]{2}$/);
  expect(c.sex === null || (SEXES as readonly string[]).includes(c.sex)).toBe(true);
  expect(c.manner === null || (MANNERS as readonly string[]).includes(c.manner)).toBe(true);
  expect(c.age === null || (Number.isInteger(c.age) && c.age >= 0 && c.age <= 130)).toBe(true);
  expect(Number.isInteger(record.blockCount) && record.blockCount >= 1).toBe(true);
}

describe('VRDR (property)', () => {
  it('returns a record or throws a VrdrFormatError whose problems each have a message', () => {
    fc.assert(
      fc.property(vrdrInput, (input) => {
        const text = typeof input === 'string' ? input : JSON.stringify(mutate(JSON.parse(SUBMISSION) as Json, input));
        let record: VrdrRecord;
        try {
          record = readVrdr(text);
        } catch (error) {
          expect(error).toBeInstanceOf(VrdrFormatError);
          const { problems } = error as VrdrFormatError;
          expect(problems.length).toBeGreaterThan(0);
          for (const problem of problems) {
            expect(typeof problem.path).toBe('string');
            expect(typeof problem.message === 'string' && problem.message.length > 0).toBe(true);
          }
          return;
        }
        expectVrdrRecord(record);
      }),
      { numRuns: RUNS, seed: 1776 },
    );
  }, TEST_MS);

  // Regression (found by the property above): the code tables were plain objects, so a manner
  // code "__proto__" (or "constructor", a sex "constructor", a unit "toString") was "found" and
  // the record carried Object.prototype or a function as its manner.
  it.each(['__proto__', 'constructor', 'toString'])('refuses a manner-of-death code %j', (code) => {
    const bundle = JSON.parse(SUBMISSION);
    const document = bundle.entry.find((e: any) => e.resource.resourceType === 'Bundle').resource;
    const manner = document.entry.find((e: any) => e.resource.code?.coding?.[0]?.code === '69449-7').resource;
    manner.valueCodeableConcept.coding[0].code = code;
    expect(() => readVrdr(JSON.stringify(bundle))).toThrow(/is not a manner-of-death SNOMED CT code/);
  });
});

// ---------------------------------------------------------------------------------------------
// HL7 v2 (files of messages and MLLP)

const ADT_SAMPLE = fs.readFileSync(fixture('samples/adt-small.hl7'));
const ADT_MESSAGES = ADT_SAMPLE.toString('utf8').split(/\n\s*\n/).filter((m) => m.trim() !== '');
const mllp = (messages: readonly string[]) => messages.map((m) => `\u000b${m.replace(/\n/g, '\r')}\u001c\r`).join('');
const HL7_CHARS = ['constructor', '__proto__', '|', '^', '~', '\\', '&', '\r', '\n', '\r\n', '\u000b', '\u001c', 'MSH|^~\\&|', 'PID|', 'PV1|', 'OBX|', 'EVN|', 'FHS|', '\\X41\\', '\\E\\', 'A', '1', '2024', ' '];

const hl7Edit = fc.tuple(fc.nat(), fc.constantFrom('delete', 'insert', 'replace'), fc.integer({ min: 0, max: 255 }));

/** The sample (as lines or MLLP frames) with segments shuffled, bytes edited, then maybe truncated. */
const mutatedAdt = fc
  .tuple(fc.boolean(), fc.boolean(), fc.array(hl7Edit, { maxLength: 8 }), fc.option(fc.nat(), { nil: undefined }))
  .chain(([framed, shuffle, edits, truncate]) => {
    const segments = ADT_MESSAGES.flatMap((m) => [...m.split('\n').filter((s) => s !== ''), '']);
    const order = shuffle ? fc.shuffledSubarray(segments, { minLength: segments.length }) : fc.constant(segments);
    return order.map((shuffled) => {
      const messages = shuffled.join('\n').split(/\n\n+/);
      let bytes = Buffer.from(framed ? mllp(messages) : messages.join('\n\n'), 'utf8');
      for (const [at, op, byte] of edits) {
        const i = bytes.length === 0 ? 0 : at % bytes.length;
        const b = Buffer.from([byte]);
        bytes =
          op === 'delete' ? Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]) : op === 'insert' ? Buffer.concat([bytes.subarray(0, i), b, bytes.subarray(i)]) : Buffer.concat([bytes.subarray(0, i), b, bytes.subarray(i + 1)]);
      }
      return truncate === undefined ? bytes : bytes.subarray(0, truncate % (bytes.length + 1));
    });
  });

const hl7Bytes = fc.oneof(
  { weight: 3, arbitrary: mutatedAdt },
  { weight: 2, arbitrary: fc.string({ unit: charFrom(HL7_CHARS), maxLength: 60 }).map((s) => Buffer.from(s, 'utf8')) },
  // A sample message with random text spliced into it.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...ADT_MESSAGES), fc.nat(), fc.string({ unit: charFrom(HL7_CHARS), maxLength: 20 }))
      .map(([m, at, s]) => Buffer.from(m.slice(0, at % (m.length + 1)) + s + m.slice(at % (m.length + 1)), 'utf8')),
  },
);

function expectLocated(result: AdtMessageResult | Hl7VisitResult, bytes: number): void {
  expect(Number.isInteger(result.message) && result.message >= 1).toBe(true);
  expect(Number.isInteger(result.offset) && result.offset >= 0 && result.offset < Math.max(bytes, 1)).toBe(true);
  expect(result.line === null || (Number.isInteger(result.line) && result.line >= 1)).toBe(true);
  if (!result.ok) {
    expect(result.errors.length).toBeGreaterThan(0);
    for (const error of result.errors) expect(typeof error.message === 'string' && error.message.length > 0).toBe(true);
  }
}

describe('HL7 (property)', () => {
  it('splits, reads messages and merges visits without throwing or hanging, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(hl7Bytes, cuts, async (bytes, byteCuts) => {
        const pieces = cut(bytes, byteCuts);
        const raw: RawMessage[] = await within(() => collect(splitHl7(byteStream(pieces))));
        raw.forEach((m, i) => {
          expect(m.index).toBe(i + 1);
          expect(m.offset >= 0 && m.offset < bytes.length).toBe(true);
          expect(m.problem === null || m.problem.length > 0).toBe(true);
        });
        const messages = await within(() => collect(readAdtMessages(byteStream(pieces))));
        expect(messages.length).toBe(raw.length);
        for (const message of messages) expectLocated(message, bytes.length);
        // Chunking changes nothing: one piece gives the same results.
        expect(await within(() => collect(readAdtMessages(byteStream([bytes]))))).toEqual(messages);
        const visits = await within(() => collect(readHl7Visits(byteStream(pieces))));
        for (const visit of visits) expectLocated(visit, bytes.length);
        expect(visits.filter((v) => !v.ok).length).toBeGreaterThanOrEqual(messages.filter((m) => !m.ok).length);
      }),
      { numRuns: RUNS, seed: 251 },
    );
  }, TEST_MS);
});

// ---------------------------------------------------------------------------------------------
// ED CSV and NDJSON

const ED_CSV = fs.readFileSync(fixture('samples/ed-visits-small.csv'), 'utf8');
const ED_NDJSON = fs.readFileSync(fixture('samples/ed-visits-small.ndjson'), 'utf8');
const ED_CHARS = ['"', ',', '\n', '\r\n', '{', '}', '"visit_id":', ':', '1', 'T', '-', ' ', 'M', '[', ']', 'null'];

/** Text with a few characters deleted, inserted or replaced. */
const mutatedText = (base: string) =>
  fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'insert', 'replace'), charFrom(ED_CHARS)), { maxLength: 6 }).map((edits) => {
    let text = base;
    for (const [at, op, c] of edits) {
      const i = at % (text.length + 1);
      text = op === 'delete' ? text.slice(0, i) + text.slice(i + 1) : op === 'insert' ? text.slice(0, i) + c + text.slice(i) : text.slice(0, i) + c + text.slice(i + 1);
    }
    return text;
  });

const edInput = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(fc.constant('ed-csv' as const), mutatedText(ED_CSV)) },
  { weight: 2, arbitrary: fc.tuple(fc.constant('ed-ndjson' as const), mutatedText(ED_NDJSON)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('ed-csv' as const, 'ed-ndjson' as const), fc.string({ unit: charFrom(ED_CHARS), maxLength: 60 })) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constant('ed-ndjson' as const),
      fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }).map((values) => values.map((v) => JSON.stringify(v)).join('\n')),
    ),
  },
);

describe('ED CSV and NDJSON (property)', () => {
  it('yields visits or errors with a line; only the CSV header makes a file-level FileFormatError', async () => {
    await fc.assert(
      fc.asyncProperty(edInput, cuts, async ([format, text], byteCuts) => {
        const read = await within(() => outcome(() => collect(readEdFeed(byteStream(cut(Buffer.from(text), byteCuts)), format))));
        if (!read.ok) {
          expect(format).toBe('ed-csv');
          expect(read.error).toBeInstanceOf(FileFormatError);
          expect((read.error as Error).message.length).toBeGreaterThan(0);
          return;
        }
        let previous = 0;
        for (const result of read.value as EdFeedResult[]) {
          expect('line' in result && typeof result.line === 'number' && result.line > previous).toBe(true);
          previous = result.line as number;
          if (!result.ok) {
            expect(result.errors.length).toBeGreaterThan(0);
            for (const error of result.errors) expect(typeof error.message === 'string' && error.message.length > 0).toBe(true);
          }
        }
      }),
      { numRuns: RUNS, seed: 911 },
    );
  }, TEST_MS);
});

// ---------------------------------------------------------------------------------------------
// ESSENCE query syntax

const QUERY_TOKENS = ['constructor', '__proto__', 'toString', '[İ-z]', '[a-İ]', '^', ',and,', ',or,', ',andnot,', '(,', ',)', '[', ']', '_', '!', 'ISNULL', 'isblank', ',', ' ', '-', 'fent', 'OD', 'a', 'z', 'İ', 'Σ', '[comma]', ',AND,', '[a-z]', '[0-9]', 'x'];
const queryText = fc.array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...QUERY_TOKENS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }), { maxLength: 16 }).map((t) => t.join(''));
const fieldText = fc.option(fc.string({ unit: charFrom(['f', 'e', 'n', 't', 'o', 'd', ' ', 'a', 'z', ',', '-', '1', 'İ', 'i']), maxLength: 24 }), { nil: null, freq: 8 });

/** The AST without source positions (formatting moves them). */
function shape(node: QueryNode): unknown {
  switch (node.kind) {
    case 'term':
      return { kind: 'term', text: node.text, pattern: node.pattern };
    case 'isnull':
    case 'isblank':
      return { kind: node.kind };
    case 'andnot':
      return { kind: 'andnot', left: shape(node.left), right: shape(node.right) };
    default:
      return { kind: node.kind, children: node.children.map(shape) };
  }
}

describe('ESSENCE query syntax (property)', () => {
  it('parses (formatQuery round-trips, compileQuery gives a boolean) or throws a positioned SyntaxQueryError', () => {
    fc.assert(
      fc.property(queryText, fc.array(fieldText, { minLength: 1, maxLength: 3 }), (query, texts) => {
        let ast: QueryNode;
        try {
          ast = parseQuery(query);
        } catch (error) {
          expect(error).toBeInstanceOf(SyntaxQueryError);
          const { position } = error as SyntaxQueryError;
          expect(Number.isInteger(position) && position >= 1 && position <= query.length + 1).toBe(true);
          return;
        }
        const formatted = formatQuery(ast);
        expect(shape(parseQuery(formatted))).toEqual(shape(ast));
        const test = compileQuery(ast);
        const again = compileQuery(formatted);
        for (const text of texts) {
          const matched = test(text);
          expect(typeof matched).toBe('boolean');
          expect(again(text)).toBe(matched);
        }
      }),
      { numRuns: RUNS, seed: 2011 },
    );
  }, TEST_MS);

  // Regression: a bracket range whose end lower-cases to two characters ('İ' → 'i̇') compiled to
  // an invalid RegExp, and compileQuery threw a bare SyntaxError.
  it('reports a bracket range from İ as a located error, not an invalid RegExp', () => {
    expect(() => parseQuery('[İ-z]')).toThrow(SyntaxQueryError);
    expect(compileQuery('^[a-İ]^')('b')).toBe(true);
  });

  // Regression: keywords were looked up in a plain object, so `constructor` or `toString` was
  // taken for a keyword (an error at the start of the query; a function as the token kind).
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('reads the word %j as a term', (word) => {
    expect(parseQuery(word)).toMatchObject({ kind: 'term', text: word });
    expect(compileQuery(`fent,or,${word}`)(word)).toBe(true);
  });
});

describe('format lookups keyed by what a file says', () => {
  it('an extension named like an Object member is not found in the tables', () => {
    expect(detectEdFormat('', 'feed.constructor')).toBe('ed-csv');
    expect(detectDeathFormat('', 'file.__proto__')).toBe('csv');
    expect(detectDeathFormat('', 'file.toString')).toBe('csv');
  });
});
