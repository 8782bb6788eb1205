/**
 * ED feeds through the real batch path and over HTTP: CSV, NDJSON and HL7 visits versioned by
 * (facility, visit id), coded, evaluated against every active syndrome definition; a user's own
 * definition added through the API (by an admin) applies to the next batch; a jurisdiction's
 * uploader loads visits of its own residents only.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../pipeline/store/tokens.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url).pathname;
const HEADER = 'visit_id,facility_id,visit_datetime,age,sex,patient_county_fips,chief_complaint,triage_note,discharge_diagnoses';

let server: TestServer;
let admin: Record<string, string>;
let ohioUploader: Record<string, string>;
beforeAll(async () => {
  server = await startTestServer({ demo: false });
  const c = server.runtime.db.connection;
  admin = { authorization: `Bearer ${(await createToken(c, { name: 'ed test admin', role: 'admin', createdBy: 'test' })).token}` };
  ohioUploader = { authorization: `Bearer ${(await createToken(c, { name: 'Ohio ED feed', role: 'uploader', jurisdictions: ['OH'], createdBy: 'test' })).token}` };
});
afterAll(() => server.close());

const api = (route: string) => new URL(route, server.url).toString();
const rows = async (sql: string) => (await server.runtime.db.connection.runAndReadAll(sql)).getRowObjectsJson();

async function upload(name: string, content: string, as: Record<string, string> = admin) {
  const form = new FormData();
  form.append('file', new Blob([content]), name);
  const response = await fetch(api('/api/batches'), { method: 'POST', body: form, headers: as });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('ED batches', () => {
  it('loads an ED CSV feed: visits, codes, drugs and syndromes', async () => {
    const { status, body } = await upload('ed.csv', fs.readFileSync(`${SAMPLES}ed-visits-small.csv`, 'utf8'));
    expect(status).toBe(201);
    expect(body).toMatchObject({ kind: 'ed', status: 'loaded', recordsRead: 10, recordsLoaded: 10, recordsRejected: 0 });
    expect(await rows(`SELECT format FROM batches WHERE batch_id = '${body.batchId}'`)).toEqual([{ format: 'ed-csv' }]);
    const [fentanyl] = await rows(
      `SELECT e.chief_complaint, c.codes, c.drug_classes, c.syndromes, c.intent FROM ed_visits e JOIN coded_ed_visits c USING (record_id)
       WHERE e.visit_id = 'F3904901-2024-000101'`,
    );
    expect(fentanyl).toEqual({ chief_complaint: 'OD on fent', codes: ['T40.411A', 'F11.10'], drug_classes: ['T40.4'], syndromes: ['all_drug', 'fentanyl', 'opioid'], intent: 'accidental' });
  });

  it('the same visits as NDJSON change nothing; a changed visit is a new version', async () => {
    const { body } = await upload('ed.ndjson', fs.readFileSync(`${SAMPLES}ed-visits-small.ndjson`, 'utf8'));
    expect(body).toMatchObject({ status: 'loaded', recordsRead: 10, recordsLoaded: 0, recordsUnchanged: 10 });
    const changed = `${HEADER}\nF3904901-2024-000102,F3904901,2024-03-01T02:47:05,58,F,39049,CP x2d,pt c/o substernal chest pain radiating to L arm,I21.4\n`;
    expect((await upload('update.csv', changed)).body).toMatchObject({ recordsLoaded: 1 });
    expect(await rows(`SELECT version, is_current, discharge_diagnoses FROM ed_visits WHERE visit_id = 'F3904901-2024-000102' ORDER BY version`)).toEqual([
      { version: 1, is_current: false, discharge_diagnoses: ['I20.9'] },
      { version: 2, is_current: true, discharge_diagnoses: ['I21.4'] },
    ]);
  });

  it('loads HL7 ADT: messages merged per visit, the chief-complaint history kept, bad messages reported', async () => {
    const { body } = await upload('adt.hl7', fs.readFileSync(`${SAMPLES}adt-small.hl7`, 'latin1'));
    expect(body).toMatchObject({ kind: 'ed', status: 'loaded', recordsLoaded: 3, recordsRejected: 2 });
    expect(body.errors.map((e: { message: string }) => e.message)).toEqual([
      expect.stringMatching(/ORU\^R01 is not ADT/),
      expect.stringMatching(/segment missing: the message starts with "EVN"/),
    ]);
    const history = await rows(`SELECT visit_id, CAST(chief_complaint_history AS VARCHAR) AS h FROM ed_visits WHERE chief_complaint_history IS NOT NULL ORDER BY visit_id`);
    expect(history.length).toBe(3);
    expect(history.some((r) => (JSON.parse(String(r.h)) as unknown[]).length > 1)).toBe(true);
    // The same messages in another file: every visit, history included, unchanged by its content hash.
    const again = await upload('adt-again.hl7', `${fs.readFileSync(`${SAMPLES}adt-small.hl7`, 'latin1')}\r`);
    expect(again.body).toMatchObject({ status: 'loaded', recordsLoaded: 0, recordsUnchanged: 3 });
  });
});

describe('syndrome definitions over HTTP', () => {
  it('a user adds a definition; visits already loaded and the next batch are evaluated against it; a bad query is a 400 naming the position', async () => {
    // Loaded before the definition exists: re-evaluated after it is added.
    expect((await upload('before.csv', `${HEADER}\nX0,F1,2024-04-30T10:00,30,M,39049,tranq wound left arm,,\n`)).body).toMatchObject({ recordsLoaded: 1 });
    const bad = await fetch(api('/api/syndromes'), {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'xylazine', name: 'Xylazine', query: '^xylazine^,or,(,^tranq^' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^invalid definition xylazine: query: .*character \d+/);

    const good = await fetch(api('/api/syndromes'), {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'xylazine', name: 'Xylazine mentions', description: 'Any mention of xylazine or tranq', query: '^xylazine^,or,^tranq^' }),
    });
    expect(good.status).toBe(201);
    expect(await good.json()).toEqual({ id: 'xylazine', version: 1, active: true, reevaluation: 'started' });
    // The background recode run: wait for it in the job-run log.
    for (let i = 0; i < 100; i++) {
      const runs = await rows(`SELECT status FROM job_runs WHERE job = 'recode'`);
      if (runs.length > 0 && runs[0]!.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await rows(`SELECT status FROM job_runs WHERE job = 'recode'`)).toEqual([{ status: 'succeeded' }]);
    expect(await rows(`SELECT c.syndromes FROM ed_visits e JOIN coded_ed_visits c USING (record_id) WHERE e.visit_id = 'X0' AND c.is_current`)).toEqual([{ syndromes: ['xylazine'] }]);
    expect(await rows(`SELECT count(*)::INTEGER AS n FROM coded_ed_visits c JOIN ed_visits e USING (record_id) WHERE e.visit_id = 'X0' AND NOT c.is_current`)).toEqual([{ n: 1 }]);
    const list = (await (await fetch(api('/api/syndromes'))).json()) as { definitions: { id: string; version: number; active: boolean; builtin: boolean }[] };
    expect(list.definitions.filter((d) => d.builtin).map((d) => d.id)).toEqual(['all_drug', 'benzodiazepine', 'cocaine', 'fentanyl', 'heroin', 'opioid', 'stimulant']);
    expect(list.definitions.find((d) => d.id === 'xylazine')).toMatchObject({ version: 1, active: true, builtin: false });

    const { body } = await upload('tranq.csv', `${HEADER}\nX1,F1,2024-05-01T10:00,30,M,39049,tranq wounds on legs,,\n`);
    expect(body).toMatchObject({ status: 'loaded', recordsLoaded: 1 });
    expect(await rows(`SELECT c.syndromes, c.syndrome_set FROM ed_visits e JOIN coded_ed_visits c USING (record_id) WHERE e.visit_id = 'X1'`)).toEqual([
      { syndromes: ['xylazine'], syndrome_set: 'all_drug@1,benzodiazepine@1,cocaine@1,fentanyl@1,heroin@1,opioid@1,stimulant@1,xylazine@1' },
    ]);
  });
});

describe('ED feeds of a jurisdiction', () => {
  // An ED record names no facility state (facility ids are NPIs or local codes), so a visit's
  // jurisdiction is the state of the patient's county of residence, where vigil counts it.
  it('loads the visits of the uploader jurisdiction residents and rejects the others with line, visit and field', async () => {
    const feed = [
      HEADER,
      'J1,F3904901,2024-05-02T10:00,30,M,39049,OD on fent,,T40.411A',
      'J2,F3904901,2024-05-02T11:00,41,F,18097,overdose heroin,,',
      'J3,F3904901,2024-05-02T12:00,52,F,,found down,,',
    ].join('\n');
    const { status, body } = await upload('oh-ed.csv', `${feed}\n`, ohioUploader);
    expect(status).toBe(201);
    expect(body).toMatchObject({
      kind: 'ed',
      jurisdiction: 'OH',
      recordsLoaded: 1,
      recordsRejected: 2,
      errors: [
        { line: 3, recordId: 'J2', field: 'patient_county_fips', message: 'the patient lives in IN (county 18097); this batch may hold OH residents\' visits only' },
        { line: 4, recordId: 'J3', field: 'patient_county_fips', message: 'no patient county: this batch may hold OH residents\' visits only, and this visit names no county of residence' },
      ],
    });
    expect(await rows(`SELECT visit_id FROM ed_visits WHERE visit_id LIKE 'J%' ORDER BY visit_id`)).toEqual([{ visit_id: 'J1' }]);
  });
});
