/**
 * The bulk certificate template path (pipeline/ingest/certificate-csv-bulk.ts) stores exactly
 * what reading the file row by row stores, certificates, codings, versions, line numbers and
 * error messages alike, however awkward the file, with or without coding workers; and it
 * declines, staging nothing, the files DuckDB's reader would read otherwise than ours.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BOOLEAN, VARCHAR } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createDeathCoder } from '../pipeline/coding/deaths/index.ts';
import { stageCertificateCsvInBulk } from '../pipeline/ingest/certificate-csv-bulk.ts';
import { StagingSink } from '../pipeline/ingest/staging-sink.ts';
import { stagingFileFor } from '../pipeline/ingest/staging-csv.ts';
import { readSqlFiles } from '../pipeline/store/sql-files.ts';
import { openTestRuntime } from './helpers/runtime.ts';

const REQUIRED = 'certificate_id,jurisdiction,death_date,age,sex,residence_county_fips,occurrence_county_fips,manner,part1_a,part1_b,part1_c,part1_d,part2,how_injury';
const HEADER = `${REQUIRED},interval_a,interval_b,interval_c,interval_d,injury_date,injury_place,race,hispanic,autopsy,tobacco,pregnancy`;
const OPTIONAL_BLANK = ',,,,,,,,,,,';
const row = (fields: string) => `${fields}${OPTIONAL_BLANK}`;

/** Rows each testing one rule of the validator or the coder's key, among ordinary ones (ids V…), in the header's order. */
const AWKWARD_ROWS = [
  row('A1,MA,2024-03-01,40,M,25025,25025,A,Acute fentanyl toxicity,,,,,Injected drugs'),
  ` A2 ,ma,2024-02-29, 007 ,m, 25025 ,25025,a,  Acute fentanyl toxicity  ,,,,"  ",${OPTIONAL_BLANK}`, // trimmed, upper-cased
  row('A3,MA,2024-03-01,40,F,25025,25025,N,"Acute myocardial\ninfarction","Coronary artery\r\ndisease\rof long standing",,,,'), // line breaks inside
  row('A4,MA,2023-02-29,40,M,25025,25025,N,Sepsis,,,,,'), // no such date
  row('A5,MA,2024-03-01,131,M,25025,25025,N,Sepsis,,,,,'), // age out of range
  row('A6,MA,2024-03-01,4O,X,2502,25025,Z,Sepsis,,,,,'), // four bad fields
  row(',MA,2024-03-01,40,M,25025,25025,N,Sepsis,,,,,'), // no certificate id
  row(`${'A'.repeat(65)},MA,2024-03-01,40,M,25025,25025,N,Sepsis,,,,,`),
  row(`A8,MA,2024-03-01,40,M,25025,25025,N,${'x'.repeat(2001)},,,,,`), // longer than the limit
  row(`A9,MA,2024-03-01,40,M,25025,25025,N,${'é'.repeat(1500)},,,,,`), // 3,000 bytes but 1,500 characters: valid
  row('A10,XYZ,2024-03-01,40,M,25025,25025,N,Sepsis,,,,,'), // not a jurisdiction
  row('A11,NY,2024-03-01,40,M,36061,36061,A,Acute heroin toxicity,,,,,'), // another jurisdiction's
  row('A12,MA,2024-03-01,40,M,25025,25025,A,\u00a0Acute cocaine toxicity\u00a0,,,,,'), // trimmed by JavaScript's rules, not ASCII ones
  row('A13\u3000,MA,2024-03-01,40,M,25025,25025,N,Sepsis,,,,,'),
  row('A14,MA,2024-03-01,40,M,25025,25025,N,vigil:not-a-null:8c1e0f,,,,,'), // the null string DuckDB is given
  row('A15,MA,2024-03-01,40,M,25025,25025,N,\u0001Sepsis,,,,,'), // a control character JavaScript keeps
  row('A16,MA,,,,,,,Pending investigation,,,,,'), // every optional field blank
  row('A17,MA,2024-03-01,40,M,25025,25025,S,"Gunshot wound, head",,,,,"Shot self with ""handgun"""'),
  row('A18,MA,2024-03-01,40,M,25025,25025,A,Acute fentanyl toxicity,,,,Hypertension,Injected drugs'),
  `A19,MA,2024-03-01,40,M,25025,25025,A,Blunt force injuries,,,,,Fell from ladder,1 hour,,,,2024-02-30,Home,White,N,Y,N,`, // no such injury date
  `A20,MA,2024-03-01,40,F,25025,25025,A,Blunt force injuries,,,,,Fell from ladder,1 hour,,,,2024-02-28,Home,White,N,Y,N,\u00a0`,
  row('A1,MA,2024-03-01,40,M,25025,25025,A,Acute fentanyl toxicity,,,,,Injected drugs'), // a repeat: no new version
  row('A1,MA,2024-03-01,41,M,25025,25025,A,Acute fentanyl toxicity,,,,,Injected drugs'), // a change: version 2
];

