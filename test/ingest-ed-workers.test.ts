/**
 * ED CSV staged through the coding workers stores exactly what staging on the main thread stores
 * (both row by row: VIGIL_CSV_BULK=false), and so does the bulk path through DuckDB's reader,
 * and the staging CSV (pipeline/ingest/staging-csv.ts) carries every awkward value unchanged:
 * quotes, commas, line breaks, non-ASCII text, empty text apart from absent text.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTestRuntime } from './helpers/runtime.ts';

const HEADER = 'visit_id,facility_id,visit_datetime,age,sex,patient_county_fips,chief_complaint,triage_note,discharge_diagnoses';
const COMPLAINTS = ['OD on fent', '"SOB, wheezing"', 'CP x2d', 'fall from ladder', '"pt states ""I just missed the step"""', 'heroin od', 'abd pain', '"ñausea, vómito"'];
const NOTES = ['"pt found down, narcan x2 by EMS"', '', 'hx asthma; used inhaler x4', '"took 30 xanax\nper family"', 'meth + fentanyl', 'denies drug use'];
const DIAGNOSES = ['T40.411A;F11.10', '', 'R07.9', 'T42.4X1A', 'J45.41;R06.02'];

function feed(count: number): string {
  const rows = Array.from({ length: count }, (_, i) => {
    const id = `F39049-${String(i % 18_000).padStart(6, '0')}`; // the last 2,000 visits are updates of the first ones
    const age = i % 11 === 0 ? '' : String((i * 7) % 90);
    return `${id},F39049,2024-03-${String((i % 28) + 1).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:05,${age},${'MFU'[i % 3]},39049,${COMPLAINTS[i % 8]},${NOTES[(i >> 1) % 6]},${DIAGNOSES[i % 5]}`;
  });
  rows[9_000] = 'BAD-1,F39049,2024-02-30T10:00,40,M,39049,chest pain,,'; // a malformed line in the middle
  return `${HEADER}\n${rows.join('\n')}\n`;
}

async function load(workers: number, text: string, csvBulk = false) {
  const r = await openTestRuntime({ codingWorkers: workers, csvBulk });
  try {
    const input = path.join(r.dataDir, 'ed.csv');
    fs.writeFileSync(input, text);
    const report = await r.ingest.ingestFile(input, { source: 'cli' });
    const stored = (
      await r.db.connection.runAndReadAll(
        `SELECT e.record_id, e.visit_id, e.version, e.is_current, e.source_line, CAST(e.visit_datetime AS VARCHAR) AS visit_datetime, e.age, e.sex,
           e.chief_complaint, e.triage_note, e.discharge_diagnoses, e.content_hash, c.codes, CAST(c.drugs AS VARCHAR) AS drugs, c.drug_classes,
           c.syndromes, c.negated, c.intent, c.review_required, c.review_reasons
         FROM ed_visits e JOIN coded_ed_visits c USING (record_id) ORDER BY e.record_id`,
      )
    ).getRowObjectsJson();
    const staging = fs.existsSync(`${r.db.path}.staging`) ? fs.readdirSync(`${r.db.path}.staging`) : [];
    return { report: { ...report, batchId: '', receivedAt: '', finishedAt: '' }, stored, staging };
  } finally {
    r.dispose();
  }
}

describe('ED CSV in coding workers', () => {
  it('stores exactly what the main thread stores, and leaves no staging file', async () => {
    const text = feed(20_000); // ~1.6 MiB: several worker chunks
    const inThread = await load(0, text);
    const inWorkers = await load(2, text);
    const inBulk = await load(0, text, true); // DuckDB's reader (ed-csv-bulk.ts), the default
    expect(inThread.report).toMatchObject({ status: 'loaded', recordsRead: 20_000, recordsRejected: 1, recordsLoaded: 19_999 });
    expect(inThread.report.errors).toEqual([{ line: expect.any(Number), recordId: 'BAD-1', field: 'visit_datetime', message: expect.any(String) }]);
    expect(inThread.staging).toEqual([]);
    expect(inWorkers).toEqual(inThread);
    expect(inBulk).toEqual(inThread);
    // Record ids in file order; an update is the next version of its visit, and the current one.
    const first = inThread.stored.filter((v) => v.visit_id === 'F39049-000001');
    expect(first.map((v) => [v.version, v.is_current])).toEqual([[1, false], [2, true]]);
    const ids = inThread.stored.map((v) => Number(v.record_id));
    expect(inThread.stored.map((v) => v.source_line)).toEqual([...inThread.stored.map((v) => v.source_line)].sort((a, b) => Number(a) - Number(b)));
    expect(new Set(ids).size).toBe(ids.length);
  }, 180_000);

  it('carries quotes, commas, line breaks, non-ASCII and empty text through staging unchanged', async () => {
    const { stored } = await load(0, feed(40));
    const byLine = (n: number) => stored.find((v) => v.visit_id === `F39049-${String(n).padStart(6, '0')}`)!;
    expect(byLine(1)).toMatchObject({ chief_complaint: 'SOB, wheezing', triage_note: 'pt found down, narcan x2 by EMS', discharge_diagnoses: [], age: 7, sex: 'F' });
    expect(byLine(4)).toMatchObject({ chief_complaint: 'pt states "I just missed the step"', discharge_diagnoses: ['J45.41', 'R06.02'] });
    expect(byLine(3)).toMatchObject({ discharge_diagnoses: ['T42.4X1A'] });
    expect(byLine(6)).toMatchObject({ triage_note: 'took 30 xanax\nper family' });
    expect(byLine(7)).toMatchObject({ chief_complaint: 'ñausea, vómito' });
    expect(byLine(0)).toMatchObject({ age: null, discharge_diagnoses: ['T40.411A', 'F11.10'], visit_datetime: '2024-03-01 00:05:00' });
    // An empty note is stored as absent (the reader's rule), never as the text "".
    expect(byLine(2).triage_note).toBeNull();
  }, 60_000);

  it('changes nothing when the same file is loaded again', async () => {
    const r = await openTestRuntime();
    try {
      const input = path.join(r.dataDir, 'ed.csv');
      fs.writeFileSync(input, feed(300));
      expect(await r.ingest.ingestFile(input, { source: 'cli' })).toMatchObject({ status: 'loaded', recordsLoaded: 300 });
      // The same visits in another file (another checksum): every one unchanged by its content hash.
      fs.writeFileSync(input, `${feed(300)}\n`);
      expect(await r.ingest.ingestFile(input, { source: 'cli' })).toMatchObject({ status: 'loaded', recordsLoaded: 0, recordsUnchanged: 300 });
      // What migration 013 gives stored visits is what staging gives the same visit.
      const differing = await r.db.connection.runAndReadAll(
        `SELECT count(*)::INTEGER AS n FROM ed_visits WHERE content_hash <> ed_visit_content_hash(visit_id, facility_id, visit_datetime, age, sex,
           patient_county_fips, chief_complaint, triage_note, discharge_diagnoses, chief_complaint_history)`,
      );
      expect(differing.getRowObjectsJson()).toEqual([{ n: 0 }]);
    } finally {
      r.dispose();
    }
  }, 60_000);
});
