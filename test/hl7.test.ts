import fs from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type EdFeedResult, formatEdErrors, readEdFeed } from '../pipeline/formats/ed-feed.ts';
import { type AdtMessageResult, readAdtMessages, readHl7Visits } from '../pipeline/formats/hl7/read-hl7.ts';
import { Hl7Splitter, type RawMessage } from '../pipeline/formats/hl7/mllp.ts';
import { parseMessage } from '../pipeline/formats/hl7/segments.ts';
import type { Hl7VisitResult } from '../pipeline/formats/hl7/visits.ts';

const SAMPLE = new URL('../fixtures/samples/adt-small.hl7', import.meta.url);

interface Adt {
  type?: string;
  time?: string;
  visit?: string;
  admit?: string;
  sex?: string;
  address?: string;
  /** EVN-7, the treating facility. */
  evn7?: string;
  extra?: string[];
}

/** An ADT message in the PHIN syndromic surveillance layout, one string per segment. */
function adt({ type = 'ADT^A04^ADT_A01', time = '20240301101532', visit = 'V1', admit = '20240301101200', sex = 'M', address = '^^Columbus^OH^43215^USA^^^39049', evn7 = '', extra = [] }: Adt = {}): string[] {
  return [
    `MSH|^~\\&|EDIS|Riverside ED^1417932685^NPI|NSSP|OHDOH|${time}||${type}|C1|P|2.5.1`,
    `EVN||${time}${evn7 === '' ? '' : `|||||${evn7}`}`,
    `PID|1||4821^^^RMH^MR||~^^^^^^S|||${sex}|||${address}`,
    `PV1|1|E${'|'.repeat(17)}${visit}^^^RMH^VN${'|'.repeat(25)}${admit}`,
    ...extra,
  ];
}
const obx = (loinc: string, type: string, value: string, units = '') => `OBX|1|${type}|${loinc}^^LN||${value}|${units}|||||F`;

const splitAll = (chunks: Buffer[]): RawMessage[] => {
  const splitter = new Hl7Splitter();
  const out: RawMessage[] = [];
  for (const chunk of chunks) splitter.push(chunk, out);
  return splitter.end(out);
};
async function collect<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const results: T[] = [];
  for await (const batch of batches) results.push(...batch);
  return results;
}
const messages = (text: string) => collect<AdtMessageResult>(readAdtMessages(Readable.from([Buffer.from(text)])));
const visits = (text: string) => collect<Hl7VisitResult>(readHl7Visits(Readable.from([Buffer.from(text)])));
const file = (...messages: string[][]) => messages.map((segments) => segments.join('\r')).join('\r\n');
const blankLineSeparated = (...messages: string[][]) => messages.map((segments) => segments.join('\r')).join('\r\n\r\n');
const errorLines = (results: (AdtMessageResult | EdFeedResult)[]) => results.flatMap((r) => (r.ok ? [] : formatEdErrors(r)));