function awkwardBatch(): string {
  const causes = ['Acute fentanyl toxicity', 'Acute myocardial infarction', 'Dementia', 'Acute combined fentanyl and methamphetamine toxicity'];
  const ordinary = Array.from({ length: 300 }, (_, i) =>
    row(`V${i},MA,2024-03-${String((i % 28) + 1).padStart(2, '0')},${20 + (i % 70)},${'MFU'[i % 3]},25025,25017,${'ANC'[i % 3]},${causes[i % 4]},${i % 5 === 0 ? 'Hypertension' : ''},,,${i % 7 === 0 ? 'Diabetes' : ''},`),
  );
  return `${HEADER}\n${[...ordinary.slice(0, 150), ...AWKWARD_ROWS, ...ordinary.slice(150)].join('\n')}\n`;
}

async function load(text: string, options: { csvBulk: boolean; jurisdiction?: string; codingWorkers?: number }) {
  const r = await openTestRuntime({ csvBulk: options.csvBulk, codingWorkers: options.codingWorkers ?? 0 });
  try {
    const input = path.join(r.dataDir, 'certificates.csv');
    fs.writeFileSync(input, text);
    const report = await r.ingest.ingestFile(input, { source: 'cli', jurisdiction: options.jurisdiction ?? null });
    const stored = (
      await r.db.connection.runAndReadAll(
        `SELECT c.* EXCLUDE (batch_id, loaded_at), d.* EXCLUDE (record_id, coded_at)
         FROM certificates c LEFT JOIN coded_deaths d USING (record_id) ORDER BY c.record_id`,
      )
    ).getRowObjectsJson();
    return { report: { ...report, batchId: '', receivedAt: '', finishedAt: '' }, stored };
  } finally {
    r.dispose();
  }
}

/** Whether the bulk path takes the file (true) or declines it, staging nothing. */
async function bulkTakes(
  text: string,
  options: { onProgress?: (records: number, bytes: number) => void; joinKeysByColumns?: boolean; stageSliceRows?: number } = {},
): Promise<{ taken: boolean; staged: number; rows: unknown[] }> {
  const r = await openTestRuntime();
  const connection = await r.db.connect();
  try {
    const input = path.join(r.dataDir, 'certificates.csv');
    fs.writeFileSync(input, text);
    const loader = readSqlFiles('loader');
    const file = stagingFileFor(r.db.path, 'b-test', 'certificates');
    const sink = await StagingSink.open(connection, file, { createSql: loader.get('create_certificate_staging')!, codedTable: 'staging_death_coded', codedTypes: [VARCHAR, BOOLEAN], loadSql: '' });
    const coder = createDeathCoder();
    const coding = { coderVersion: coder.coderVersion, lexiconVersion: coder.lexiconVersion, terms: [], coder };
    const taken = await stageCertificateCsvInBulk(connection, input, sink, coding, {
      staging: 's',
      jurisdiction: null,
      stagingFile: (table) => stagingFileFor(r.db.path, 'b-test', table),
      ...options,
    });
    sink.discard();
    const rows = (await connection.runAndReadAll('SELECT * FROM staging_certificates ORDER BY seq')).getRowObjectsJson();
    return { taken, staged: rows.length, rows };
  } finally {
    connection.closeSync();
    r.dispose();
  }
}

