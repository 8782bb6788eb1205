/**
 * The bulk ED CSV path (pipeline/ingest/ed-csv-bulk.ts) stores exactly what reading the file row
 * by row stores, rows, codings, line numbers and error messages alike, however awkward the file;
 * and it declines, staging nothing, the files DuckDB's reader would read otherwise than ours.
 */
import fs from 'node:fs';
import path from 'node:path';
import { VARCHAR } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { stageEdCsvInBulk } from '../pipeline/ingest/ed-csv-bulk.ts';
import { StagingSink } from '../pipeline/ingest/staging-sink.ts';
import { stagingFileFor } from '../pipeline/ingest/staging-csv.ts';
import { readSqlFiles } from '../pipeline/store/sql-files.ts';
import { openTestRuntime } from './helpers/runtime.ts';

const HEADER = 'visit_id,facility_id,visit_datetime,age,sex,patient_county_fips,chief_complaint,triage_note,discharge_diagnoses';
const LONG_TEXT = 'x'.repeat(10_001);

/** Rows each testing one rule of the validator, among ordinary ones (ids V1…), in the header's order. */
const AWKWARD_ROWS = [
  'A1,F1,2024-03-01T10:05,40,M,39049,OD on fent,"pt found down, narcan x2",T40.411A;F11.10',
  ' A2 ,F1,2024-03-01 10:05:07,007,m,39049,  CP  ,"  ",t40411a; T40.411A ;;',
  'A3,F1,2024-02-29T00:00,120,u,39049,"multi\nline complaint","note\r\nwith CRLF\rand CR",R07.9',
  'A4,F1,2023-02-29T00:00,40,M,39049,cp,,', // no such date
  'A5,F1,2024-03-01T24:00,40,M,39049,cp,,', // no such time
  'A6,F1,2024-03-01T10:05,121,M,39049,cp,,', // age out of range
  'A7,F1,2024-03-01T10:05,4O,X,3904,cp,,BAD;T40.4', // three bad fields and two bad codes
  ',F1,2024-03-01T10:05,40,M,39049,cp,,', // no visit id
  `${'A'.repeat(65)},F1,2024-03-01T10:05,40,M,39049,cp,,`,
  `A9,${'F'.repeat(65)},2024-03-01T10:05,40,M,39049,cp,,`,
  `A10,F1,2024-03-01T10:05,40,M,39049,${LONG_TEXT},,`,
  'A11,F1,2024-03-01T10:05,3,F,39049,swallowed grandmas pills,,T42.4X1A', // under 6: the coder's age band
  'A12,F1,2024-03-01T10:05,,,,heroin od,,', // no county: other jurisdictions' uploads reject it
  'A13,F1,2024-03-01T10:05,40,M,26099,heroin od,,', // a Michigan resident
  'A14,F1,2024-03-01T10:05,40,M,39049,\u00a0heroin od\u00a0,\u00e9mesis,', // trimmed by JavaScript's rules, not ASCII ones
  'A15\u3000,F1,2024-03-01T10:05,40,M,39049,cp,,',
  'A16,F1,2024-03-01T10:05:60,40,M,39049,cp,,',
  'A17,F1,999-03-01T10:05,40,M,39049,cp,,',
  'A18,F1,2024-3-01T10:05,40,M,39049,cp,,',
  'A19,F1,2024-03-01T10:05,40,M,39049,vigil:not-a-null:8c1e0f,,', // the null string DuckDB is given
  'A1,F1,2024-03-01T10:05,40,M,39049,OD on fent,"pt found down, narcan x2",T40.411A;F11.10', // a repeat: no new version
  'A1,F1,2024-03-01T10:05,41,M,39049,OD on fent,"pt found down, narcan x2",T40.411A;F11.10', // a change: version 2
  'A20,F1,2024-03-01T10:05,40,M,39049,"she said ""no""",a "quoted" word,',
];

function awkwardFeed(): string {
  const ordinary = Array.from({ length: 400 }, (_, i) => `V${i},F${i % 7},2024-03-${String((i % 28) + 1).padStart(2, '0')}T08:00,${i % 95},${'MFU'[i % 3]},39049,${['abd pain', 'fent od', 'SOB'][i % 3]},,${['', 'R10.9', 'T40.411A'][i % 3]}`);
  return `${HEADER}\n${[...ordinary.slice(0, 200), ...AWKWARD_ROWS, ...ordinary.slice(200)].join('\n')}\n`;
}

