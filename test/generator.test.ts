import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEMO_OPTIONS,
  generateCertificates,
  generateEdVisits,
  type GeneratorOptions,
  type LabeledCertificate,
  labeledCertificates,
  type LabeledEdVisit,
  labeledEdVisits,
  outbreakTruth,
  writeDataset,
} from '../fixtures/generator/index.ts';
import { CsvParser } from '../pipeline/formats/csv.ts';
import { CERTIFICATE_COLUMNS } from '../pipeline/records/certificate.ts';
import { validateCertificateRow } from '../pipeline/records/certificate-schema.ts';
import { ED_VISIT_COLUMNS } from '../pipeline/records/ed-visit.ts';

/** A small national month with one outbreak: the shape every test below starts from. */
const SMALL: GeneratorOptions = {
  seed: 7,
  start: '2024-04-01',
  end: '2024-04-30',
  deathScale: 0.01,
  edScale: 0.0005,
  outbreaks: [
    { id: 'test-carfentanil', counties: ['39061', '39017'], start: '2024-04-10', days: 10, drug: 'carfentanil', extraDeaths: 12, extraEdVisits: 9 },
  ],
};

const take = <T>(rows: Iterable<T>, n: number): T[] => {
  const out: T[] = [];
  for (const r of rows) {
    if (out.length >= n) break;
    out.push(r);
  }
  return out;
};

const population = (() => {
  const parser = new CsvParser();
  const records = parser.push(readFileSync(new URL('../pipeline/reference/county-population.csv', import.meta.url), 'utf8'));
  parser.end(records);
  const byYear = new Map<number, Map<string, string>>(); // year → fips → USPS
  for (const { fields } of records.slice(1)) {
    const year = Number(fields[5]);
    if (!byYear.has(year)) byYear.set(year, new Map());
    byYear.get(year)!.set(fields[0]!, fields[2]!);
  }
  return byYear;
})();

const certificates: LabeledCertificate[] = [...labeledCertificates(SMALL)];
const visits: LabeledEdVisit[] = [...labeledEdVisits(SMALL)];

