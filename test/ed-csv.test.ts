import fs from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FileFormatError } from '../pipeline/formats/certificate-csv.ts';
import { type EdReadResult, readEdCsv } from '../pipeline/formats/ed-csv.ts';
import { detectEdFormat, type EdFeedResult, formatEdErrors, readEdFeed } from '../pipeline/formats/ed-feed.ts';
import { readEdNdjson } from '../pipeline/formats/ed-ndjson.ts';
import { normaliseCmCode, parseDiagnoses } from '../pipeline/records/ed-visit-schema.ts';

const HEADER = 'visit_id,facility_id,visit_datetime,age,sex,patient_county_fips,chief_complaint,triage_note,discharge_diagnoses';
const SAMPLES = new URL('../fixtures/samples/', import.meta.url);

async function collect(batches: AsyncIterable<EdFeedResult[]>): Promise<EdFeedResult[]> {
  const results: EdFeedResult[] = [];
  for await (const batch of batches) results.push(...batch);
  return results;
}
const csv = (text: string | Buffer[]) => collect(readEdCsv(Readable.from(typeof text === 'string' ? [text] : text))) as Promise<EdReadResult[]>;
const ndjson = (chunks: string[]) => collect(readEdNdjson(Readable.from(chunks.map((chunk) => Buffer.from(chunk))))) as Promise<EdReadResult[]>;
/** The errors of one bad row, for rows that differ from a good one in one field. */
const errorsOf = async (row: string) => {
  const [result] = await csv(`${HEADER}\n${row}\n`);
  return result!.ok ? [] : result!.errors;
};
const GOOD = ['V1', 'F1', '2024-03-01T10:15', '34', 'M', '39061', 'OD', 'narcan x2', 'T40.411A'];
const withField = (i: number, value: string) => GOOD.map((v, j) => (j === i ? value : v)).join(',');

