import fs from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CodedCertificate } from '../pipeline/coding/deaths/types.ts';
import { FileFormatError } from '../pipeline/formats/certificate-csv.ts';
import { detectDeathFormat } from '../pipeline/formats/detect-death-format.ts';
import { ijeField, replaceField, type IjeFieldName } from '../pipeline/formats/ije/fields.ts';
import { IJE_MORTALITY_FIELDS } from '../pipeline/formats/ije/layout.ts';
import { readIje, type IjeReadResult } from '../pipeline/formats/ije/read-ije.ts';
import { readIjeCodes, writeIjeCodes } from '../pipeline/formats/ije/write-ije.ts';

const DIR = new URL('../fixtures/conformance/vrdr-dotnet/ije/', import.meta.url);
const sample = (name: string) => fs.readFileSync(new URL(name, DIR), 'latin1');
const MA = sample('CODandCOUNTYCOther.ije');

async function read(input: string | string[]): Promise<IjeReadResult[]> {
  const results: IjeReadResult[] = [];
  for await (const batch of readIje(Readable.from(Array.isArray(input) ? input : [input]))) results.push(...batch);
  return results;
}

/** The record with a field set, left-aligned and space-padded. */
function withField(record: string, name: IjeFieldName, value: string): string {
  return replaceField(record, name, value.padEnd(ijeField(name).length, ' '));
}

function only(results: IjeReadResult[]) {
  expect(results).toHaveLength(1);
  const [result] = results;
  if (!result?.ok) throw new Error(`expected a certificate, got ${JSON.stringify(result)}`);
  return result;
}

const NYC = {
  certificateId: '000054', jurisdiction: 'YC', deathDate: '2021-07-12', age: 70, sex: 'M',
  residenceCountyFips: '36081', occurrenceCountyFips: '36061', manner: null, part1: [null, null, null, null], part2: null,
};
const MA_CERTIFICATE = {
  certificateId: '266148', jurisdiction: 'MA', deathDate: '2021-08-10', age: 87, sex: 'M', manner: 'N',
  part1: ['Pulmonary embolism', 'Deep venuous thrombosis in left thigh', 'Acute hepatic failure', 'Moderately differentiated hepatocellular carcinoma'],
  intervals: ['30 minutes', '3 days', '3 days', 'over 3 months'], part2: null, howInjury: null, injuryDate: null,
};

// Every IJE conformance file, with what it must read as. None of them is malformed.
const CONFORMANCE: Record<string, object> = {
  'CODandCOUNTYCOther.ije': { ...MA_CERTIFICATE, residenceCountyFips: '25000', occurrenceCountyFips: '25000' },
  'CODandCOUNTYCUnknown.ije': { ...MA_CERTIFICATE, residenceCountyFips: '25999', occurrenceCountyFips: '25999' },
  'DOBDatePartAbsent.ije': NYC,
  'DOBPartsAllUnknown.ije': {
    certificateId: '000005', jurisdiction: 'CT', deathDate: '2022-02-01', age: null, sex: 'U', manner: 'N',
    residenceCountyFips: null, occurrenceCountyFips: '09999',
    part1: ['Congestive Heart Failure', 'Atrial Fibrillation', null, null], intervals: ['Years', 'Years', null, null],
  },
  'EthnicityAllUnknown.ije': NYC,
  'EthnicityOtherCase.ije': NYC,
  'EthnicityOtherCaseNoWriteIn.ije': NYC,
  'EthnicityPlusOtherCase.ije': NYC,
  'UnknownBirthRecordId.ije': NYC,
};

describe('IJE conformance files (vrdr-dotnet)', () => {
  it('covers every file in the fixture folder', () => {
    expect(fs.readdirSync(DIR).sort()).toEqual(Object.keys(CONFORMANCE).sort());
  });

  for (const [file, expected] of Object.entries(CONFORMANCE)) {
    it(`reads ${file}`, async () => {
      const result = only(await read(sample(file)));
      expect(result.line).toBe(1);
      expect(result.certificate).toMatchObject(expected);
      expect(result.ije).toMatchObject({ void: false, replacement: false, year: Number(sample(file).slice(0, 4)) });
      expect(result.ije.text).toBe(sample(file));
    });
  }
});

