import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FileFormatError, readCertificateCsv, type CertificateReadResult } from '../pipeline/formats/certificate-csv.ts';

const HEADER = 'certificate_id,jurisdiction,death_date,age,sex,residence_county_fips,occurrence_county_fips,manner,part1_a,part1_b,part1_c,part1_d,part2,how_injury';

async function read(text: string): Promise<CertificateReadResult[]> {
  const results: CertificateReadResult[] = [];
  for await (const batch of readCertificateCsv(Readable.from([text]))) results.push(...batch);
  return results;
}

describe('certificate CSV template reader', () => {
  it('reads a good record into a certificate, blanks as null and codes upper-cased', async () => {
    const [result] = await read(`${HEADER}\nC1,oh,2024-03-01,34,m,39061,39061,a,Fentanyl toxicity,,,,,Found unresponsive\n`);
    expect(result).toEqual({
      ok: true,
      line: 2,
      certificate: expect.objectContaining({
        certificateId: 'C1',
        jurisdiction: 'OH',
        deathDate: '2024-03-01',
        age: 34,
        sex: 'M',
        manner: 'A',
        part1: ['Fentanyl toxicity', null, null, null],
        part2: null,
        howInjury: 'Found unresponsive',
        intervals: [null, null, null, null],
      }),
    });
  });

  it('reports each bad field with its line and keeps the good records', async () => {
    const results = await read(
      `${HEADER}\nC1,OH,2024-02-30,200,X,3906,39061,Q,text,,,,,\nC2,OH,2024-03-01,40,F,39061,39061,N,Sepsis,,,,,\n,OH,,,,,,,,,,,,\n`,
    );
    expect(results.map((r) => r.ok)).toEqual([false, true, false]);
    expect(results[0]).toEqual({
      ok: false,
      line: 2,
      recordId: 'C1',
      errors: [
        { field: 'death_date', message: 'not a calendar date in YYYY-MM-DD form' },
        { field: 'age', message: 'not an age in whole years (0-130)' },
        { field: 'sex', message: 'not a sex code (M, F, U)' },
        { field: 'residence_county_fips', message: 'not a 5-digit county FIPS code' },
        { field: 'manner', message: 'not a manner of death code (N, A, S, H, P, C)' },
      ],
    });
    expect(results[2]).toMatchObject({ ok: false, line: 4, recordId: null, errors: [{ field: 'certificate_id', message: 'is required' }] });
  });

  it('accepts columns in another order and ignores unknown ones', async () => {
    const [result] = await read('manner,extra,' + HEADER.replace(',manner', '') + '\nS,zzz,C9,TX,2024-01-01,,,,,Hanging,,,,,\n');
    expect(result).toMatchObject({ ok: true, certificate: { certificateId: 'C9', manner: 'S', part1: ['Hanging', null, null, null] } });
  });

  it('rejects a file missing required columns, naming them', async () => {
    await expect(read('certificate_id,jurisdiction,death_date\nC1,OH,2024-01-01\n')).rejects.toThrow(
      /line 1: missing required columns: age, sex, residence_county_fips, occurrence_county_fips, manner, part1_a/,
    );
  });

  it('rejects a file whose first line is data, not the header', async () => {
    await expect(read('C1,OH,2024-01-01,34,M,39061,39061,A,x,,,,,\n')).rejects.toThrow(/not the certificate template header/);
  });

  it('rejects an empty file', async () => {
    await expect(read('')).rejects.toThrowError(FileFormatError);
    await expect(read('')).rejects.toThrow(/the file is empty/);
  });
});