describe('ED CSV reader', () => {
  it('reads a row into a visit: blanks as null, codes dotted and upper-cased, the date-time in T form', async () => {
    expect(await csv(`${HEADER}\nV1, F1 ,2024-03-01 10:15:30,34,m,39061,OD on fent,,t40411a;F11.10\n`)).toEqual([
      {
        ok: true,
        line: 2,
        record: {
          visitId: 'V1',
          facilityId: 'F1',
          visitDatetime: '2024-03-01T10:15:30',
          age: 34,
          sex: 'M',
          patientCountyFips: '39061',
          chiefComplaint: 'OD on fent',
          triageNote: null,
          dischargeDiagnoses: ['T40.411A', 'F11.10'],
        },
      },
    ]);
  });

  it('handles a byte-order mark, CRLF, quoted commas, doubled quotes and line breaks, naming the line each record starts on', async () => {
    const text = `\uFEFF${HEADER}\r\nV1,F1,2024-03-01T10:15,,,,"SOB, wheezing","pt said ""can't breathe""\r\nper EMS",\r\nV2,F1,2024-03-01T11:00,,,,fever,,\r\n`;
    const results = await csv(text);
    expect(results.map((r) => r.line)).toEqual([2, 4]);
    expect(results[0]).toMatchObject({ ok: true, record: { chiefComplaint: 'SOB, wheezing', triageNote: 'pt said "can\'t breathe"\r\nper EMS' } });
    expect(results[1]).toMatchObject({ ok: true, record: { visitId: 'V2', chiefComplaint: 'fever' } });
  });

  it('gives the same results however the bytes are cut, even inside a UTF-8 character', async () => {
    const bytes = Buffer.from(`${HEADER}\nV1,F1,2024-03-01T10:15,,,,"douleur thoracique, très forte",,I20.9\n`);
    const whole = await csv([bytes]);
    for (let cut = 1; cut < bytes.length; cut++) expect(await csv([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(whole);
    expect(whole[0]).toMatchObject({ record: { chiefComplaint: 'douleur thoracique, très forte' } });
  });

  it('accepts diagnosis codes dotted or not, in any case, dropping duplicates and empty items', async () => {
    expect(parseDiagnoses(' T40411A ; t40.411a;F1110;;I10;R50.9;')).toEqual({ codes: ['T40.411A', 'F11.10', 'I10', 'R50.9'], bad: [] });
    expect(normaliseCmCode('W11XXXA')).toBe('W11.XXXA');
    expect(normaliseCmCode('U071')).toBe('U07.1');
    expect(normaliseCmCode('T4.0411A')).toBeNull();
    expect(normaliseCmCode('T40.41155')).toBeNull();
    expect(normaliseCmCode('1A0')).toBeNull();
  });

  it('reports each validation error with its field, and the record id', async () => {
    expect(await errorsOf(withField(0, ' '))).toEqual([{ field: 'visit_id', message: 'is required' }]);
    expect(await errorsOf(withField(0, 'V'.repeat(65)))).toEqual([{ field: 'visit_id', message: 'longer than 64 characters' }]);
    expect(await errorsOf(withField(1, 'F'.repeat(65)))).toEqual([{ field: 'facility_id', message: 'longer than 64 characters' }]);
    expect(await errorsOf(withField(2, ''))).toEqual([{ field: 'visit_datetime', message: 'is required' }]);
    for (const bad of ['2024-03-01', '2024/03/01 10:15', '2024-03-01T10:15:3', '20240301T1015', '2024-03-01T10:15Z']) {
      expect(await errorsOf(withField(2, bad))).toEqual([{ field: 'visit_datetime', message: 'not a date and time in YYYY-MM-DDTHH:MM[:SS] form' }]);
    }
    for (const bad of ['2024-02-30T10:15', '2023-02-29T10:15', '2024-13-01T10:15', '2024-03-01T24:00', '2024-03-01T10:60', '2024-03-01T10:15:60']) {
      expect(await errorsOf(withField(2, bad))).toEqual([{ field: 'visit_datetime', message: `no such date and time: ${bad}` }]);
    }
    expect(await errorsOf(withField(2, '2024-02-29T23:59:59'))).toEqual([]);
    for (const bad of ['121', '-1', '3.5', 'abc', '1000']) {
      expect(await errorsOf(withField(3, bad))).toEqual([{ field: 'age', message: 'not an age in whole years (0-120)' }]);
    }
    expect(await errorsOf(withField(3, '120'))).toEqual([]);
    expect(await errorsOf(withField(4, 'X'))).toEqual([{ field: 'sex', message: 'not a sex code (M, F, U)' }]);
    expect(await errorsOf(withField(5, '3906'))).toEqual([{ field: 'patient_county_fips', message: 'not a 5-digit county FIPS code' }]);
    expect(await errorsOf(withField(5, '3906A'))).toEqual([{ field: 'patient_county_fips', message: 'not a 5-digit county FIPS code' }]);
    expect(await errorsOf(withField(6, 'x'.repeat(10_001)))).toEqual([{ field: 'chief_complaint', message: 'longer than 10000 characters' }]);
    expect(await errorsOf(withField(7, 'x'.repeat(10_001)))).toEqual([{ field: 'triage_note', message: 'longer than 10000 characters' }]);
    expect(await errorsOf(withField(8, 'T40.411A;T4.0411A;heroin;F11.10'))).toEqual([
      { field: 'discharge_diagnoses', message: 'not an ICD-10-CM code: T4.0411A' },
      { field: 'discharge_diagnoses', message: 'not an ICD-10-CM code: heroin' },
    ]);
  });

  it('reports every bad field of a row at once, keeps the good rows, and formats errors with line and field', async () => {
    const results = await csv(`${HEADER}\nV1,F1,2024-02-30T10:00,200,X,3906,,,XYZ\nV2,F1,2024-03-01T10:00,,,,,,\nV3,F1\n`);
    expect(results.map((r) => r.ok)).toEqual([false, true, false]);
    expect(formatEdErrors(results[0]!)).toEqual([
      'line 2: visit_datetime: no such date and time: 2024-02-30T10:00',
      'line 2: age: not an age in whole years (0-120)',
      'line 2: sex: not a sex code (M, F, U)',
      'line 2: patient_county_fips: not a 5-digit county FIPS code',
      'line 2: discharge_diagnoses: not an ICD-10-CM code: XYZ',
    ]);
    expect(results[0]).toMatchObject({ recordId: 'V1' });
    expect(results[2]).toEqual({
      ok: false,
      line: 4,
      recordId: 'V3',
      errors: [
        { field: '', message: 'has 2 fields, the header has 9' },
        { field: 'visit_datetime', message: 'is required' },
      ],
    });
  });

  it('takes the columns in any order and ignores extra ones', async () => {
    const [result] = await csv('sex,extra,discharge_diagnoses,visit_id,facility_id,visit_datetime,age,patient_county_fips,chief_complaint,triage_note\nF,zzz,R509,V9,F2,2024-01-01T00:00,2,39165,fever,\n');
    expect(result).toMatchObject({ ok: true, record: { visitId: 'V9', sex: 'F', age: 2, dischargeDiagnoses: ['R50.9'] } });
  });

  it('rejects a file that is empty, has no header, misses columns, or never closes a quote', async () => {
    await expect(csv('')).rejects.toThrowError(new FileFormatError('the file is empty: expected the ED visit header and at least one record'));
    await expect(csv('V1,F1,2024-03-01T10:15,34,M,39061,OD,,\n')).rejects.toThrowError(
      new FileFormatError(`the first line is not the ED visit header; it must name the columns: ${HEADER}`, 1),
    );
    await expect(csv('visit_id,visit_datetime,age\nV1,2024-03-01T10:15,3\n')).rejects.toThrow(
      'line 1: missing columns: facility_id, sex, patient_county_fips, chief_complaint, triage_note, discharge_diagnoses',
    );
    await expect(csv(`${HEADER}\nV1,F1,2024-03-01T10:15,,,,"never closed,,\n`)).rejects.toThrow('line 2: a quoted field is never closed');
  });

  it('reads the sample file', async () => {
    const results = await collect(readEdFeed(fs.createReadStream(new URL('ed-visits-small.csv', SAMPLES)), 'ed-csv'));
    expect(results.map((r) => r.ok)).toEqual(Array(10).fill(true));
    expect(results.map((r) => r.line)).toEqual([2, 3, 4, 5, 7, 8, 9, 10, 11, 12]);
    expect(results[3]).toMatchObject({ record: { triageNote: 'pt states "I just missed the last step"\nhit head, no LOC', dischargeDiagnoses: ['W11.XXXA', 'S09.90XA'] } });
  });
});

describe('ED NDJSON reader', () => {
  const line = (fields: Record<string, unknown>) => JSON.stringify({ visit_id: 'V1', facility_id: 'F1', visit_datetime: '2024-03-01T10:15', ...fields });

  it('reads objects with the CSV column names; numbers and lists of codes are accepted', async () => {
    const [result] = await ndjson([`${line({ age: 7, sex: 'f', discharge_diagnoses: ['J069', 'R50.9'], chief_complaint: null })}\n`]);
    expect(result).toEqual({
      ok: true,
      line: 1,
      record: { visitId: 'V1', facilityId: 'F1', visitDatetime: '2024-03-01T10:15', age: 7, sex: 'F', patientCountyFips: null, chiefComplaint: null, triageNote: null, dischargeDiagnoses: ['J06.9', 'R50.9'] },
    });
  });

  it('reports a line that is not JSON and loads the rest, counting lines through blanks, CRLF and a BOM', async () => {
    const bad = '{"visit_id":"V2",';
    let parseError = '';
    try {
      JSON.parse(bad);
    } catch (error) {
      parseError = (error as Error).message;
    }
    const text = `\uFEFF${line({})}\r\n\r\n${bad}\r\n[1,2]\n${line({ visit_id: 'V5', age: true })}\n${line({ visit_id: 'V6' })}`;
    const results = await ndjson([text]);
    expect(results.map((r) => [r.line, r.ok])).toEqual([[1, true], [3, false], [4, false], [5, false], [6, true]]);
    expect(results.filter((r) => !r.ok).flatMap((r) => formatEdErrors(r))).toEqual([
      `line 3: not valid JSON: ${parseError}`,
      'line 4: not a JSON object',
      'line 5: age: not a string or number',
    ]);
    expect(results[3]).toMatchObject({ recordId: 'V5' });
    // Cut into one-character chunks, the result is the same.
    expect(await ndjson([...text])).toEqual(results);
  });

  it('reads the sample file: the same visits as the CSV sample', async () => {
    const fromNdjson = await collect(readEdFeed(fs.createReadStream(new URL('ed-visits-small.ndjson', SAMPLES)), 'ed-ndjson'));
    const fromCsv = await collect(readEdFeed(fs.createReadStream(new URL('ed-visits-small.csv', SAMPLES)), 'ed-csv'));
    expect(fromNdjson.map((r) => r.ok && r.record)).toEqual(fromCsv.map((r) => r.ok && r.record));
    expect(fromNdjson.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('detectEdFormat', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  it('tells the format from the content first, then from the file name, else ED CSV', () => {
    expect(detectEdFormat(bytes(`\uFEFF${HEADER}\n`), 'upload.txt')).toBe('ed-csv');
    expect(detectEdFormat(bytes('"visit_id","facility_id"\n'), 'x')).toBe('ed-csv');
    expect(detectEdFormat(bytes('  {"visit_id":"V1"}\n'), 'feed.csv')).toBe('ed-ndjson');
    expect(detectEdFormat(bytes('MSH|^~\\&|EDIS\r'), 'feed.txt')).toBe('hl7');
    expect(detectEdFormat(bytes('\u000bMSH|^~\\&|'), 'stream.bin')).toBe('hl7');
    expect(detectEdFormat(bytes('FHS|^~\\&|\r'), 'batch')).toBe('hl7');
    expect(detectEdFormat(bytes(''), 'visits.NDJSON')).toBe('ed-ndjson');
    expect(detectEdFormat('garbage', 'adt.hl7')).toBe('hl7');
    expect(detectEdFormat('MSHALL,visit_id\n', 'x.txt')).toBe('ed-csv');
    // Neither tells: the CSV reader then says what it expected.
    expect(detectEdFormat('garbage', 'visits.dat')).toBe('ed-csv');
  });
});
