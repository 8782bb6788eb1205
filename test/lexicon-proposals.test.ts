/**
 * Learning from corrections over real HTTP: a coder corrects a certificate and proposes the street
 * name it taught them; an admin approves it into the lexicon overlay (a new lexicon version, fed
 * to the real matcher); the recode re-codes the certificates whose text contains the term, and
 * only them; the nightly recode codes the rest with the new lexicon (a misspelling included).
 * Rejections, roles, bad input and the audit trail too.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateCoder } from '../pipeline/coding/deaths/certificate-coder.ts';
import { loadLexicon } from '../pipeline/coding/lexicon/lexicon.ts';
import { overlayVersion, withOverlay, type OverlayTerm } from '../pipeline/coding/lexicon/overlay.ts';
import { recodeStale } from '../pipeline/jobs/recode.ts';
import { CERTIFICATE_COLUMNS, type Certificate } from '../pipeline/records/certificate.ts';
import { createToken, type TokenRole } from '../pipeline/store/tokens.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const base = loadLexicon();
const ZOMBREX: OverlayTerm = { term: 'zombrex', code: 'T46.5', kind: 'drug', drugName: 'xylazine' };

function certificate(part1a: string, manner: Certificate['manner'] = 'A'): Certificate {
  return {
    certificateId: 'c', jurisdiction: 'OH', deathDate: '2024-03-10', age: 40, sex: 'F', residenceCountyFips: '39061', occurrenceCountyFips: '39061', manner,
    part1: [part1a, null, null, null], part2: null, howInjury: null, intervals: [null, null, null, null], injuryDate: null, injuryPlace: null,
    race: null, hispanic: null, autopsy: null, tobacco: null, pregnancy: null,
  };
}

describe('lexicon overlay', () => {
  it('replaces the committed rows of a term, and its version names the committed version and the terms', () => {
    const hypertension: OverlayTerm = { term: 'hypertension', code: 'I15.9', kind: 'condition', drugName: null };
    const overlaid = withOverlay(base, [ZOMBREX, hypertension]);
    expect(overlaid.entries.filter((e) => e.term === 'hypertension')).toEqual([{ term: 'hypertension', code: 'I15.9', kind: 'condition', source: 'overlay' }]);
    expect(overlaid.entries.length).toBe(base.entries.length - base.entries.filter((e) => e.term === 'hypertension').length + 2);
    expect(overlaid.drugNames.get('zombrex')).toBe('xylazine');
    expect(overlaid.version).toMatch(new RegExp(`^${base.version.replace(/[.+]/g, '\\$&')}\\+terms-2-[0-9a-f]{8}$`));
    expect(overlayVersion(base.version, [hypertension, ZOMBREX])).toBe(overlaid.version);
    expect(overlayVersion(base.version, [ZOMBREX])).not.toBe(overlaid.version);
    expect(overlayVersion(base.version, [])).toBe(base.version);
    expect(withOverlay(base, [])).toBe(base);
    expect(() => withOverlay(base, [{ ...ZOMBREX, term: 'Zombrex!' }])).toThrow(/not normalised/);
  });

  it('feeds the real matcher: spelling correction and drug names included', () => {
    const coder = createCertificateCoder(withOverlay(base, [ZOMBREX]));
    expect(coder.code(certificate('Acute zombrex and fentanyl toxicity'))).toMatchObject({ underlyingCause: 'X44', recordAxis: ['X44', 'T46.5', 'T40.4'], drugs: [{ name: 'xylazine', code: 'T46.5' }, { name: 'fentanyl', code: 'T40.4' }] });
    expect(coder.code(certificate('Zombrexx intoxication'))).toMatchObject({ underlyingCause: 'X44', recordAxis: ['X44', 'T46.5'] });
    expect(createCertificateCoder(base).code(certificate('Acute zombrex toxicity')).underlyingCause).toBeNull();
  });
});

// Certificates: id, Part I line a, manner.
const CERTIFICATES: [string, string, string][] = [
  ['L1', 'Acute zombrex toxicity', 'A'], // flagged (matched nothing): the coder corrects it
  ['L2', 'Acute zombrex and fentanyl toxicity', 'A'], // coded X42; the term changes it
  ['L3', 'Acute fentanyl toxicity', 'A'],
  ['L4', 'Hypertensive heart disease', 'N'],
  ['L5', 'Zombrexx intoxication', 'A'], // a misspelling: the nightly recode's
];

let server: TestServer;
const tokens = {} as Record<TokenRole, string>;
const ids = new Map<string, string>();

const api = (route: string) => new URL(route, server.url).toString();
async function call(role: TokenRole | 'public', method: string, route: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (role !== 'public') headers.authorization = `Bearer ${tokens[role]}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(api(route), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any };
}
const read = async (sql: string) => (await server.runtime.db.connection.runAndReadAll(sql)).getRowObjectsJson();
const currentCodings = () =>
  read(`SELECT c.certificate_id AS id, d.coder, d.lexicon_version, d.underlying_cause, d.record_axis FROM coded_deaths d JOIN certificates c USING (record_id) WHERE d.is_current ORDER BY 1`);

beforeAll(async () => {
  server = await startTestServer({ demo: false });
  const csv = [CERTIFICATE_COLUMNS.join(','), ...CERTIFICATES.map(([id, text, manner]) => `${id},OH,2024-03-1${id.slice(1)},40,F,39061,39061,${manner},${text},,,,,`)].join('\n');
  expect(await server.runtime.ingest.ingestStream(Readable.from([csv]), { fileName: 'lexicon.csv', source: 'cli' })).toMatchObject({ status: 'loaded', recordsLoaded: 5 });
  for (const r of await read(`SELECT certificate_id, CAST(record_id AS VARCHAR) AS id FROM certificates`)) ids.set(String(r.certificate_id), String(r.id));
  for (const role of ['admin', 'coder', 'epidemiologist', 'uploader'] as const) {
    tokens[role] = (await createToken(server.runtime.db.connection, { name: `${role} one`, role, jurisdictions: role === 'uploader' ? ['OH'] : null, createdBy: 'test' })).token;
  }
}, 120_000);
afterAll(() => server?.close());

describe('proposal → approval → recode', () => {
  let proposalId: string;
  let lexiconVersion: string;

  it('a coder corrects a certificate and proposes the term from the correction', async () => {
    const item = await call('coder', 'GET', `/api/review/items/deaths-${ids.get('L1')}`);
    expect(item.status).toBe(200);
    expect(item.body.reasons.map((r: { key: string }) => r.key)).toEqual(['unmatched_text']);
    const decision = await call('coder', 'POST', `/api/review/items/deaths-${ids.get('L1')}/decision`, {
      decision: 'correct', version: item.body.coding.version, underlyingCause: 'X44', multipleCauses: ['t46.5'], comment: '"zombrex" is sold as xylazine',
    });
    expect(decision.status).toBe(201);
    const proposal = await call('coder', 'POST', '/api/lexicon/proposals', { term: 'Zombrex', code: 'T46.5', drugName: 'Xylazine', comment: 'street name', decisionId: decision.body.decisionId });
    expect(proposal.status).toBe(201);
    expect(proposal.body).toMatchObject({ term: 'zombrex', written: 'Zombrex', code: 'T46.5', kind: 'drug', drug_name: 'xylazine', origin: 'correction', status: 'pending', evidence_record_ids: [ids.get('L1')] });
    proposalId = proposal.body.proposal_id;
    const listed = await call('coder', 'GET', '/api/lexicon/proposals');
    expect(listed.body.proposals.map((p: { proposal_id: string; inLexicon: unknown[] }) => [p.proposal_id, p.inLexicon])).toEqual([[proposalId, []]]);
    // The same proposal again waits for the first.
    expect((await call('coder', 'POST', '/api/lexicon/proposals', { term: 'zombrex', code: 'T46.5' })).status).toBe(409);
  });

  it('only an admin decides', async () => {
    expect((await call('coder', 'POST', `/api/lexicon/proposals/${proposalId}/approve`)).status).toBe(403);
    expect((await call('epidemiologist', 'POST', `/api/lexicon/proposals/${proposalId}/approve`)).status).toBe(403);
    expect((await call('public', 'POST', `/api/lexicon/proposals/${proposalId}/reject`)).status).toBe(401);
    expect((await call('uploader', 'POST', '/api/lexicon/proposals', { term: 'zombrex', code: 'T46.5' })).status).toBe(403);
    expect((await call('epidemiologist', 'GET', '/api/lexicon/proposals')).status).toBe(403);
  });

  it('approval makes a new lexicon version and recodes the certificates containing the term, and only them', async () => {
    const before = await currentCodings();
    const approved = await call('admin', 'POST', `/api/lexicon/proposals/${proposalId}/approve`, { comment: 'confirmed with the ME office' });
    expect(approved.status).toBe(200);
    lexiconVersion = approved.body.lexiconVersion;
    expect(lexiconVersion).toBe(overlayVersion(base.version, [ZOMBREX]));
    expect(approved.body.proposal).toMatchObject({ status: 'approved', lexicon_version: lexiconVersion, decision_comment: 'confirmed with the ME office' });
    // L2 re-coded (the term changes its cause); L1 is a human coding: checked, and the new lexicon agrees with the coder.
    expect(approved.body.recode).toMatchObject({ status: 'succeeded', lexiconVersion, recoded: 1, underlyingCauseChanged: 1, humanChecked: 1, humanDisagreements: 0 });
    const after = await currentCodings();
    const changed = after.filter((row, i) => JSON.stringify(row) !== JSON.stringify(before[i])).map((r) => r.id);
    expect(changed).toEqual(['L2']);
    expect(after.find((r) => r.id === 'L2')).toEqual({ id: 'L2', coder: 'vigil-death-coder/1', lexicon_version: lexiconVersion, underlying_cause: 'X44', record_axis: ['X44', 'T46.5', 'T40.4'] });
    expect(await read(`SELECT count(*)::INTEGER AS n FROM coded_deaths WHERE record_id = ${ids.get('L2')}`)).toEqual([{ n: 2 }]);
    expect((await read(`SELECT CAST(drugs AS VARCHAR) AS drugs FROM coded_deaths WHERE record_id = ${ids.get('L2')} AND is_current`))[0]!.drugs).toContain('xylazine');
    const lexicon = await call('epidemiologist', 'GET', '/api/lexicon');
    expect(lexicon.body).toMatchObject({ version: lexiconVersion, committedVersion: base.version, approvedTerms: [ZOMBREX], versions: [{ lexicon_version: lexiconVersion, overlay_terms: 1 }] });
    // The recode is a recorded job run.
    expect(await read(`SELECT job, trigger, status FROM job_runs`)).toEqual([{ job: 'recode', trigger: 'manual', status: 'succeeded' }]);
    expect((await call('admin', 'POST', `/api/lexicon/proposals/${proposalId}/approve`)).body.error.message).toBe(`proposal ${proposalId} is already approved`);
    expect((await call('coder', 'POST', '/api/lexicon/proposals', { term: 'zombrex', code: 'T46.5' })).status).toBe(409);
  });

  it('the nightly recode codes the rest with the approved terms, though the server\'s coder was built without them', async () => {
    const summary = await recodeStale(server.runtime.db, server.runtime.coder, server.runtime.commitLock);
    expect(server.runtime.coder.lexiconVersion).toBe(base.version);
    // L3, L4 and L5; only the misspelled L5 changes (the matcher corrects "zombrexx").
    expect(summary).toMatchObject({ lexiconVersion, recoded: 3, underlyingCauseChanged: 1 });
    expect((await currentCodings()).map((r) => [r.id, r.lexicon_version === lexiconVersion, r.underlying_cause])).toEqual([
      ['L1', false, 'X44'],
      ['L2', true, 'X44'],
      ['L3', true, 'X42'],
      ['L4', true, 'I11.9'],
      ['L5', true, 'X44'],
    ]);
  });

  it('a rejected proposal changes nothing; every step is audited', async () => {
    const proposal = await call('coder', 'POST', '/api/lexicon/proposals', { term: 'tranq dope', code: 'T46.5', origin: 'emerging', evidenceRecordIds: [ids.get('L3')] });
    expect(proposal.status).toBe(201);
    const rejected = await call('admin', 'POST', `/api/lexicon/proposals/${proposal.body.proposal_id}/reject`, { comment: 'too vague' });
    expect(rejected.body).toMatchObject({ status: 'rejected', decision_comment: 'too vague', lexicon_version: null });
    expect((await call('coder', 'GET', '/api/lexicon')).body.version).toBe(lexiconVersion);
    expect((await call('coder', 'GET', '/api/lexicon/proposals?status=rejected')).body.proposals.map((p: { term: string }) => p.term)).toEqual(['tranq dope']);
    const audit = await read(`SELECT action, target FROM audit_log WHERE action LIKE 'lexicon.%' ORDER BY seq`);
    expect(audit).toEqual([
      { action: 'lexicon.propose', target: `proposal-${proposalId}` },
      { action: 'lexicon.approve', target: `proposal-${proposalId}` },
      { action: 'lexicon.propose', target: `proposal-${proposal.body.proposal_id}` },
      { action: 'lexicon.reject', target: `proposal-${proposal.body.proposal_id}` },
    ]);
  });

  it('bad proposals are 400s naming the field and the value', async () => {
    const cases: [unknown, string][] = [
      [{ term: 'xylo', code: 'T99.99' }, 'invalid code: "T99.99" is not a WHO ICD-10 code'],
      [{ term: 'xylo', code: 'I10', kind: 'drug' }, 'invalid kind: "drug" (I10 is a condition code, not drug)'],
      [{ term: 'od', code: 'T50.9' }, 'invalid term: "od" is a single word of 2 characters (at least 4)'],
      [{ term: 'xylo', code: 'T50.9', evidenceRecordIds: ['999999'] }, 'invalid evidenceRecordIds: 999999 is not a stored record'],
      [{ term: 'xylo', code: 'T50.9', decisionId: '424242' }, 'invalid decisionId: 424242 is not a correction (of a death record or an ED visit)'],
      [{ term: 'xylo', code: 'T50.9', drugName: 'x', kind: 'condition' }, 'invalid kind'],
      [{ term: 'xylo' }, 'invalid code: missing'],
      [{ term: 'xylo', code: 'T50.9', sql: 'drop' }, 'Unrecognized key: "sql"'],
    ];
    for (const [body, message] of cases) {
      const response = await call('coder', 'POST', '/api/lexicon/proposals', body);
      expect([response.status, response.body.error.message], JSON.stringify(body)).toEqual([400, expect.stringContaining(message)]);
    }
    expect((await call('admin', 'POST', '/api/lexicon/proposals/abc/approve')).status).toBe(400);
    expect((await call('admin', 'POST', '/api/lexicon/proposals/999/approve')).status).toBe(404);
  });
});