describe('HL7 segments', () => {
  it('splits fields, repetitions, components and subcomponents, and resolves escape sequences', () => {
    const parsed = parseMessage(['MSH|^~\\&|EDIS', 'OBX|1|TX|54094-8^Triage note^LN||pain 8\\F\\10 \\T\\ nausea \\S\\ \\R\\ \\E\\ \\X4142\\\\.br\\done \\H\\x\\N\\ \\Z9\\ \\open|a&b^c~d^e']);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const m = parsed.message;
    const segment = m.first('OBX');
    expect(m.value(m.first('MSH'), 1)).toBe('|');
    expect(m.value(m.first('MSH'), 2)).toBe('^~\\&');
    expect(m.value(m.first('MSH'), 3)).toBe('EDIS');
    expect(m.value(segment, 3, 2)).toBe('Triage note');
    expect(m.unescape(segment!.fields[5]!)).toBe('pain 8|10 & nausea ^ ~ \\ AB\ndone x \\Z9\\ \\open');
    expect(m.repetitions(segment, 6)).toEqual(['a&b^c', 'd^e']);
    expect(m.component('a&b^c', 1, 2)).toBe('b');
    expect(m.value(segment, 6, 2)).toBe('c');
    expect(m.value(segment, 9)).toBe('');
  });

  it('honours the delimiters a message declares in MSH-1 and MSH-2', async () => {
    const custom = [
      'MSH#$*@%#EDIS#Riverside ED$1417932685$NPI#NSSP#OHDOH#20240301101532##ADT$A04$ADT_A01#C1#P#2.5.1',
      'PID#1##4821##~$$$$$$S###F###$$Columbus$OH$43215$USA$$$39049',
      `PV1#1#E${'#'.repeat(17)}V7$$$RMH$VN${'#'.repeat(25)}20240301101200`,
      'OBX#1#TX#8661-1$$LN##chest pain @F@ SOB @T@ dizzy*chills',
      'DG1#1##I209$Angina$I10C%x',
    ];
    const [result] = await visits(custom.join('\r'));
    expect(result).toMatchObject({
      ok: true,
      record: { visitId: 'V7', facilityId: '1417932685', sex: 'F', chiefComplaint: 'chest pain # SOB % dizzy; chills', dischargeDiagnoses: ['I20.9'] },
    });
  });

  it('rejects encoding characters that are not 4 distinct delimiters, and lines that are not segments', () => {
    expect(parseMessage(['MSH|^~|EDIS'])).toEqual({ ok: false, errors: [{ field: 'MSH-2', message: 'encoding characters "^~" are not 4 distinct delimiters after the field separator "|"' }] });
    expect(parseMessage(['MSH|^^\\&|EDIS'])).toMatchObject({ ok: false, errors: [{ field: 'MSH-2' }] });
    expect(parseMessage(['MSH|^~\\&|EDIS', 'pid|1', 'PV1x'])).toEqual({
      ok: false,
      errors: [
        { field: 'segment 2', message: 'not an HL7 segment: "pid|1"' },
        { field: 'segment 3', message: 'not an HL7 segment: "PV1x"' },
      ],
    });
  });
});