describe('IJE layout', () => {
  it('has 259 fields tiling positions 1-5,000, with the FORMATS.md key fields where it says', () => {
    expect(IJE_MORTALITY_FIELDS).toHaveLength(259);
    let next = 1;
    for (const [, start, length] of IJE_MORTALITY_FIELDS) {
      expect(start).toBe(next);
      next = start + length;
    }
    expect(next).toBe(5001);
    const at = (name: IjeFieldName) => [ijeField(name).start, ijeField(name).length];
    expect([at('DOD_YR'), at('DSTATE'), at('FILENO'), at('VOID'), at('SEX'), at('AGETYPE'), at('AGE')]).toEqual([[1, 4], [5, 2], [7, 6], [13, 1], [189, 1], [200, 1], [201, 3]]);
    expect([at('COUNTYC'), at('STATEC'), at('COD'), at('DOD_MO'), at('DOD_DY'), at('MANNER')]).toEqual([[222, 3], [225, 2], [233, 3], [237, 2], [239, 2], [701, 1]]);
    expect([at('ACME_UC'), at('EAC'), at('RAC'), at('DOI_MO'), at('DOI_DY'), at('DOI_YR'), at('HOWINJ')]).toEqual([[710, 5], [715, 160], [876, 100], [981, 2], [983, 2], [985, 4], [2159, 250]]);
    expect([at('COUNTYCODE_I'), at('REPLACE'), at('COD1A'), at('COD1B'), at('COD1C'), at('COD1D')]).toEqual([[2467, 3], [2541, 1], [2542, 120], [2682, 120], [2822, 120], [2962, 120]]);
    expect([at('INTERVAL1A'), at('INTERVAL1B'), at('INTERVAL1C'), at('INTERVAL1D'), at('OTHERCONDITION')]).toEqual([[2662, 20], [2802, 20], [2942, 20], [3082, 20], [3102, 240]]);
  });
});