describe('determinism', () => {
  it('gives identical rows for the same seed and different rows for another', () => {
    expect(take(generateCertificates(SMALL), 500)).toEqual(certificates.slice(0, 500).map((c) => c.row));
    expect(take(generateEdVisits(SMALL), 500)).toEqual(visits.slice(0, 500).map((v) => v.row));
    const other = take(generateCertificates({ ...SMALL, seed: 8 }), 50);
    expect(other).not.toEqual(certificates.slice(0, 50).map((c) => c.row));
  });

  it('writes byte-identical files for the same options', async () => {
    const dirs = [mkdtempSync(join(tmpdir(), 'vigil-gen-')), mkdtempSync(join(tmpdir(), 'vigil-gen-'))];
    try {
      const options = { ...SMALL, end: '2024-04-14' };
      const results = [await writeDataset(dirs[0]!, options), await writeDataset(dirs[1]!, options)];
      const hash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
      for (const key of ['certificatesPath', 'edVisitsPath', 'truthPath'] as const) {
        expect(hash(results[0]![key])).toBe(hash(results[1]![key]));
      }
      expect(results[0]!.certificates).toBe(results[1]!.certificates);
      const header = readFileSync(results[0]!.certificatesPath, 'utf8').split('\n', 1)[0]!.split(',');
      expect(header.slice(0, CERTIFICATE_COLUMNS.length)).toEqual([...CERTIFICATE_COLUMNS]);
      expect(header.slice(CERTIFICATE_COLUMNS.length)).toEqual(['interval_a', 'interval_b', 'interval_c', 'interval_d', 'injury_date', 'injury_place', 'autopsy', 'tobacco']);
      expect(readFileSync(results[0]!.edVisitsPath, 'utf8').split('\n', 1)[0]).toBe(ED_VISIT_COLUMNS.join(','));
      // The CSV reads back to the rows generated.
      const parser = new CsvParser();
      const back = parser.push(readFileSync(results[0]!.certificatesPath, 'utf8'));
      parser.end(back);
      expect(back.length - 1).toBe(results[0]!.certificates);
      const first = [...generateCertificates(options)][0]!;
      expect(back[1]!.fields.slice(0, CERTIFICATE_COLUMNS.length)).toEqual(CERTIFICATE_COLUMNS.map((c) => first[c]));
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('certificates', () => {
  it('have unique, stable ids of the form YYYYSSNNNNNN', () => {
    const ids = certificates.map((c) => c.row.certificate_id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of certificates) expect(c.row.certificate_id).toMatch(new RegExp(`^2024${c.row.jurisdiction}\\d{6}$`));
    expect(ids[0]).toBe([...generateCertificates(SMALL)][0]!.certificate_id);
  });

  it('pass the template shapes', () => {
    const counties = population.get(2024)!;
    for (const { row } of certificates) {
      expect(validateCertificateRow(row)).toMatchObject({ ok: true });
      expect(row.death_date >= SMALL.start && row.death_date <= SMALL.end).toBe(true);
      expect(row.death_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(counties.get(row.residence_county_fips)).toBe(row.jurisdiction);
      expect(counties.get(row.occurrence_county_fips)).toBe(row.jurisdiction);
      expect(['N', 'A', 'S', 'H', 'P', 'C', '']).toContain(row.manner);
      expect(['M', 'F', 'U']).toContain(row.sex);
      expect(Number(row.age)).toBeGreaterThanOrEqual(0);
      expect(Number(row.age)).toBeLessThanOrEqual(110);
      expect(row.part1_a.length).toBeGreaterThan(0);
      if (row.injury_date) expect(row.injury_date <= row.death_date).toBe(true);
    }
  });

  it('put ~10% of deaths in a neighbouring county of the same state', () => {
    const moved = certificates.filter((c) => c.row.residence_county_fips !== c.row.occurrence_county_fips).length;
    expect(moved / certificates.length).toBeGreaterThan(0.08);
    expect(moved / certificates.length).toBeLessThan(0.12);
  });

  it('give about 2,550 deaths for a 30-day month at deathScale 0.01 (3.1M a year)', () => {
    const baseline = certificates.filter((c) => c.outbreakId === null).length;
    expect(baseline).toBeGreaterThan(2400);
    expect(baseline).toBeLessThan(2750);
  });
});

describe('realistic mix (seed 20241, 2024, deathScale 0.03)', () => {
  const year = [...labeledCertificates({ ...DEMO_OPTIONS, deathScale: 0.03, outbreaks: [] })];
  const share = (pred: (c: LabeledCertificate) => boolean, among = year) => among.filter(pred).length / among.length;
  const overdoses = year.filter((c) => c.group === 'overdose');

  it('has the leading causes in NCHS proportions', () => {
    expect(share((c) => c.group === 'overdose')).toBeGreaterThan(0.031);
    expect(share((c) => c.group === 'overdose')).toBeLessThan(0.035);
    expect(share((c) => c.group === 'heart')).toBeGreaterThan(0.2);
    expect(share((c) => c.group === 'heart')).toBeLessThan(0.225);
    expect(share((c) => c.group === 'cancer')).toBeGreaterThan(0.18);
    expect(share((c) => c.group === 'cancer')).toBeLessThan(0.2);
    expect(share((c) => c.group === 'mechanism_only')).toBeGreaterThan(0.008);
    expect(share((c) => c.group === 'mechanism_only')).toBeLessThan(0.012);
  });

  it('has the NCHS drug and manner mix among overdoses', () => {
    const involving = (d: string) => share((c) => c.drugs.includes(d as never), overdoses);
    expect(involving('fentanyl')).toBeGreaterThan(0.62);
    expect(involving('fentanyl')).toBeLessThan(0.72);
    expect(involving('methamphetamine')).toBeGreaterThan(0.25);
    expect(involving('cocaine')).toBeGreaterThan(0.19);
    expect(involving('cocaine')).toBeLessThan(0.26);
    expect(involving('heroin')).toBeLessThan(0.07);
    expect(share((c) => c.row.manner === 'A', overdoses)).toBeGreaterThan(0.86);
    expect(share((c) => c.row.manner === 'A', overdoses)).toBeLessThan(0.92);
    expect(share((c) => c.row.manner === 'P', overdoses)).toBeGreaterThan(0.01);
    expect(share((c) => c.row.manner === 'S', overdoses)).toBeGreaterThan(0.04);
  });

  it('has a winter peak of natural deaths about 10-18% above the late-summer trough', () => {
    const perDay = (months: string[]) => {
      const rows = year.filter((c) => c.group !== 'overdose' && months.includes(c.row.death_date.slice(5, 7)));
      const days = new Set(rows.map((c) => c.row.death_date)).size;
      return rows.length / days;
    };
    const ratio = perDay(['12', '01', '02']) / perDay(['07', '08', '09']);
    expect(ratio).toBeGreaterThan(1.1);
    expect(ratio).toBeLessThan(1.18);
  });

  it('varies overdose shares by state as VSRR does (WV high, NE low)', () => {
    const stateShare = (s: string) => share((c) => c.group === 'overdose', year.filter((c) => c.row.jurisdiction === s));
    expect(stateShare('WV')).toBeGreaterThan(2 * stateShare('NE'));
    expect(stateShare('OH')).toBeGreaterThan(stateShare('TX'));
  });

  it('writes traps and messy text a coder must handle', () => {
    const text = (c: LabeledCertificate) => [c.row.part1_a, c.row.part1_b, c.row.part1_c, c.row.part1_d, c.row.part2, c.row.how_injury].join(' | ');
    const natural = year.filter((c) => c.row.manner === 'N');
    expect(natural.some((c) => /IV drug|IVDU/i.test(text(c)))).toBe(true);
    expect(natural.some((c) => /fentanyl patch/i.test(c.row.part2))).toBe(true);
    expect(natural.some((c) => /MRSA|methicillin/i.test(text(c)))).toBe(true);
    expect(overdoses.some((c) => /fentanly|fentanil|methamphetamin\b|cocain\b/i.test(text(c)))).toBe(true);
    expect(overdoses.some((c) => /Xanax|Percocet/i.test(text(c)))).toBe(true);
    expect(overdoses.some((c) => /^pending/i.test(c.row.part1_a) && c.drugs.length === 0)).toBe(true);
    expect(share((c) => c.row.part1_a === c.row.part1_a.toUpperCase())).toBeGreaterThan(0.2);
    expect(share((c) => c.row.part1_a !== c.row.part1_a.toUpperCase())).toBeGreaterThan(0.4);
  });
});

describe('ED visits', () => {
  it('pass the feed shapes, in time order, with unique ids', () => {
    const counties = population.get(2024)!;
    const ids = new Set<string>();
    let last = '';
    for (const { row } of visits) {
      expect(row.visit_datetime).toMatch(/^2024-04-\d{2}T\d{2}:\d{2}:\d{2}$/);
      expect(row.visit_datetime >= last).toBe(true);
      last = row.visit_datetime;
      expect(counties.has(row.patient_county_fips)).toBe(true);
      expect(row.facility_id).toMatch(/^F\d{7}$/);
      expect(row.visit_id.startsWith(`${row.facility_id}-2024-`)).toBe(true);
      ids.add(row.visit_id);
      expect(row.chief_complaint.length).toBeGreaterThan(0);
      for (const code of row.discharge_diagnoses ? row.discharge_diagnoses.split(';') : []) expect(code).toMatch(/^[A-Z]\d[0-9A-Z](\.?[0-9A-Z]{1,4})?$/);
    }
    expect(ids.size).toBe(visits.length);
  });

  it('give ~140M × edScale visits a year, 1-1.5% of them overdoses, with negatives that fool keyword search', () => {
    const baseline = visits.filter((v) => v.outbreakId === null);
    const expected = (140e6 * SMALL.edScale * 30) / 365.25;
    expect(baseline.length).toBeGreaterThan(expected * 0.9);
    expect(baseline.length).toBeLessThan(expected * 1.1);
    const year = [...labeledEdVisits({ ...DEMO_OPTIONS, outbreaks: [] })];
    const od = year.filter((v) => v.overdose).length / year.length;
    expect(od).toBeGreaterThan(0.01);
    expect(od).toBeLessThan(0.015);
    const negatives = year.filter((v) => v.category === 'drug_negative');
    expect(negatives.some((v) => /fentanyl/i.test(v.row.triage_note))).toBe(true);
    expect(negatives.some((v) => /denies drug use/i.test(v.row.triage_note))).toBe(true);
    expect(negatives.some((v) => /\bOD\b/.test(v.row.chief_complaint))).toBe(true);
    expect(year.some((v) => v.overdose && /T40\.?411A/.test(v.row.discharge_diagnoses))).toBe(true);
    // Mid-day is busier than the small hours.
    const hour = (h: string) => year.filter((v) => v.row.visit_datetime.slice(11, 13) === h).length;
    expect(hour('12')).toBeGreaterThan(2.5 * hour('04'));
  });
});

describe('outbreaks', () => {
  const [truth] = outbreakTruth(SMALL);

  it('lists the exact injected records, in their counties and window, naming the drug', () => {
    expect(truth!.id).toBe('test-carfentanil');
    expect(truth!.end).toBe('2024-04-19');
    expect(truth!.certificateIds).toHaveLength(12);
    expect(truth!.edVisitIds).toHaveLength(9);
    const injected = certificates.filter((c) => c.outbreakId === 'test-carfentanil');
    expect(injected.map((c) => c.row.certificate_id)).toEqual(truth!.certificateIds);
    for (const { row, drugs } of injected) {
      expect(['39061', '39017']).toContain(row.residence_county_fips);
      expect(row.death_date >= '2024-04-10' && row.death_date <= '2024-04-19').toBe(true);
      expect(drugs[0]).toBe('carfentanil');
      expect([row.part1_a, row.part1_b, row.part1_c, row.part2].join(' ')).toMatch(/carf/i); // typos may touch the rest
    }
    const injectedVisits = visits.filter((v) => v.outbreakId === 'test-carfentanil');
    expect(injectedVisits.map((v) => v.row.visit_id)).toEqual(truth!.edVisitIds);
    for (const { row } of injectedVisits) expect(['39061', '39017']).toContain(row.patient_county_fips);
  });

  it('never marks injected records in the data itself', () => {
    for (const c of certificates) expect(Object.values(c.row).join(',')).not.toMatch(/test-carfentanil|outbreak/i);
  });

  it('makes the demo surge stand out at county level', () => {
    const demo = outbreakTruth({ ...DEMO_OPTIONS, deathScale: 0.1, edScale: 0.0002 });
    const cincinnati = demo.find((t) => t.id === 'cincinnati-fentanyl-2024-09')!;
    expect(cincinnati.certificateIds).toHaveLength(40);
    expect(cincinnati.certificateIds.length).toBeGreaterThan(4 * Math.max(1, cincinnati.baseline.deaths));
    expect(demo.map((t) => t.drug)).toEqual(['fentanyl', 'methamphetamine']);
  });
});

describe('options', () => {
  it('restricts to the given states and follows Connecticut across the 2020 county change', () => {
    const ct = [...generateCertificates({ ...SMALL, start: '2019-12-25', end: '2020-01-05', deathScale: 0.05, outbreaks: [], states: ['CT'] })];
    expect(ct.length).toBeGreaterThan(20);
    for (const row of ct) {
      expect(row.jurisdiction).toBe('CT');
      const legacy = /^0900\d|^0901[135]/.test(row.residence_county_fips);
      expect(legacy).toBe(row.death_date < '2020-01-01');
    }
  });

  it('is lazy: the first rows of a national decade come at once', () => {
    const started = performance.now();
    const first = take(generateCertificates({ ...SMALL, start: '2015-01-01', end: '2024-12-31', deathScale: 1, outbreaks: [] }), 10);
    expect(first).toHaveLength(10);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('rejects bad options, naming the bad value', () => {
    expect(() => generateCertificates({ ...SMALL, start: '2024-02-30' })).toThrow(/2024-02-30/);
    expect(() => generateEdVisits({ ...SMALL, states: ['XX'] })).toThrow(/XX/);
    expect(() => generateCertificates({ ...SMALL, deathScale: -1 })).toThrow(/deathScale/);
    expect(() => outbreakTruth({ ...SMALL, outbreaks: [{ ...SMALL.outbreaks[0]!, counties: ['99999'] }] })).toThrow(/99999/);
  });
});