describe('HL7 framing', () => {
  const framed = (segments: string[]) => `\u000b${segments.join('\r')}\r\u001c\r`;
  const stream = Buffer.from(framed(adt({ visit: 'V1' })) + '\n' + framed(adt({ visit: 'V2' })) + framed(adt({ visit: 'Vé' })));

  it('splits an MLLP stream into messages with their byte offsets', () => {
    const split = splitAll([stream]);
    expect(split.map((m) => [m.index, m.offset, m.line, m.problem, m.segments.length])).toEqual([
      [1, 0, null, null, 4],
      [2, stream.indexOf(0x0b, 1), null, null, 4],
      [3, stream.lastIndexOf(0x0b), null, null, 4],
    ]);
    expect(split[2]!.segments[3]).toContain('|Vé^^^RMH^VN|');
  });

  it('gives the same messages however the stream is cut, down to one byte at a time', () => {
    const whole = splitAll([stream]);
    for (let cut = 0; cut <= stream.length; cut++) expect(splitAll([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(whole);
    expect(splitAll([...stream].map((byte) => Buffer.from([byte])))).toEqual(whole);
  });

  it('reports broken framing and keeps the next message', () => {
    const good = framed(adt());
    const text = `\u000bMSH|^~\\&|cut short\r${good}junk\r\n${good}\u000bMSH|^~\\&|never ended`;
    const split = splitAll([Buffer.from(text)]);
    expect(split.map((m) => [m.index, m.offset, m.problem])).toEqual([
      [1, 0, 'the MLLP frame was not closed: a start block 0x0B came before the end block 0x1C'],
      [2, 20, null],
      [3, 20 + good.length, 'bytes outside an MLLP frame (expected the start block 0x0B)'],
      [4, 20 + good.length + 6, null],
      [5, 20 + 2 * good.length + 6, 'the stream ended inside an MLLP frame (no end block 0x1C)'],
    ]);
  });

  it('reads files of messages whose segments end with CR, LF or CRLF, separated by blank lines or by the next MSH', () => {
    const [a, b, c] = [adt({ visit: 'A' }), adt({ visit: 'B' }), adt({ visit: 'C' })];
    for (const end of ['\r', '\n', '\r\n']) {
      const text = `\uFEFF${a.join(end)}${end}${end}${end}${b.join(end)}${end}${c.join(end)}${end}`;
      const bytes = Buffer.from(text);
      const split = splitAll([bytes]);
      expect(split.map((m) => [m.index, m.line, m.offset, m.segments])).toEqual([
        [1, 1, 3, a],
        [2, 7, 3 + (a.join(end).length + 3 * end.length), b],
        [3, 11, 3 + (a.join(end).length + 3 * end.length) + b.join(end).length + end.length, c],
      ]);
      for (let cut = 0; cut <= bytes.length; cut++) expect(splitAll([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(split);
    }
  });

  it('drops batch envelopes (FHS, BHS, BTS, FTS)', () => {
    const split = splitAll([Buffer.from(['FHS|^~\\&|EDIS', 'BHS|^~\\&|EDIS', ...adt(), 'BTS|1', 'FTS|1'].join('\n'))]);
    expect(split.map((m) => [m.index, m.line, m.segments.length])).toEqual([[1, 3, 4]]);
  });
});

describe('HL7 ADT messages', () => {
  it('maps an A04 to the visit fields the PHIN guide puts where', async () => {
    const message = adt({
      time: '20240301101532.123-0500',
      admit: '20240301101200-0500',
      address: '^^Cincinnati^OH^45202^USA^^^061~^^Dayton^OH^^^^^39113',
      evn7: 'UC Medical Center ED^1740283779^NPI',
      extra: [
        'PV2|||R07.9^Chest pain^I10C',
        obx('21612-7', 'NM', '8', 'mo^month^UCUM'),
        obx('8661-1', 'CWE', 'R07.9^Chest pain^I10C^^^^^^CP since last night'),
        obx('54094-8', 'TX', 'pt c/o CP'),
        obx('54094-8', 'TX', 'radiating to jaw'),
        'DG1|1||R079^Chest pain^I10C||20240301|W',
        'DG1|2||29857009^Chest pain^SCT^R07.9^Chest pain^I10C||20240301|W',
        'DG1|3||786.50^Chest pain^I9CDX||20240301|W',
      ],
    });
    expect(await messages(message.join('\r'))).toEqual([
      {
        message: 1,
        line: 1,
        offset: 0,
        ok: true,
        update: {
          visitId: 'V1',
          facilityId: '1740283779',
          event: 'A04',
          messageTime: '2024-03-01T10:15:32',
          visitDatetime: '2024-03-01T10:12:00',
          age: 0,
          sex: 'M',
          patientCountyFips: '39061',
          chiefComplaint: 'CP since last night',
          triageNote: 'pt c/o CP radiating to jaw',
          dischargeDiagnoses: ['R07.9'],
        },
      },
    ]);
  });

  it('prefers a free-text chief complaint, then coded text, then PV2-3; converts age units; maps O to U', async () => {
    const cases: [string[], Record<string, unknown>][] = [
      [[obx('8661-1', 'CWE', 'R07.9^Chest pain^I10C'), obx('8661-1', 'TX', 'CP x2d')], { chiefComplaint: 'CP x2d' }],
      [[obx('8661-1', 'CWE', 'R07.9^Chest pain^I10C'), 'PV2|||^ADMIT REASON'], { chiefComplaint: 'Chest pain' }],
      [['PV2|||^FEVER AND COUGH'], { chiefComplaint: 'FEVER AND COUGH' }],
      [[obx('21612-7', 'NM', '3', 'wk')], { age: 0 }],
      [[obx('21612-7', 'NM', '800', 'd')], { age: 2 }],
      [[obx('21612-7', 'NM', '24', 'mo')], { age: 2 }],
      [[obx('21612-7', 'NM', '45', 'a^year^UCUM')], { age: 45 }],
      [[obx('21612-7', 'NM', '', 'UNK')], { age: null }],
    ];
    for (const [extra, expected] of cases) {
      const [result] = await messages(adt({ extra }).join('\r'));
      expect(result).toMatchObject({ ok: true, update: expected });
    }
    const [other] = await messages(adt({ sex: 'O', address: '^^Columbus^39^^^^^049' }).join('\r'));
    expect(other).toMatchObject({ ok: true, update: { sex: 'U', patientCountyFips: '39049' } });
  });

  it('reports a message with no MSH, another message type, and each bad field, located; and loads the rest', async () => {
    // Blank lines between messages: without them a message that lost its MSH would join the one before.
    const text = blankLineSeparated(
      adt({ visit: 'OK1' }),
      adt().slice(1),
      adt({ type: 'ORU^R01^ORU_R01' }),
      adt({ visit: '' }),
      adt({ time: '2024-03-01 10:15', admit: '2024030110' }),
      adt({ time: '20240230101500', admit: '20240301251200' }),
      adt({ sex: 'X', address: '^^Columbus^XX^^^^^049' }),
      adt({ address: '^^^OH^^^^^3904', extra: [obx('21612-7', 'NM', '45', 'yr'), obx('21612-7', 'NM', 'forty', 'a')] }),
      adt({ extra: [obx('21612-7', 'NM', '130', 'a'), 'DG1|1||TT0.1^^I10C', 'DG1|2||T40.1X1A^^I10C'] }),
      [adt()[0]!, 'EVN|', 'PV1|1|E'],
      adt({ visit: 'OK2' }),
    );
    const results = await messages(text);
    expect(results.map((r) => r.ok)).toEqual([true, false, false, false, false, false, false, false, false, false, true]);
    expect(errorLines(results)).toEqual([
      'message 2 (line 6): MSH segment missing: the message starts with "EVN"',
      'message 3 (line 10): MSH-9 message type ORU^R01 is not ADT A01, A03, A04 or A08; skipped',
      'message 4 (line 15): PV1-19 visit id is empty',
      'message 5 (line 20): MSH-7 message date/time 2024-03-01 10:15 is not an HL7 timestamp (YYYYMMDDHHMM[SS])',
      'message 5 (line 20): PV1-44 admit date/time 2024030110 is not an HL7 timestamp (YYYYMMDDHHMM[SS])',
      'message 6 (line 25): MSH-7 message date/time 20240230101500 is not a real date and time',
      'message 6 (line 25): PV1-44 admit date/time 20240301251200 is not a real date and time',
      'message 7 (line 30): PID-8 sex "X" is not an HL7 administrative sex code (M, F, U, A, N, O)',
      'message 7 (line 30): PID-11.9 county code 049 has 3 digits and PID-11.4 state "XX" is not a US state code',
      'message 8 (line 35): PID-11.9 county code 3904 is not a 5-digit FIPS code or a 3-digit county code',
      'message 8 (line 35): OBX[1]-6 age unit "yr" is not a, mo, wk or d (UCUM)',
      'message 8 (line 35): OBX[2]-5 age "forty" is not a number',
      'message 9 (line 42): OBX[1]-5 age 130 a is more than 120 years',
      'message 9 (line 42): DG1[1]-3 diagnosis TT0.1 is not an ICD-10-CM code',
      'message 10 (line 50): PV1-19 visit id is empty',
      'message 10 (line 50): PID segment missing',
    ]);
    expect(results[4]).toMatchObject({ recordId: 'V1' });
    expect(results.filter((r) => r.ok).map((r) => r.ok && r.update.visitId)).toEqual(['OK1', 'OK2']);
  });

  it('takes the facility from EVN-7, else MSH-4, the universal id before the namespace id', async () => {
    const withSender = (sender: string, evn7 = '') => adt({ evn7 }).map((segment, i) => (i === 0 ? segment.replace('Riverside ED^1417932685^NPI', sender) : segment));
    const facilities: (string | false)[] = [];
    for (const segments of [withSender('Riverside ED'), withSender('', 'Mercy ED^^'), withSender('HIE^2.16.840.1.113883.3.1^ISO', 'Mercy ED^1932145562^NPI')]) {
      const [result] = await messages(segments.join('\r'));
      facilities.push(result!.ok && result!.update.facilityId);
    }
    expect(facilities).toEqual(['Riverside ED', 'Mercy ED', '1932145562']);
    expect(errorLines(await messages(withSender('').join('\r')))).toEqual(['message 1 (line 1): MSH-4 sending facility is empty and EVN-7 names no treating facility']);
  });

  it('names the byte offset instead of the line in an MLLP stream', async () => {
    const first = `\u000b${adt().join('\r')}\u001c\r`;
    const results = await messages(`${first}\u000b${adt({ visit: '' }).join('\r')}\u001c\r`);
    expect(errorLines(results)).toEqual([`message 2 (byte ${first.length}): PV1-19 visit id is empty`]);
  });
});

describe('HL7 visits merged from several messages', () => {
  const a04 = adt({ time: '20240301232210', admit: '20240301231800', sex: 'F', extra: [obx('21612-7', 'NM', '31', 'a'), obx('8661-1', 'TX', 'pt found down')] });
  const a08 = adt({ type: 'ADT^A08^ADT_A01', time: '20240302000512', admit: '', sex: '', address: '', extra: [obx('8661-1', 'TX', 'OD on fent'), obx('54094-8', 'TX', 'narcan x2')] });
  const a03 = adt({ type: 'ADT^A03^ADT_A03', time: '20240302064001', admit: '', sex: '', address: '', extra: ['DG1|1||T40411A^^I10C', 'DG1|2||F11.10^^I10C'] });

  it('A04 → A08 → A03: the latest message wins per field it carries, empty fields do not erase, the chief complaint history is kept', async () => {
    expect(await visits(file(a04, a08, a03))).toEqual([
      {
        message: 1,
        line: 1,
        offset: 0,
        ok: true,
        messages: [1, 2, 3],
        record: {
          visitId: 'V1',
          facilityId: '1417932685',
          visitDatetime: '2024-03-01T23:18:00',
          age: 31,
          sex: 'F',
          patientCountyFips: '39049',
          chiefComplaint: 'OD on fent',
          triageNote: 'narcan x2',
          dischargeDiagnoses: ['T40.411A', 'F11.10'],
          chiefComplaintHistory: [
            { text: 'pt found down', at: '2024-03-01T23:22:10' },
            { text: 'OD on fent', at: '2024-03-02T00:05:12' },
          ],
        },
      },
    ]);
  });

  it('orders by MSH-7, not by arrival: a late-arriving older update does not overwrite, ties go to the later message', async () => {
    const stale = adt({ type: 'ADT^A08^ADT_A01', time: '20240301235900', admit: '', extra: [obx('8661-1', 'TX', 'pt found down'), obx('54094-8', 'TX', 'old note')] });
    const tie = adt({ type: 'ADT^A08^ADT_A01', time: '20240302064001', admit: '', extra: ['DG1|1||T40.1X1A^^I10C'] });
    const [merged] = await visits(file(a04, a08, a03, stale, tie));
    expect(merged).toMatchObject({
      ok: true,
      messages: [1, 2, 3, 4, 5],
      record: { chiefComplaint: 'OD on fent', triageNote: 'narcan x2', dischargeDiagnoses: ['T40.1X1A'] },
    });
    expect(merged!.ok && merged!.record.chiefComplaintHistory).toEqual([
      { text: 'pt found down', at: '2024-03-01T23:22:10' },
      { text: 'OD on fent', at: '2024-03-02T00:05:12' },
    ]);
  });

  it('keeps visits of different facilities apart, and reports a visit no message dated', async () => {
    const other = adt({ time: '20240301120000', extra: [] }).map((segment) => segment.replace('Riverside ED^1417932685', 'Mercy ED^1932145562'));
    const undated = adt({ visit: 'V9', admit: '' });
    const results = await visits(file(a04, other, undated));
    expect(results.map((r) => [r.ok, r.ok ? r.record.facilityId : r.recordId])).toEqual([[true, '1417932685'], [true, '1932145562'], [false, 'V9']]);
    expect(errorLines(results)).toEqual(['message 3 (line 11): PV1-44 no message of this visit gave the admit date/time']);
  });

  it('reads the sample feed: three visits, the lab result and the headless message reported', async () => {
    const results = await collect(readEdFeed(fs.createReadStream(SAMPLE), 'hl7'));
    expect(errorLines(results)).toEqual([
      'message 4 (line 23): MSH-9 message type ORU^R01 is not ADT A01, A03, A04 or A08; skipped',
      'message 6 (line 35): MSH segment missing: the message starts with "EVN"',
    ]);
    const merged = results.flatMap((r) => (r.ok && 'messages' in r ? [[r.messages, r.record] as const] : []));
    expect(merged.map(([numbers, record]) => [numbers, record.visitId, record.age, record.patientCountyFips, record.dischargeDiagnoses])).toEqual([
      [[1, 3, 8], 'V240301-0042', 54, '39049', ['I21.4', 'I10', 'E11.9']],
      [[2, 7, 9], 'E9930417', 31, '39061', ['T40.411A', 'F11.10']],
      [[5, 10], 'E9930452', 0, '39061', ['J06.9', 'R50.9']],
    ]);
    expect(merged[0]![1]).toMatchObject({
      triageNote: '54 yo M c/o substernal CP since yesterday, worse w/ exertion. h/o HTN & DM2',
      chiefComplaintHistory: [
        { text: 'CP x2d', at: '2024-03-01T10:15:32' },
        { text: 'chest pain radiating to L arm, diaphoretic', at: '2024-03-01T10:40:10' },
      ],
    });
    expect(merged[2]![1]).toMatchObject({ chiefComplaint: 'FEVER AND COUGH X3 DAYS', visitDatetime: '2024-03-02T02:10:00' });
  });
});