async function load(text: string, options: { csvBulk: boolean; jurisdiction?: string }) {
  const r = await openTestRuntime({ csvBulk: options.csvBulk });
  try {
    const input = path.join(r.dataDir, 'ed.csv');
    fs.writeFileSync(input, text);
    const report = await r.ingest.ingestFile(input, { source: 'cli', jurisdiction: options.jurisdiction ?? null });
    const stored = (
      await r.db.connection.runAndReadAll(
        `SELECT e.record_id, e.facility_id, e.visit_id, e.version, e.is_current, e.source_line, CAST(e.visit_datetime AS VARCHAR) AS visit_datetime,
           e.age, e.sex, e.patient_county_fips, e.chief_complaint, e.triage_note, e.discharge_diagnoses, e.content_hash, c.codes,
           CAST(c.drugs AS VARCHAR) AS drugs, c.drug_classes, c.syndromes, c.negated, c.intent, c.review_required, c.review_reasons
         FROM ed_visits e JOIN coded_ed_visits c USING (record_id) ORDER BY e.record_id`,
      )
    ).getRowObjectsJson();
    // The keys' and coded results' files, as every staging file, are gone once the batch is loaded.
    const staging = fs.existsSync(`${r.db.path}.staging`) ? fs.readdirSync(`${r.db.path}.staging`) : [];
    return { report: { ...report, batchId: '', receivedAt: '', finishedAt: '' }, stored, staging };
  } finally {
    r.dispose();
  }
}

/** Whether the bulk path takes the file (true) or declines it, staging nothing. */
async function bulkTakes(text: string, options: { joinKeysByColumns?: boolean } = {}): Promise<{ taken: boolean; staged: number; rows: unknown[] }> {
  const r = await openTestRuntime();
  const connection = await r.db.connect();
  try {
    const input = path.join(r.dataDir, 'ed.csv');
    fs.writeFileSync(input, text);
    const loader = readSqlFiles('loader');
    const file = stagingFileFor(r.db.path, 'b-test', 'ed_visits');
    const sink = await StagingSink.open(connection, file, { createSql: loader.get('create_ed_staging')!, codedTable: 'staging_ed_coded', codedTypes: [VARCHAR], loadSql: '' });
    const coding = await r.edCoding.refresh(connection);
    const taken = await stageEdCsvInBulk(connection, input, sink, coding, {
      staging: 's',
      jurisdiction: null,
      stagingFile: (table) => stagingFileFor(r.db.path, 'b-test', table),
      ...options,
    });
    sink.discard();
    const rows = (await connection.runAndReadAll('SELECT * FROM staging_ed_visits ORDER BY seq')).getRowObjectsJson();
    return { taken, staged: rows.length, rows };
  } finally {
    connection.closeSync();
    r.dispose();
  }
}