describe('IJE reader', () => {
  it('reports a malformed record in the middle of a file and loads the rest, one per line or back to back', async () => {
    const bad = withField(MA, 'DOD_MO', '13');
    const short = MA.slice(0, 4999);
    for (const text of [[MA, bad, short, MA].join('\n') + '\n', [MA, bad, MA].join('')]) {
      const results = await read(text);
      const packed = !text.includes('\n');
      expect(results.map((r) => r.ok)).toEqual(packed ? [true, false, true] : [true, false, false, true]);
      expect(results[1]).toEqual({
        ok: false, line: 2, recordId: '266148',
        errors: [{ field: 'DOD_MO', message: 'record 2: DOD_MO (position 237) "13" is not a month' }],
      });
      if (!packed) {
        expect(results[2]).toEqual({
          ok: false, line: 3, recordId: '266148',
          errors: [{ field: '', message: 'record 3: is 4,999 characters long; an IJE mortality record is 5,000' }],
        });
      }
      expect(results.at(-1)).toMatchObject({ ok: true, line: results.length, certificate: { certificateId: '266148' } });
    }
  });

  it('names a long record and its length, with CRLF line breaks and records cut across chunks', async () => {
    const text = `${MA}\r\n${MA}XY\r\n${MA}\r\n`;
    const chunks = text.match(/[\s\S]{1,777}/g)!;
    const results = await read(chunks);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ errors: [{ message: 'record 2: is 5,002 characters long; an IJE mortality record is 5,000' }] });
  });

  it('reads records back to back followed by a line break, cut into small chunks', async () => {
    const results = await read(`${MA}${sample('DOBPartsAllUnknown.ije')}\n`.match(/[\s\S]{1,333}/g)!);
    expect(results.map((r) => r.ok && r.certificate.certificateId)).toEqual(['266148', '000005']);
  });

  it('names record, field, position and value of every bad field', async () => {
    let record = withField(MA, 'DOD_YR', '2021');
    for (const [name, value] of [['DOD_DY', '30'], ['DOD_MO', '02'], ['AGETYPE', '3'], ['SEX', 'X'], ['MANNER', 'Q'], ['COUNTYC', '0A1'], ['VOID', '7']] as const) {
      record = withField(record, name, value);
    }
    const [result] = await read(record);
    expect(result).toEqual({
      ok: false, line: 1, recordId: '266148',
      errors: [
        { field: 'VOID', message: 'record 1: VOID (position 13) "7" is not a void flag code (0, 1)' },
        { field: 'DOD_DY', message: 'record 1: DOD_DY (position 239) "30" is not a day of 2021-02' },
        { field: 'AGETYPE', message: 'record 1: AGETYPE (position 200) "3" is not an age unit code (1, 2, 4, 5, 6, 9)' },
        { field: 'SEX', message: 'record 1: SEX (position 189) "X" is not a sex code (M, F, U)' },
        { field: 'COUNTYC', message: 'record 1: COUNTYC (position 222) "0A1" is not a 3-digit county code' },
        { field: 'MANNER', message: 'record 1: MANNER (position 701) "Q" is not a manner of death code (N, A, S, H, P, C)' },
      ],
    });
  });

  it('requires the certificate number and state of death', async () => {
    const [result] = await read(withField(withField(MA, 'FILENO', ''), 'DSTATE', '1'));
    expect(result).toMatchObject({
      ok: false, recordId: null,
      errors: [
        { field: 'FILENO', message: 'record 1: FILENO (position 7) is blank: the certificate number is required' },
        { field: 'DSTATE', message: 'record 1: DSTATE (position 5) "1" is not a 2-letter jurisdiction code' },
      ],
    });
  });

  it('keeps the known parts of a partial death date, reads unpadded parts, and the void and replacement flags', async () => {
    const record = withField(withField(withField(MA, 'DOD_MO', '99'), 'VOID', '1'), 'REPLACE', '1');
    const result = only(await read(record));
    expect(result.certificate.deathDate).toBeNull();
    expect(result.ije).toMatchObject({ void: true, replacement: true, year: 2021, deathDateParts: { year: 2021, month: null, day: 10 } });
    expect(only(await read(withField(withField(MA, 'DOD_MO', '8'), 'DOD_DY', ' 9'))).certificate.deathDate).toBe('2021-08-09');
    const [twoDigitYear] = await read(withField(MA, 'DOD_YR', '21'));
    expect(twoDigitYear).toMatchObject({ ok: false, errors: [{ message: 'record 1: DOD_YR (position 1) "21" is not a year' }] });
    const unknownYear = only(await read(withField(MA, 'DOD_YR', '9999')));
    expect(unknownYear.ije).toMatchObject({ year: null, deathDateParts: { year: null, month: 8, day: 10 } });
  });

  it('gives age in whole years: under one year is 0, unknown is null', async () => {
    const ageOf = async (unit: string, value: string) => only(await read(withField(withField(MA, 'AGETYPE', unit), 'AGE', value))).certificate.age;
    expect(await Promise.all([ageOf('1', '045'), ageOf('2', '006'), ageOf('2', '018'), ageOf('4', '020'), ageOf('5', '013'), ageOf('6', '040')])).toEqual([45, 0, 1, 0, 0, 0]);
    expect(await Promise.all([ageOf('9', '999'), ageOf('1', '999'), ageOf(' ', '   ')])).toEqual([null, null, null]);
    const [old] = await read(withField(MA, 'AGE', '150'));
    expect(old).toMatchObject({ ok: false, errors: [{ message: 'record 1: AGE (position 201) "150" is not an age in years (0-130)' }] });
  });

  it('reads the injury fields', async () => {
    let record = withField(withField(withField(MA, 'DOI_MO', '08'), 'DOI_DY', '09'), 'DOI_YR', '2021');
    record = withField(withField(withField(record, 'HOWINJ', 'Injected heroin'), 'POILITRL', 'Home'), 'OTHERCONDITION', 'Hepatitis C');
    expect(only(await read(record)).certificate).toMatchObject({ injuryDate: '2021-08-09', howInjury: 'Injected heroin', injuryPlace: 'Home', part2: 'Hepatitis C' });
  });

  it('rejects an empty file as a whole', async () => {
    await expect(read('')).rejects.toThrow(FileFormatError);
    await expect(read('\n\n')).rejects.toThrow('the file is empty: expected IJE mortality records of 5,000 characters');
  });
});