describe('certificate template CSV in bulk', () => {
  it('stores what reading row by row stores: certificates, codings, versions, lines and errors', async () => {
    const text = awkwardBatch();
    expect((await bulkTakes(text)).taken).toBe(true);
    const bulk = await load(text, { csvBulk: true });
    const byRow = await load(text, { csvBulk: false });
    expect(bulk).toEqual(byRow);
    expect(bulk.report).toMatchObject({ status: 'loaded', recordsRead: 323 });
    // The rules the awkward rows test did decide (so the comparison above is not of two empty loads).
    const messages = bulk.report.errors.map((e) => `${e.recordId}/${e.field}`);
    for (const expected of ['A4/death_date', 'A5/age', 'A6/age', 'A6/sex', 'A6/residence_county_fips', 'A6/manner', 'null/certificate_id', 'A8/part1_a', 'A10/jurisdiction', 'A19/injury_date']) {
      expect(messages).toContain(expected);
    }
    const stored = (id: string) => bulk.stored.filter((c) => c.certificate_id === id);
    expect(stored('A2')[0]).toMatchObject({ jurisdiction: 'MA', death_date: '2024-02-29', age: 7, sex: 'M', residence_county_fips: '25025', manner: 'A', part1_a: 'Acute fentanyl toxicity', part2: null, underlying_cause: 'X42' });
    expect(stored('A12')[0]).toMatchObject({ part1_a: 'Acute cocaine toxicity' });
    expect(stored('A13\u3000')).toEqual([]);
    expect(stored('A13')[0]).toBeDefined();
    expect(stored('A14')[0]).toMatchObject({ part1_a: 'vigil:not-a-null:8c1e0f' });
    expect(stored('A15')[0]).toMatchObject({ part1_a: '\u0001Sepsis' });
    expect(stored('A20')[0]).toMatchObject({ injury_date: '2024-02-28', tobacco: 'N', pregnancy: null });
    expect(stored('A9')).toHaveLength(1);
    // Line numbers count the line breaks inside quoted fields (A3's three).
    expect(bulk.report.errors.find((e) => e.recordId === 'A4')!.line).toBe(Number(stored('A3')[0]!.source_line) + 4);
    expect(stored('A1').map((c) => [c.version, c.is_current])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('finds each row its key by every column as by the hash of its key', async () => {
    const text = awkwardBatch();
    const byHash = await bulkTakes(text);
    expect(byHash.staged).toBeGreaterThan(300);
    expect(await bulkTakes(text, { joinKeysByColumns: true })).toEqual(byHash);
  });

  it('stages the same rows in slices as in one statement', async () => {
    const text = awkwardBatch();
    const whole = await bulkTakes(text);
    // 7 does not divide the file's rows: the last slice is a partial one.
    expect(await bulkTakes(text, { stageSliceRows: 7 })).toEqual(whole);
  });

  it("rejects other jurisdictions' certificates as reading row by row does", async () => {
    const text = awkwardBatch();
    const bulk = await load(text, { csvBulk: true, jurisdiction: 'MA' });
    expect(bulk).toEqual(await load(text, { csvBulk: false, jurisdiction: 'MA' }));
    expect(bulk.report.errors.filter((e) => e.field === 'jurisdiction').map((e) => e.recordId)).toEqual(expect.arrayContaining(['A10', 'A11']));
  });

  it('codes the keys in the coding workers as on the main thread', async () => {
    const text = awkwardBatch();
    const inWorkers = await load(text, { csvBulk: true, codingWorkers: 2 });
    expect(inWorkers).toEqual(await load(text, { csvBulk: false }));
  });

  it('takes a file with the required columns only, in another order and case, as reading row by row does', async () => {
    const columns = REQUIRED.split(',');
    const order = [...columns].reverse();
    const rows = AWKWARD_ROWS.slice(0, 6).map((r) => {
      const fields = r.split(',').slice(0, columns.length);
      return order.map((c) => fields[columns.indexOf(c)]).join(',');
    });
    // The quoted multi-line fields of A3 are cut by the split above: keep the rows that stay whole.
    const text = `${order.map((c) => c.toUpperCase()).join(',')}\n${rows.filter((r) => !r.includes('"')).join('\n')}\n`;
    expect((await bulkTakes(text)).taken).toBe(true);
    const bulk = await load(text, { csvBulk: true });
    expect(bulk).toEqual(await load(text, { csvBulk: false }));
    expect(bulk.stored.length).toBeGreaterThan(0);
  });

  it('takes a file whose every record is invalid: nothing to code, every error reported', async () => {
    const text = `${HEADER}\n${AWKWARD_ROWS.slice(3, 7).join('\n')}\n`;
    expect(await bulkTakes(text)).toMatchObject({ taken: true, staged: 0 });
    for (const codingWorkers of [0, 1]) {
      const bulk = await load(text, { csvBulk: true, codingWorkers });
      expect(bulk).toEqual(await load(text, { csvBulk: false }));
      expect(bulk.report).toMatchObject({ recordsRead: 4, recordsRejected: 4 });
    }
  });

  it('reports progress with the coding, from nothing to the whole file', async () => {
    // Enough distinct causes for several chunks of the key file (256 KiB each).
    const rows = Array.from({ length: 6000 }, (_, i) => row(`P${i},MA,2024-03-01,40,M,25025,25025,N,Cardiac arrest ${i} due to a condition described at length,,,,,`));
    const text = `${HEADER}\n${rows.join('\n')}\n`;
    const reports: [number, number][] = [];
    expect((await bulkTakes(text, { onProgress: (records, bytes) => reports.push([records, bytes]) })).taken).toBe(true);
    expect(reports[0]).toEqual([0, 0]);
    expect(reports.at(-1)).toEqual([6000, Buffer.byteLength(text)]);
    const between = reports.filter(([records]) => records > 0 && records < 6000);
    expect(between.length).toBeGreaterThan(0);
    expect(reports.every(([records], i) => i === 0 || records >= reports[i - 1]![0])).toBe(true);
  });

  it.each([
    ['a blank line inside', `${HEADER}\n${AWKWARD_ROWS[0]}\n\n${AWKWARD_ROWS[3]}\n`],
    ['a short row', `${HEADER}\n${AWKWARD_ROWS[0]}\nA2,MA,2024-03-01\n`],
    ['a row with a field too many', `${HEADER}\n${AWKWARD_ROWS[0]}\n${AWKWARD_ROWS[0]},extra\n`],
    ['spaces before a quote', `${HEADER}\n${row('A1,MA,2024-03-01,40,M,25025,25025,N, "Sepsis, severe",,,,,')}\n`],
    ['text after a closing quote', `${HEADER}\n${row('A1,MA,2024-03-01,40,M,25025,25025,N,"Sepsis"x,,,,,')}\n`],
    ['a quote never closed', `${HEADER}\n${row('A1,MA,2024-03-01,40,M,25025,25025,N,"Sepsis,,,,,')}\n`],
    ['a header missing a column', `${HEADER.replace('manner,', '')}\n${AWKWARD_ROWS[0]!.replace(',A,', ',')}\n`],
    ['no header', `${AWKWARD_ROWS[0]}\n`],
  ])('declines a file with %s, staging nothing, and the row-by-row path decides', async (_, text) => {
    expect(await bulkTakes(text)).toMatchObject({ taken: false, staged: 0 });
    const bulk = await load(text, { csvBulk: true });
    expect(bulk).toEqual(await load(text, { csvBulk: false }));
  });

  it('takes a file whose last line has no line break, or that ends with blank lines', async () => {
    const rows = `${HEADER}\n${row('A1,MA,2024-03-01,40,M,25025,25025,N,"Acute myocardial\ninfarction",,,,,')}\n${row('A2,MA,2024-03-01,40,M,25025,25025,N,Sepsis,,,,,')}`;
    for (const text of [rows, `${rows}\n\n\n`, `${rows.replaceAll('\n', '\r\n')}\r\n\r\n`]) {
      expect((await bulkTakes(text)).taken).toBe(true);
      const bulk = await load(text, { csvBulk: true });
      expect(bulk).toEqual(await load(text, { csvBulk: false }));
      expect(bulk.stored.map((c) => c.source_line)).toEqual([2, 4]);
    }
  });
});