describe('ED CSV in bulk', () => {
  it('stores what reading row by row stores: rows, codings, versions, lines and errors', async () => {
    const text = awkwardFeed();
    expect((await bulkTakes(text)).taken).toBe(true);
    const bulk = await load(text, { csvBulk: true });
    const byRow = await load(text, { csvBulk: false });
    expect(bulk).toEqual(byRow);
    expect(bulk.report).toMatchObject({ status: 'loaded', recordsRead: 423 });
    expect(bulk.staging).toEqual([]);
    // The rules the awkward rows test did decide (so the comparison above is not of two empty loads).
    const messages = bulk.report.errors.map((e) => `${e.recordId}/${e.field}`);
    for (const expected of ['A4/visit_datetime', 'A5/visit_datetime', 'A6/age', 'A7/age', 'A7/sex', 'A7/patient_county_fips', 'null/visit_id', 'A10/chief_complaint', 'A16/visit_datetime', 'A17/visit_datetime', 'A18/visit_datetime']) {
      expect(messages).toContain(expected);
    }
    const a2 = bulk.stored.find((v) => v.visit_id === 'A2')!;
    expect(a2).toMatchObject({ visit_datetime: '2024-03-01 10:05:07', age: 7, sex: 'M', chief_complaint: 'CP', triage_note: null, discharge_diagnoses: ['T40.411A'] });
    // Line numbers count the line breaks inside quoted fields (A3's four).
    expect(bulk.stored.find((v) => v.visit_id === 'A4')).toBeUndefined();
    expect(bulk.report.errors.find((e) => e.recordId === 'A4')!.line).toBe(Number(bulk.stored.find((v) => v.visit_id === 'A3')!.source_line) + 4);
    expect(bulk.stored.filter((v) => v.visit_id === 'A1').map((v) => [v.version, v.is_current])).toEqual([[1, false], [2, true]]);
    expect(bulk.stored.find((v) => v.visit_id === 'A14')).toMatchObject({ chief_complaint: 'heroin od', triage_note: '\u00e9mesis' });
    expect(bulk.stored.find((v) => v.visit_id === 'A19')).toMatchObject({ chief_complaint: 'vigil:not-a-null:8c1e0f' });
  });

  it('finds each row its key by every column as by the hash of its key', async () => {
    // A child and an adult with the same texts: under 6 an ingestion is a poisoning, so they are two keys.
    const text = `${awkwardFeed()}K1,F1,2024-03-01T09:00,2,F,39049,ingestion,ate grandmas oxycodone,\nK2,F1,2024-03-01T09:00,30,F,39049,ingestion,ate grandmas oxycodone,\n`;
    const byHash = await bulkTakes(text);
    const visit = (id: string) => byHash.rows.find((r) => (r as { visit_id: string }).visit_id === id) as { coded_id: string } | undefined;
    expect(visit('K1')!.coded_id).not.toBe(visit('K2')!.coded_id);
    // Every ordinary row is staged in bulk: a row that missed its key would fall to JavaScript.
    expect(byHash.rows.filter((r) => /^V\d+$/.test((r as { visit_id: string }).visit_id))).toHaveLength(400);
    expect(await bulkTakes(text, { joinKeysByColumns: true })).toEqual(byHash);
  });

  it("rejects other jurisdictions' residents as reading row by row does", async () => {
    const text = awkwardFeed();
    const bulk = await load(text, { csvBulk: true, jurisdiction: 'OH' });
    expect(bulk).toEqual(await load(text, { csvBulk: false, jurisdiction: 'OH' }));
    expect(bulk.report.errors.filter((e) => e.field === 'patient_county_fips').map((e) => e.recordId)).toEqual(expect.arrayContaining(['A12', 'A13']));
  });

  it.each([
    ['a blank line inside', `${HEADER}\nA1,F1,2024-03-01T10:05,40,M,39049,cp,,\n\nA2,F1,2024-03-01T10:05,40,M,39049,cp,,\n`],
    ['a short row', `${HEADER}\nA1,F1,2024-03-01T10:05,40,M,39049,cp,,\nA2,F1,2024-03-01T10:05\n`],
    ['a row with a field too many', `${HEADER}\nA1,F1,2024-03-01T10:05,40,M,39049,cp,,\nA2,F1,2024-03-01T10:05,40,M,39049,cp,,,extra\n`],
    ['spaces before a quote', `${HEADER}\nA1,F1,2024-03-01T10:05,40,M,39049, "cp, sob",,\n`],
    ['text after a closing quote', `${HEADER}\nA1,F1,2024-03-01T10:05,40,M,39049,"cp"x,,\n`],
    ['a quote never closed', `${HEADER}\nA1,F1,2024-03-01T10:05,40,M,39049,"cp,,\n`],
    ['a header over two lines', `visit_id,facility_id,visit_datetime,age,sex,patient_county_fips,chief_complaint,"triage\nnote",discharge_diagnoses,triage_note\nA1,F1,2024-03-01T10:05,40,M,39049,cp,,,\n`],
    ['no header', `A1,F1,2024-03-01T10:05,40,M,39049,cp,,\n`],
  ])('declines a file with %s, staging nothing, and the row-by-row path decides', async (_, text) => {
    expect(await bulkTakes(text)).toEqual({ taken: false, staged: 0, rows: [] });
    const bulk = await load(text, { csvBulk: true });
    expect(bulk).toEqual(await load(text, { csvBulk: false }));
  });

  it('takes a file whose last line has no line break, or that ends with blank lines', async () => {
    const rows = `${HEADER}\nA1,F1,2024-03-01T10:05,40,M,39049,cp,"two\nlines",\nA2,F1,2024-03-01T10:05,40,M,39049,cp,,`;
    for (const text of [rows, `${rows}\n\n\n`, `${rows.replaceAll('\n', '\r\n')}\r\n\r\n`]) {
      expect((await bulkTakes(text)).taken).toBe(true);
      const bulk = await load(text, { csvBulk: true });
      expect(bulk).toEqual(await load(text, { csvBulk: false }));
      expect(bulk.stored.map((v) => v.source_line)).toEqual([2, 4]);
    }
  });
});
