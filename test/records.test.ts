/**
 * GET /api/records, the line list behind an aggregate cell, over real HTTP on the ten hand-written
 * certificates and ten ED visits of fixtures/samples: the records the aggregates count (same rule,
 * same total), oldest first, paged; each one read by the dashboard's own parser into the
 * CodedRecord it shows; validated parameters; every read in the audit log; a coder's correction
 * shown at once and kept after a recode. Who may call it: test/authz-matrix.ts.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecord } from '../dashboard/src/api/records.ts';
import { createToken, type TokenRole } from '../pipeline/store/tokens.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url).pathname;

let server: TestServer;
const tokens = {} as Record<TokenRole, { token: string; id: string }>;

beforeAll(async () => {
  server = await startTestServer({ demo: false });
  expect(await server.runtime.ingest.ingestFile(`${SAMPLES}certificates-small.csv`, { source: 'cli' })).toMatchObject({ status: 'loaded', recordsLoaded: 10 });
  expect(await server.runtime.ingest.ingestFile(`${SAMPLES}ed-visits-small.csv`, { source: 'cli' })).toMatchObject({ status: 'loaded', recordsLoaded: 10 });
  for (const role of ['admin', 'coder', 'epidemiologist'] as const) {
    const created = await createToken(server.runtime.db.connection, { name: `records ${role}`, role, createdBy: 'test' });
    tokens[role] = { token: created.token, id: created.info.tokenId };
  }
}, 120_000);
afterAll(() => server.close());

type Answer = { total: number; offset: number; limit: number; next: { offset: number } | null; records: Record<string, any>[]; [key: string]: unknown };

async function get(path: string, role: TokenRole = 'epidemiologist'): Promise<{ status: number; body: any }> {
  const response = await fetch(new URL(path, server.url), { headers: { authorization: `Bearer ${tokens[role].token}` } });
  return { status: response.status, body: await response.json() };
}
async function records(query: string, role: TokenRole = 'epidemiologist'): Promise<Answer> {
  const { status, body } = await get(`/api/records?${query}`, role);
  expect(status, JSON.stringify(body).slice(0, 300)).toBe(200);
  return body as Answer;
}
const ids = (answer: Answer) => answer.records.map((r) => r.certificate_id ?? r.visit_id);

describe('the line list behind a cell', () => {
  it("lists the deaths an aggregate counts, oldest first, with the cell's count as total", async () => {
    const answer = await records('measure=all_overdose&geography=39&from=2024-01&to=2024-02');
    // Ohio's overdoses: 000001 and 000002 in January, 000004 and 000005 in February (000003, 000006 are natural deaths).
    expect(ids(answer)).toEqual(['2024OH000001', '2024OH000002', '2024OH000004', '2024OH000005']);
    expect(answer).toMatchObject({ source: 'deaths', measure: 'all_overdose', geography: '39', level: 'state', from: '2024-01', to: '2024-02', total: 4, offset: 0, limit: 100, next: null });
    // The same count as the aggregates' cell for Ohio over the same months.
    const aggregate = await get('/api/aggregates?measure=all_overdose&geography=state&state=39&unit=total&from=2024-01&to=2024-02');
    expect(aggregate.body.rows).toHaveLength(1);
    expect(aggregate.body.rows[0].count).toBe(answer.total);
  });

  it('reads counties, the nation and day bounds as the aggregates do', async () => {
    expect(ids(await records('measure=all_overdose&geography=39061&from=2024-01-01&to=2024-01-05'))).toEqual(['2024OH000001']);
    const nation = await records('measure=all_overdose&geography=US');
    expect(ids(nation)).toEqual(['2024OH000001', '2024OH000002', '2024KY000001', '2024OH000004', '2024OH000005', '2024KY000003']);
    expect(nation).toMatchObject({ level: 'nation', from: null, to: null, total: 6 });
    expect(ids(await records('measure=synthetic_opioid&geography=39'))).toEqual(['2024OH000001', '2024OH000002', '2024OH000005']);
    expect(ids(await records('measure=all_deaths&geography=21&from=2024-02-05&to=2024-02-22'))).toEqual(['2024KY000002', '2024KY000003']);
    expect((await records('measure=heroin&geography=21')).total).toBe(0);
  });

  it('pages with limit and offset, and says where the next page starts', async () => {
    const first = await records('measure=all_deaths&geography=US&limit=4');
    expect(first).toMatchObject({ total: 10, limit: 4, next: { offset: 4 } });
    const second = await records('measure=all_deaths&geography=US&limit=4&offset=4');
    const third = await records('measure=all_deaths&geography=US&limit=4&offset=8');
    expect(third).toMatchObject({ next: null });
    const all = [...ids(first), ...ids(second), ...ids(third)];
    expect(all).toHaveLength(10);
    expect(new Set(all).size).toBe(10);
    expect(all).toEqual(ids(await records('measure=all_deaths&geography=US')));
    expect(await records('measure=all_deaths&geography=US&offset=50')).toMatchObject({ total: 10, records: [], next: null });
  });

  it('gives each death as the dashboard reads it: text lines, codes, entity axis, drugs, trace, review reasons', async () => {
    const [first] = (await records('measure=all_overdose&geography=39061&from=2024-01-03&to=2024-01-03')).records;
    expect(first).toMatchObject({ source: 'deaths', jurisdiction: 'OH', certificate_id: '2024OH000001', coder: expect.stringMatching(/^vigil-death-coder\//), human_coded: false });
    expect(parseRecord(first!, {})).toEqual({
      id: '2024OH000001',
      source: 'deaths',
      date: '2024-01-03',
      age: '34',
      sex: 'M',
      residence: '39061',
      manner: 'A',
      lines: [
        { label: 'I(a)', number: 1, text: 'Acute combined fentanyl and methamphetamine toxicity' },
        { label: 'How the injury occurred', number: null, text: 'Decedent used illicit drugs' },
      ],
      underlyingCause: 'X44',
      codes: ['X44', 'T40.4', 'T43.6'],
      entityAxis: [
        { line: 1, position: 1, code: 'T40.4', text: 'fentanyl' },
        { line: 1, position: 2, code: 'T43.6', text: 'methamphetamine' },
      ],
      drugs: [
        { name: 'fentanyl', code: 'T40.4' },
        { name: 'methamphetamine', code: 'T43.6' },
      ],
      syndromes: [],
      trace: [
        { rule: 'drug poisoning', detail: 'Part I describes a poisoning by fentanyl (T40.4), methamphetamine (T43.6).' },
        { rule: 'external cause by intent', detail: 'Drugs fall in the row "other and unspecified drugs" (drugs of different rows together); intent accident gives X44.' },
      ],
      reviewReasons: [],
    });
    const [pending] = (await records('measure=all_deaths&geography=21&from=2024-02-05&to=2024-02-05')).records;
    expect(parseRecord(pending!, {})).toMatchObject({ id: '2024KY000002', underlyingCause: 'R99', codes: ['R99'], reviewReasons: ['pending investigation'] });
  });

  it('lists ED visits meeting a syndrome, with their text, codes, drugs and syndromes', async () => {
    const answer = await records('source=ed&measure=all_drug&geography=39&from=2024-03-01&to=2024-03-01');
    expect(answer.total).toBe(2);
    const visit = answer.records.find((r) => r.visit_id === 'F3904901-2024-000101')!;
    expect(visit).toMatchObject({
      source: 'ed',
      patient_county_fips: '39049',
      codes: ['T40.411A', 'F11.10'],
      syndromes: ['all_drug', 'fentanyl', 'opioid'],
      drugs: [expect.objectContaining({ name: 'fentanyl' })],
      human_coded: false,
    });
    expect(parseRecord(visit, {})).toMatchObject({
      id: 'F3904901-2024-000101',
      source: 'ed',
      date: '2024-03-01',
      residence: '39049',
      lines: [
        { label: 'Chief complaint', number: null, text: 'OD on fent' },
        { label: 'Triage note', number: null, text: 'pt found down in car by friend, narcan x2 by EMS, now A&Ox3' },
        { label: 'Discharge diagnoses', number: null, text: 'T40.411A, F11.10' },
      ],
      underlyingCause: null,
      codes: ['T40.411A', 'F11.10'],
      entityAxis: [],
      trace: [],
    });
    // The aggregates count the same visits.
    const aggregate = await get('/api/aggregates?source=ed&measure=all_drug&geography=state&state=39&unit=total&from=2024-03-01&to=2024-03-01');
    expect(aggregate.body.rows[0].count).toBe(2);
  });

  it('refuses bad parameters with a 400 naming them', async () => {
    const message = async (query: string) => {
      const { status, body } = await get(`/api/records?${query}`);
      expect(status, query).toBe(400);
      return String(body.error.message);
    };
    expect(await message('measure=all_overdose')).toBe('invalid geography: missing (required: the place, US (the nation), a 2-digit state or a 5-digit county FIPS code)');
    expect(await message('geography=state')).toMatch(/^invalid geography: "state" \(US \(the nation\), a 2-digit state/);
    expect(await message('geography=39&measure=fentanyl')).toMatch(/^invalid measure: "fentanyl" \(a death measure: all_overdose, /);
    expect(await message('geography=39&source=ed&measure=heroin_deaths')).toMatch(/^invalid measure: "heroin_deaths" \(an active ED syndrome: /);
    expect(await message('geography=39&limit=1001')).toMatch(/^invalid limit: "1001"/);
    expect(await message('geography=39&from=2024-03&to=2024-01')).toBe('invalid from: "2024-03" is after to "2024-01"');
    expect(await message('geography=39&from=2024-02-30')).toBe('invalid from: "2024-02-30" (not a calendar day)');
    expect(await message('geography=39&jurisdiction=OH')).toContain('"jurisdiction"');
  });

  it('writes every read to the audit log, with the records read, before answering', async () => {
    const answer = await records('measure=all_overdose&geography=21', 'coder');
    const { body } = await get('/api/audit?action=read.line_list&limit=1', 'admin');
    expect(body.entries[0]).toMatchObject({
      actor: tokens.coder.id,
      role: 'coder',
      action: 'read.line_list',
      recordIds: answer.records.map((r) => r.record_id),
      detail: { source: 'deaths', measure: 'all_overdose', geography: '21', total: 2, offset: 0, limit: 100 },
    });
    expect(answer.records).toHaveLength(2);
  });
});

describe("a coder's correction", () => {
  it('wins over the automated coding at once, in the line list and the counts, and after a recode', async () => {
    // A word the lexicon does not know: the coder flags it for review.
    const csv = `${fs.readFileSync(`${SAMPLES}certificates-small.csv`, 'utf8').split('\n')[0]}\n2024KY000099,KY,2024-02-06,30,M,21111,21111,A,Acute zombrex toxicity,,,,,\n`;
    expect(await server.runtime.ingest.ingestStream(Readable.from([csv]), { fileName: 'zombrex.csv', source: 'cli' })).toMatchObject({ recordsLoaded: 1 });
    const [pending] = (await records('measure=all_deaths&geography=21111&from=2024-02-06&to=2024-02-06')).records;
    expect(pending).toMatchObject({ certificate_id: '2024KY000099', review: { required: true } });
    const item = `deaths-${pending!.record_id}`;
    const { body: review } = await get(`/api/review/items/${item}`, 'coder');
    expect(review, JSON.stringify(review).slice(0, 300)).toMatchObject({ state: 'pending', coding: { version: expect.any(String) } });
    const decision = await fetch(new URL(`/api/review/items/${item}/decision`, server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.coder.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'correct', version: review.coding.version, underlyingCause: 'X42', multipleCauses: ['X42', 'T40.4'], comment: 'toxicology: fentanyl' }),
    });
    expect(decision.status).toBe(201);

    const shown = async () => {
      const answer = await records('measure=synthetic_opioid&geography=21');
      expect(ids(answer)).toEqual(['2024KY000099']);
      const [record] = answer.records;
      expect(record).toMatchObject({ coder: `human:${tokens.coder.id}`, human_coded: true, underlying_cause: 'X42', record_axis: ['X42', 'T40.4'] });
      expect(parseRecord(record!, {}).trace.at(-1)!.detail).toContain('toxicology: fentanyl');
    };
    await shown();
    const aggregate = await get('/api/aggregates?measure=synthetic_opioid&geography=state&state=21&unit=total&from=2024-01&to=2024-02');
    expect(aggregate.body.rows[0].count).toBe(1);

    // The recode job (run over the API) checks the human coding but never replaces it.
    const run = await fetch(new URL('/api/jobs/recode/runs', server.url), { method: 'POST', headers: { authorization: `Bearer ${tokens.admin.token}` } });
    expect(run.status).toBe(202);
    const { runId } = (await run.json()) as { runId: string };
    for (let i = 0; i < 300; i++) {
      const { body } = await get('/api/jobs', 'admin');
      const status = (body.runs as { run_id: string; status: string }[]).find((r) => r.run_id === runId)?.status;
      if (status !== 'running') {
        expect(status).toBe('succeeded');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await shown();
    expect((await records('measure=all_deaths&geography=21')).total).toBe(5);
  });
});
