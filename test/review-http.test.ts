/**
 * The review routes over real HTTP: who may do what (coder and admin work the queue; an
 * epidemiologist sees agreement figures only; uploaders and the public nothing), validated input
 * with 400s that name the parameter and value, ED items accepted and corrected, the agreement
 * report, the emerging-substances list with its one-click proposal, and the audit rows of every
 * read of record text and every decision.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CERTIFICATE_COLUMNS } from '../pipeline/records/certificate.ts';
import { createToken, type TokenRole } from '../pipeline/store/tokens.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const ED_HEADER = 'visit_id,facility_id,visit_datetime,age,sex,patient_county_fips,chief_complaint,triage_note,discharge_diagnoses';
const VISITS = [
  'E1,F1,2024-03-26T01:00:00,34,M,39049,OD,"found unresponsive at home, took pills",',
  'E2,F1,2024-03-26T02:00:00,40,F,39049,palpitations,used cocaine tonight,',
  'E3,F1,2024-03-26T03:00:00,28,M,39049,OD on fent,"narcan x2 by EMS",T40.411A',
  'E4,F1,2024-03-27T03:00:00,31,F,39049,zombrex overdose,"friend says he took zombrex, narcan given",',
  // Not overdose context: the background that tells ordinary words ("took") from new ones.
  'E5,F1,2024-03-20T10:00:00,50,M,39049,headache,"took tylenol, friend says no relief",R51.9',
  'E6,F1,2024-03-21T10:00:00,44,F,39049,ankle pain,"fell at home, took ibuprofen",S93.401A',
  'E7,F1,2024-03-22T10:00:00,61,M,39049,back pain,"took advil, no relief",M54.50',
];
// id, date, Part I line a, manner
const CERTIFICATES: [string, string, string, string][] = [
  ['Z0', '2024-02-15', 'Acute zombrex toxicity', 'A'],
  ['Z1', '2024-03-10', 'Acute zombrex and fentanyl toxicity', 'A'],
  ['Z2', '2024-03-20', 'Acute zombrex toxicity', 'A'],
  ['Z3', '2024-03-25', 'Fentanyl and zombrex intoxication', 'A'],
  ['Z4', '2024-03-25', 'Cardiac arrest', 'N'],
];

let server: TestServer;
const tokens = {} as Record<TokenRole, string>;
const tokenIds = {} as Record<TokenRole, string>;
const records = new Map<string, string>();

const api = (route: string) => new URL(route, server.url).toString();
async function call(role: TokenRole | 'public', method: string, route: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (role !== 'public') headers.authorization = `Bearer ${tokens[role]}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(api(route), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any, requestId: response.headers.get('x-request-id') };
}
const read = async (sql: string) => (await server.runtime.db.connection.runAndReadAll(sql)).getRowObjectsJson();
const itemId = (id: string) => `${id.startsWith('E') ? 'ed' : 'deaths'}-${records.get(id)}`;

beforeAll(async () => {
  server = await startTestServer({ demo: false });
  const csv = [CERTIFICATE_COLUMNS.join(','), ...CERTIFICATES.map(([id, date, text, manner]) => `${id},OH,${date},40,F,39061,39061,${manner},${text},,,,,`)].join('\n');
  expect(await server.runtime.ingest.ingestStream(Readable.from([csv]), { fileName: 'z.csv', source: 'cli' })).toMatchObject({ status: 'loaded', recordsLoaded: 5 });
  expect(await server.runtime.ingest.ingestStream(Readable.from([`${ED_HEADER}\n${VISITS.join('\n')}\n`]), { fileName: 'ed.csv', source: 'cli' })).toMatchObject({ status: 'loaded', recordsLoaded: 7 });
  for (const r of await read(`SELECT certificate_id AS id, CAST(record_id AS VARCHAR) AS record FROM certificates UNION ALL SELECT visit_id, CAST(record_id AS VARCHAR) FROM ed_visits`)) records.set(String(r.id), String(r.record));
  for (const role of ['admin', 'coder', 'epidemiologist', 'uploader'] as const) {
    const created = await createToken(server.runtime.db.connection, { name: `${role} one`, role, jurisdictions: role === 'uploader' ? ['OH'] : null, createdBy: 'test' });
    tokens[role] = created.token;
    tokenIds[role] = created.info.tokenId;
  }
}, 120_000);
afterAll(() => server?.close());

describe('who may use the review', () => {
  it('coders and admins work the queue; epidemiologists read agreement only; uploaders and the public nothing', async () => {
    const item = itemId('Z4');
    const cases: [TokenRole | 'public', string, string, number][] = [
      ['coder', 'GET', '/api/review/queue', 200],
      ['admin', 'GET', '/api/review/queue', 200],
      ['epidemiologist', 'GET', '/api/review/queue', 403],
      ['uploader', 'GET', '/api/review/queue', 403],
      ['public', 'GET', '/api/review/queue', 401],
      ['epidemiologist', 'GET', `/api/review/items/${item}`, 403],
      ['uploader', 'GET', `/api/review/items/${item}`, 403],
      ['public', 'GET', `/api/review/items/${item}`, 401],
      ['epidemiologist', 'POST', `/api/review/items/${item}/decision`, 403],
      ['uploader', 'POST', `/api/review/items/${item}/decision`, 403],
      ['public', 'POST', `/api/review/items/${item}/decision`, 401],
      ['epidemiologist', 'GET', '/api/review/agreement', 200],
      ['uploader', 'GET', '/api/review/agreement', 403],
      ['public', 'GET', '/api/review/agreement', 401],
      ['epidemiologist', 'GET', '/api/review/emerging', 403],
      ['public', 'GET', '/api/review/emerging', 401],
      ['uploader', 'GET', '/api/lexicon', 403],
    ];
    for (const [role, method, route, status] of cases) {
      const response = await call(role, method, route, method === 'POST' ? { decision: 'accept', version: '2024-01-01T00:00:00.000000Z' } : undefined);
      expect(response.status, `${role} ${method} ${route}`).toBe(status);
    }
    // Denied requests read nothing, so nothing is audited for them.
    expect(await read(`SELECT DISTINCT role FROM audit_log WHERE action LIKE 'read.review%' ORDER BY 1`)).toEqual([{ role: 'admin' }, { role: 'coder' }]);
  });
});

describe('the queue and its items over HTTP', () => {
  it('lists both sources, audits the records it shows, and refuses bad parameters by name', async () => {
    const all = await call('coder', 'GET', '/api/review/queue?limit=20');
    expect(all.status).toBe(200);
    const ids = all.body.items.map((i: { id: string }) => i.id);
    expect(ids).toEqual(expect.arrayContaining([itemId('Z4'), itemId('E1'), itemId('E2')]));
    expect(ids).not.toContain(itemId('E3'));
    const ed = await call('coder', 'GET', '/api/review/queue?source=ed&jurisdiction=oh');
    expect(ed.body.items.map((i: { id: string; jurisdiction: string }) => [i.id, i.jurisdiction])).toEqual(
      expect.arrayContaining([[itemId('E1'), 'OH'], [itemId('E2'), 'OH']]),
    );
    const audited = await read(`SELECT actor, action, list_transform(record_ids, x -> CAST(x AS VARCHAR)) AS ids, request_id FROM audit_log WHERE request_id = '${all.requestId}'`);
    expect(audited).toEqual([{ actor: tokenIds.coder, action: 'read.review_queue', ids: all.body.items.map((i: { recordId: string }) => i.recordId), request_id: all.requestId }]);
    const bad: [string, string][] = [
      ['state=done', 'invalid state: "done"'],
      ['limit=0', 'invalid limit: "0"'],
      ['jurisdiction=Ohio', 'invalid jurisdiction: "Ohio"'],
      ['source=hospital', 'invalid source: "hospital"'],
      ['reason=Bad%20Reason', 'invalid reason: "Bad Reason"'],
      ['order=sql', 'Unrecognized key: "order"'],
    ];
    for (const [query, message] of bad) {
      const response = await call('coder', 'GET', `/api/review/queue?${query}`);
      expect([response.status, response.body.error.message], query).toEqual([400, expect.stringContaining(message)]);
    }
  });

  it('shows an ED item with its text and codes; bad and unknown ids are 400 and 404', async () => {
    const item = await call('coder', 'GET', `/api/review/items/${itemId('E1')}`);
    expect(item.status).toBe(200);
    expect(item.body).toMatchObject({ source: 'ed', state: 'pending', record: { visit_id: 'E1', chief_complaint: 'OD', triage_note: 'found unresponsive at home, took pills' }, coding: { codes: ['T50.901A'], isCurrent: true } });
    expect(item.body.reasons.map((r: { key: string }) => r.key)).toContain('unspecified_drug');
    expect(await read(`SELECT action, target FROM audit_log WHERE request_id = '${item.requestId}'`)).toEqual([{ action: 'read.review_item', target: null }]);
    expect((await call('coder', 'GET', '/api/review/items/certificate-1')).body.error.message).toBe('invalid id: "certificate-1" (expected deaths-<record id> or ed-<record id>)');
    expect((await call('coder', 'GET', `/api/review/items/${itemId('E3')}`)).status).toBe(404);
  });
});

describe('decisions over HTTP', () => {
  it('corrects an ED visit with ICD-10-CM codes checked against the poisoning code list', async () => {
    const { body: item } = await call('coder', 'GET', `/api/review/items/${itemId('E1')}`);
    const bad = await call('coder', 'POST', `/api/review/items/${itemId('E1')}/decision`, { decision: 'correct', version: item.coding.version, codes: ['T40.415A'], comment: 'x' });
    expect([bad.status, bad.body.error.message]).toEqual([400, 'invalid codes[0]: "T40.415A" is not an ICD-10-CM FY2025 poisoning code (category, intent 1-4 and encounter A/D/S: T40.411A, T40.1X1A)']);
    const noComment = await call('coder', 'POST', `/api/review/items/${itemId('E1')}/decision`, { decision: 'correct', version: item.coding.version, codes: ['T42.4X1A'] });
    expect([noComment.status, noComment.body.error.message]).toEqual([400, 'invalid comment: missing (Invalid input: expected string, received undefined)']);
    const corrected = await call('coder', 'POST', `/api/review/items/${itemId('E1')}/decision`, { decision: 'correct', version: item.coding.version, codes: ['t42.4x1a'], comment: 'pill bottle: alprazolam' });
    expect(corrected.status).toBe(201);
    expect(await read(`SELECT coder, is_current, codes, drug_classes, syndromes FROM coded_ed_visits WHERE record_id = ${records.get('E1')} ORDER BY coded_at`)).toEqual([
      { coder: 'vigil-ed-coder/1', is_current: false, codes: ['T50.901A'], drug_classes: ['T50.9'], syndromes: item.coding.syndromes },
      { coder: `human:${tokenIds.coder}`, is_current: true, codes: ['T42.4X1A'], drug_classes: ['T42.4'], syndromes: item.coding.syndromes },
    ]);
    expect(await read(`SELECT action, target, request_id FROM audit_log WHERE action = 'review.correct'`)).toEqual([{ action: 'review.correct', target: itemId('E1'), request_id: corrected.requestId }]);
    // The street name the visit taught the coder, proposed from the ED correction (a WHO code, the one lexicon).
    const proposal = await call('coder', 'POST', '/api/lexicon/proposals', { term: 'zanbarz', code: 'T42.4', drugName: 'alprazolam', comment: 'street name on the bottle', decisionId: corrected.body.decisionId });
    expect(proposal.status).toBe(201);
    expect(proposal.body).toMatchObject({ term: 'zanbarz', code: 'T42.4', origin: 'correction', status: 'pending' });
    expect(await read(`SELECT origin, decision_id::VARCHAR AS decision_id, evidence_record_ids FROM lexicon_proposals WHERE term = 'zanbarz'`)).toEqual([
      { origin: 'correction', decision_id: String(corrected.body.decisionId), evidence_record_ids: [String(records.get('E1'))] },
    ]);
  });

  it('accepts, and refuses what does not fit: a death correction without its codes, a bad death code, a stale version', async () => {
    const { body: e2 } = await call('admin', 'GET', `/api/review/items/${itemId('E2')}`);
    expect((await call('admin', 'POST', `/api/review/items/${itemId('E2')}/decision`, { decision: 'accept', version: e2.coding.version })).status).toBe(201);
    const { body: z4 } = await call('coder', 'GET', `/api/review/items/${itemId('Z4')}`);
    const cases: [unknown, number, string][] = [
      [{ decision: 'correct', version: z4.coding.version, underlyingCause: 'X42', comment: 'x' }, 400, 'invalid multipleCauses: missing'],
      [{ decision: 'correct', version: z4.coding.version, underlyingCause: 'X42', multipleCauses: ['T40.4', 'T40.41'], comment: 'x' }, 400, 'invalid multipleCauses[1]: "T40.41" is not a WHO ICD-10 code'],
      [{ decision: 'correct', version: z4.coding.version, underlyingCause: 'X99.9', multipleCauses: [], comment: 'x' }, 400, 'invalid underlyingCause: "X99.9" is not in vigil\'s death code table'],
      [{ decision: 'maybe', version: z4.coding.version }, 400, 'invalid decision: "maybe"'],
      [{ decision: 'correct', version: z4.coding.version, underlyingCause: 'X42', multipleCauses: [], codes: ['T40.411A'], comment: 'x' }, 400, 'invalid codes: not a field of a death correction'],
      [{ decision: 'accept', version: 'yesterday' }, 400, 'invalid version: "yesterday"'],
      [{ decision: 'accept', version: '2020-01-01T00:00:00.000000Z' }, 409, 'changed since it was read'],
    ];
    for (const [body, status, message] of cases) {
      const response = await call('coder', 'POST', `/api/review/items/${itemId('Z4')}/decision`, body);
      expect([response.status, response.body.error.message], JSON.stringify(body)).toEqual([status, expect.stringContaining(message)]);
    }
    expect(await read(`SELECT count(*)::INTEGER AS n FROM coded_deaths WHERE record_id = ${records.get('Z4')}`)).toEqual([{ n: 1 }]);
    const corrected = await call('coder', 'POST', `/api/review/items/${itemId('Z4')}/decision`, { decision: 'correct', version: z4.coding.version, underlyingCause: 'I21.9', multipleCauses: ['I46.9'], comment: 'autopsy: acute MI' });
    expect(corrected.body).toMatchObject({ decision: 'correct', state: 'corrected', itemId: itemId('Z4') });
  });

  it('reports agreement per reason and per code, saying how it is measured', async () => {
    const report = await call('epidemiologist', 'GET', '/api/review/agreement');
    expect(report.status).toBe(200);
    expect(report.body.method).toMatch(/simple percent agreement/);
    expect(report.body.overall).toEqual({ decisions: 3, agreed: 1, percent: 33.3, accepted: 1, corrected: 2 });
    expect(report.body.byReason.map((r: { reason: string; decisions: number; agreed: number }) => [r.reason, r.decisions, r.agreed])).toEqual([
      ['unspecified_drug', 1, 0],
      ['unsuitable_underlying_cause', 1, 0],
      ['use_without_overdose', 1, 1],
    ]);
    expect(report.body.byUnderlyingCause).toEqual([{ code: 'I46.9', decisions: 1, agreed: 0, percent: 0, correctedTo: [{ code: 'I21.9', decisions: 1 }] }]);
    expect((await call('coder', 'GET', '/api/review/agreement?source=ed')).body.overall.decisions).toBe(2);
    expect((await call('coder', 'GET', '/api/review/agreement?from=2024-02-30')).body.error.message).toMatch(/^invalid from: "2024-02-30"/);
  });
});

describe('emerging substances over HTTP', () => {
  it('ranks unknown words in overdose context by growth, with examples, and proposes one in a click', async () => {
    const emerging = await call('coder', 'GET', '/api/review/emerging?to=2024-04-01&days=28&minRecent=2');
    expect(emerging.status).toBe(200);
    expect(emerging.body.periods).toEqual({ previousFrom: '2024-02-05', recentFrom: '2024-03-04', to: '2024-04-01' });
    const [top] = emerging.body.tokens;
    // Z1, Z2, Z3 and the ED visit E4 in the recent period; Z0 before.
    expect(top).toMatchObject({ token: 'zombrex', recent: 4, previous: 1, growth: 2.5, background: 0, specificity: null, pendingProposal: null });
    // "took" is in two overdose-context visits, but in three of the six background records too.
    expect(emerging.body.tokens.map((t: { token: string }) => t.token)).not.toContain('took');
    expect(top.examples.map((e: { itemId: string }) => e.itemId)).toEqual([itemId('E4'), itemId('Z3'), itemId('Z2')]);
    expect(top.examples[0]).toMatchObject({ source: 'ed', field: 'chief_complaint', text: 'zombrex overdose' });
    const audited = await read(`SELECT action, list_transform(record_ids, x -> CAST(x AS VARCHAR)) AS ids FROM audit_log WHERE request_id = '${emerging.requestId}'`);
    expect(audited).toEqual([{ action: 'read.emerging_examples', ids: expect.arrayContaining([records.get('E4'), records.get('Z3'), records.get('Z2')]) }]);
    const proposal = await call('coder', top.proposal.method, top.proposal.path, top.proposal.body);
    expect(proposal.status).toBe(201);
    expect(proposal.body).toMatchObject({ term: 'zombrex', code: 'T50.9', origin: 'emerging', status: 'pending' });
    const again = await call('coder', 'GET', '/api/review/emerging?to=2024-04-01&days=28&minRecent=2');
    expect(again.body.tokens[0]).toMatchObject({ token: 'zombrex', pendingProposal: proposal.body.proposal_id });
    const rejected = await call('admin', 'POST', `/api/lexicon/proposals/${proposal.body.proposal_id}/reject`, { comment: 'not a substance' });
    expect(rejected.status).toBe(200);
    expect((await call('coder', 'GET', '/api/review/emerging?to=2024-04-01&days=28&minRecent=2')).body.tokens.map((t: { token: string }) => t.token)).not.toContain('zombrex');
    expect((await call('coder', 'GET', '/api/review/emerging?days=3')).body.error.message).toMatch(/^invalid days: "3"/);
  });
});