const CODED: Pick<CodedCertificate, 'underlyingCause' | 'entityAxis' | 'recordAxis'> = {
  underlyingCause: 'X42',
  entityAxis: [
    { line: 1, position: 1, code: 'T40.4', text: 'fentanyl toxicity', natureOfInjury: true },
    { line: 1, position: 2, code: 'T40.1', text: 'heroin', natureOfInjury: true },
    { line: 2, position: 1, code: 'F11.2', text: 'opioid use disorder', natureOfInjury: false },
    { line: 6, position: 1, code: 'I25.1', text: 'coronary artery disease', natureOfInjury: false },
  ],
  recordAxis: ['X42', 'T40.1', 'T40.4', 'F11.2', 'I25.1'],
};
const CODED_SPANS = (['ACME_UC', 'EAC', 'RAC'] as const).map((name) => [ijeField(name).start - 1, ijeField(name).start - 1 + ijeField(name).length]);

describe('IJE coded fields', () => {
  it('round trip: read, write codes, every byte outside ACME_UC/EAC/RAC unchanged, codes read back', async () => {
    for (const file of Object.keys(CONFORMANCE)) {
      const { ije } = only(await read(sample(file)));
      const written = writeIjeCodes(ije.text, CODED);
      expect(written).toHaveLength(5000);
      for (let i = 0; i < 5000; i++) {
        if (CODED_SPANS.some(([from, to]) => i >= from! && i < to!)) continue;
        if (written[i] !== ije.text[i]) throw new Error(`${file}: byte ${i + 1} changed`);
      }
      expect(readIjeCodes(written)).toEqual({ ...CODED, entityAxis: CODED.entityAxis.map(({ text: _text, ...rest }) => rest) });
      expect(only(await read(written)).certificate).toEqual(only(await read(sample(file))).certificate);
    }
  });

  it('lays the slots out as vrdr-dotnet does: line, position, undotted code, & flag; code + pregnancy flag', () => {
    const written = writeIjeCodes(MA, CODED);
    expect(written.slice(709, 714)).toBe('X42  ');
    expect(written.slice(714, 714 + 32)).toBe('11T404 &12T401 &21F112  61I251  ');
    expect(written.slice(714 + 32, 874).trim()).toBe('');
    expect(written.slice(875, 900)).toBe('X42  T401 T404 F112 I251 ');
    expect(written.slice(900, 975).trim()).toBe('');
  });

  it('blanks the coded fields for an uncoded certificate and refuses what IJE cannot hold', () => {
    const blank = writeIjeCodes(writeIjeCodes(MA, CODED), { underlyingCause: null, entityAxis: [], recordAxis: [] });
    expect(blank).toBe(MA);
    const many = Array.from({ length: 21 }, () => 'I10');
    expect(() => writeIjeCodes(MA, { ...CODED, recordAxis: many })).toThrow('21 record-axis codes: IJE has room for 20');
    expect(() => writeIjeCodes(MA, { ...CODED, underlyingCause: 'fentanyl' })).toThrow('underlying cause "fentanyl" is not an ICD-10 code');
    expect(() => writeIjeCodes(MA.slice(1), CODED)).toThrow('the record is 4999 characters');
  });
});

describe('detectDeathFormat', () => {
  it('tells the three formats apart by content first, then by name', () => {
    expect(detectDeathFormat(Buffer.from(MA.slice(0, 4096), 'latin1'), 'upload.bin')).toBe('ije');
    expect(detectDeathFormat(MA.slice(0, 100), 'deaths.txt')).toBe('ije');
    expect(detectDeathFormat('\uFEFF  {"resourceType": "Bundle"', 'record.txt')).toBe('vrdr');
    expect(detectDeathFormat('certificate_id,jurisdiction,death_date\nC1,OH,2024-01-01', 'deaths.ije')).toBe('csv');
    expect(detectDeathFormat('', 'a.json')).toBe('vrdr');
    expect(detectDeathFormat('', 'a.mor')).toBe('ije');
    expect(detectDeathFormat('hello', 'a')).toBe('csv');
  });
});
