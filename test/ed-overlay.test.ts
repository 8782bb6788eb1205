/**
 * An approved lexicon term reaches the ED coder: mapped to an ICD-10-CM category (the substance
 * the ED drug table knows, else the bridge's "other" category for its WHO code; a term with no
 * mapping is reported), approved over HTTP it codes the next ED upload, the approval recodes the
 * ED visits containing it, the recode job recodes every other stale ED coding exactly once, every
 * ED coding records the overlay ED version, and human ED codings are kept. Syndromes are the
 * definitions' text queries: the new term reaches none of them. Real server, real DuckDB file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdCoder } from '../pipeline/coding/ed/index.ts';
import { edOverlayVersion, withEdOverlay } from '../pipeline/coding/ed/overlay-terms.ts';
import { loadEdTables } from '../pipeline/coding/ed/tables.ts';
import type { OverlayTerm } from '../pipeline/coding/lexicon/overlay.ts';
import { EdCodingSource, withApprovedEdTerms } from '../pipeline/ingest/ed-coding.ts';
import { jobNamed } from '../pipeline/jobs/job-list.ts';
import { recordJobRun } from '../pipeline/jobs/job-runs.ts';
import type { EdRecodeSummary } from '../pipeline/jobs/recode-ed.ts';
import { createToken, type TokenRole } from '../pipeline/store/tokens.ts';
import { openTestRuntime } from './helpers/runtime.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const tables = loadEdTables();
const ED_COMMITTED = tables.version;
const drug = (term: string, code: string, drugName: string | null = null): OverlayTerm => ({ term, code, kind: 'drug', drugName });
const ZORBEX = drug('zorbex', 'T40.4', 'fentanyl');
/** The ED version once zorbex is approved: its one row, fentanyl's category. */
const ED_OVERLAY = edOverlayVersion(ED_COMMITTED, [{ term: 'zorbex', name: 'fentanyl', category: 'T40.41' }]);

function visit(text: string, triageNote: string | null = null) {
  return { visitId: 'v', facilityId: 'F1', visitDatetime: '2024-03-01T10:00', age: 30, sex: 'M' as const, patientCountyFips: '39049', chiefComplaint: text, triageNote, dischargeDiagnoses: [] };
}

describe('approved terms mapped to the ED drug table', () => {
  it('takes the category of the substance the ED table knows, else the bridge\'s "other" category, else reports the term', () => {
    const overlay = withEdOverlay(tables, [
      ZORBEX, // its drug name is an ED substance: fentanyl T40.41, not T40.4's "other"
      drug('nitrozene', 'T40.4'), // no drug name: T40.4 bridges to T40.41, T40.42, T40.49 → the "other", T40.49
      drug('rhinotranq', 'T46.5'), // T46.5 is one CM category
      drug('grillsmoke', 'T58'), // a three-character WHO code: T58.8, carbon monoxide from other source
      drug('greenleaf', 'T40.7'), // cannabis T40.71 or synthetic cannabinoids T40.72: no "other"
      { term: 'hypertension', code: 'I15.9', kind: 'condition', drugName: null },
    ]);
    const byTerm = new Map(overlay.outcomes.map((o) => [o.term, o]));
    expect(byTerm.get('zorbex')).toMatchObject({ reachesEd: true, via: 'substance', rows: [{ name: 'fentanyl', category: 'T40.41' }], accidentalCodes: ['T40.411A'] });
    expect(byTerm.get('nitrozene')).toMatchObject({ reachesEd: true, via: 'bridge', rows: [{ name: 'nitrozene', category: 'T40.49' }], accidentalCodes: ['T40.491A'] });
    expect(byTerm.get('rhinotranq')).toMatchObject({ reachesEd: true, via: 'bridge', rows: [{ category: 'T46.5' }], accidentalCodes: ['T46.5X1A'] });
    expect(byTerm.get('grillsmoke')).toMatchObject({ reachesEd: true, via: 'bridge', rows: [{ category: 'T58.8' }] });
    expect(byTerm.get('greenleaf')).toMatchObject({ reachesEd: false, reason: expect.stringMatching(/^no ICD-10-CM mapping: greenleaf .*T40\.71 cannabis; T40\.72 synthetic cannabinoids/) });
    expect(byTerm.get('hypertension')).toMatchObject({ reachesEd: false, reason: expect.stringMatching(/^a condition term/) });
    // The version names the rows that reach ED, in any order; the others change nothing.
    expect(overlay.version).toMatch(new RegExp(`^${ED_COMMITTED.replace(/[.+]/g, '\\$&')}\\+terms-4-[0-9a-f]{8}$`));
    expect(withEdOverlay(tables, [ZORBEX, drug('greenleaf', 'T40.7')]).version).toBe(ED_OVERLAY);
    expect(withEdOverlay(tables, [drug('greenleaf', 'T40.7')]).version).toBe(ED_COMMITTED);
    expect(withEdOverlay(tables, []).tables).toBe(tables);

    const before = createEdCoder(tables).code(visit('pt OD on zorbex, narcan x2'));
    const after = createEdCoder(overlay.tables).code(visit('pt OD on zorbex, narcan x2'));
    expect(before.codes).toEqual(['T40.601A']);
    expect(after).toMatchObject({ codes: ['T40.411A'], drugs: [{ name: 'fentanyl', code: 'T40.41', deathClass: 'T40.4' }], review: { required: false } });
    // Spelling correction reaches the new word, as the death matcher's does.
    expect(createEdCoder(overlay.tables).code(visit('zorbexx overdose, narcan given')).codes).toEqual(['T40.411A']);
    expect(createEdCoder(overlay.tables).code(visit('OD on nitrozene')).codes).toEqual(['T40.491A']);
  });

  it('an approved term replaces the ED rows of the same term, keeping how the word is used in text', () => {
    const ice = tables.terms.find((t) => t.term === 'ice')!;
    expect(ice).toMatchObject({ ambiguous: true, category: 'T43.65' });
    const overlay = withEdOverlay(tables, [drug('ice', 'T40.5', 'cocaine')]);
    expect(overlay.tables.terms.filter((t) => t.term === 'ice')).toEqual([{ ...ice, name: 'cocaine', category: 'T40.5', generic: false, curated: true }]);
    const coder = createEdCoder(overlay.tables);
    expect(coder.code(visit('smoking ice, OD')).codes).toEqual(['T40.5X1A']);
    expect(coder.code(visit('fall on ice, wrist pain')).codes).toEqual([]);
  });

  it('a coding made outside a source gets the terms for a recode, and a foreign coder is refused', async () => {
    const runtime = await openTestRuntime();
    try {
      const c = runtime.db.connection;
      await c.run(`INSERT INTO lexicon_overlay_terms (term, code, kind, drug_name, proposal_id, added_at, added_by) VALUES ('zorbex', 'T40.4', 'drug', 'fentanyl', 1, now(), 'test')`);
      const engine = { syndromes: runtime.edCoding.current().syndromes, syndromeSet: 'x' };
      const upgraded = await withApprovedEdTerms(c, { coder: createEdCoder(tables), ...engine });
      expect(upgraded.coder.lexiconVersion).toBe(ED_OVERLAY);
      expect(upgraded.coder.code(visit('OD on zorbex')).codes).toEqual(['T40.411A']);
      const foreign = { ...createEdCoder(tables), lexiconVersion: 'ed-lexicon/elsewhere' };
      await expect(withApprovedEdTerms(c, { coder: foreign, ...engine })).rejects.toThrow(
        `cannot add the approved lexicon terms to ED coder vigil-ed-coder/1 with lexicon ed-lexicon/elsewhere: it is not vigil-ed-coder/1 over the committed ED tables ${ED_COMMITTED}`,
      );
      // The process's source reads the same terms and builds the coder once per version.
      const source = await new EdCodingSource().open(c);
      const first = (await source.refresh(c)).coder;
      expect(first.lexiconVersion).toBe(ED_OVERLAY);
      expect((await source.refresh(c)).coder).toBe(first);
    } finally {
      runtime.dispose();
    }
  }, 60_000);
});

const HEADER = 'visit_id,facility_id,visit_datetime,age,sex,patient_county_fips,chief_complaint,triage_note,discharge_diagnoses';
/** Loaded before the approval. */
const BEFORE = [
  'E1,F1,2024-03-01T10:00,30,M,39049,"pt OD on zorbex, narcan x2",,', // contains the term: recoded by the approval
  'E2,F1,2024-03-01T11:00,41,F,39049,overdose,"used zorbex, found down",', // a coder corrects it first: kept
  'E3,F1,2024-03-01T12:00,25,M,39049,OD on fent,,', // no term: stale all the same, the recode job's
  'E4,F1,2024-03-01T13:00,52,M,39049,"zorbexx overdose, narcan given",,', // a misspelling: the recode job's
];
/** Loaded after it. */
const AFTER = ['E5,F1,2024-03-02T09:00,33,F,39049,"pt OD on zorbex, narcan x2",,', 'E6,F1,2024-03-02T10:00,60,M,39049,chest pain,,'];

describe('an approved term over HTTP reaches ED coding', () => {
  let server: TestServer;
  const tokens = {} as Record<TokenRole, string>;
  const ids = new Map<string, string>();

  async function call(role: TokenRole, method: string, route: string, body?: unknown) {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens[role]}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(new URL(route, server.url), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }
  async function upload(name: string, lines: readonly string[]) {
    const form = new FormData();
    form.append('file', new Blob([`${HEADER}\n${lines.join('\n')}\n`]), name);
    const response = await fetch(new URL('/api/batches', server.url), { method: 'POST', body: form, headers: { authorization: `Bearer ${tokens.uploader}` } });
    return { status: response.status, body: (await response.json()) as any };
  }
  const read = async (sql: string) => (await server.runtime.db.connection.runAndReadAll(sql)).getRowObjectsJson();
  const current = () =>
    read(`SELECT e.visit_id AS id, c.coder, c.lexicon_version, c.codes, CAST(c.drugs AS VARCHAR) AS drugs, c.drug_classes, c.syndromes
          FROM ed_visits e JOIN coded_ed_visits c USING (record_id) WHERE c.is_current ORDER BY 1`);
  const codingsPer = async () => new Map((await read(`SELECT e.visit_id AS id, count(*)::INTEGER AS n FROM ed_visits e JOIN coded_ed_visits c USING (record_id) GROUP BY 1`)).map((r) => [String(r.id), Number(r.n)]));
  const recodeJob = async () => ((await recordJobRun(server.runtime.db, 'recode', 'manual', () => jobNamed('recode')!.run(server.runtime))) as { ed: EdRecodeSummary }).ed;
  async function approve(body: object) {
    const proposal = await call('coder', 'POST', '/api/lexicon/proposals', body);
    expect(proposal.status).toBe(201);
    const approved = await call('admin', 'POST', `/api/lexicon/proposals/${proposal.body.proposal_id}/approve`, {});
    expect(approved.status).toBe(200);
    return { proposal: proposal.body, approved: approved.body };
  }

  beforeAll(async () => {
    server = await startTestServer({ demo: false });
    for (const role of ['admin', 'coder', 'uploader'] as const) {
      tokens[role] = (await createToken(server.runtime.db.connection, { name: `${role} one`, role, jurisdictions: role === 'uploader' ? ['OH'] : null, createdBy: 'test' })).token;
    }
  }, 60_000);
  afterAll(() => server?.close());

  it('before the approval, ED visits code with the committed ED tables; a coder corrects one', async () => {
    expect(await upload('before.csv', BEFORE)).toMatchObject({ status: 201, body: { kind: 'ed', status: 'loaded', recordsLoaded: 4 } });
    for (const r of await read(`SELECT visit_id, CAST(record_id AS VARCHAR) AS id FROM ed_visits`)) ids.set(String(r.visit_id), String(r.id));
    const rows = await current();
    expect(rows.map((r) => [r.id, r.lexicon_version, r.codes])).toEqual([
      ['E1', ED_COMMITTED, ['T40.601A']],
      ['E2', ED_COMMITTED, expect.any(Array)],
      ['E3', ED_COMMITTED, ['T40.411A']],
      ['E4', ED_COMMITTED, ['T40.601A']],
    ]);
    const item = await call('coder', 'GET', `/api/review/items/ed-${ids.get('E2')}`);
    expect(item.status).toBe(200);
    const decision = await call('coder', 'POST', `/api/review/items/ed-${ids.get('E2')}/decision`, { decision: 'correct', version: item.body.coding.version, codes: ['T40.411A', 'F11.120'], comment: 'zorbex is sold as fentanyl' });
    expect(decision.status).toBe(201);
  });

  it('the proposal says what the term is to the ED coder; the approval recodes the ED visits containing it, the human coding kept', async () => {
    const { proposal, approved } = await approve({ term: 'Zorbex', code: 'T40.4', drugName: 'fentanyl', comment: 'new street name for fentanyl' });
    expect(proposal.ed).toMatchObject({ term: 'zorbex', reachesEd: true, via: 'substance', rows: [{ name: 'fentanyl', category: 'T40.41' }], accidentalCodes: ['T40.411A'] });
    expect(approved.ed).toMatchObject({
      lexiconVersion: ED_OVERLAY,
      term: { term: 'zorbex', reachesEd: true },
      notInEd: [],
      recode: { status: 'succeeded', lexiconVersion: ED_OVERLAY, recoded: 1, humanSyndromesRefreshed: 0 },
      syndromes: expect.stringMatching(/^unchanged: /),
    });
    // One recorded recode run for the approval: certificates (none here) and ED visits.
    expect(await read(`SELECT job, status, CAST(summary->'$.deaths.recoded' AS INTEGER) AS deaths, CAST(summary->'$.ed.recoded' AS INTEGER) AS ed FROM job_runs`)).toEqual([
      { job: 'recode', status: 'succeeded', deaths: 0, ed: 1 },
    ]);
    const rows = new Map((await current()).map((r) => [String(r.id), r]));
    expect(rows.get('E1')).toMatchObject({ coder: 'vigil-ed-coder/1', lexicon_version: ED_OVERLAY, codes: ['T40.411A'], drug_classes: ['T40.4'] });
    expect(JSON.parse(String(rows.get('E1')!.drugs))).toEqual([{ name: 'fentanyl', code: 'T40.41', death_class: 'T40.4' }]);
    // Syndromes read the text: naloxone counts for opioid, but "zorbex" is no fentanyl term.
    expect(rows.get('E1')!.syndromes).toEqual(['all_drug', 'opioid']);
    expect(rows.get('E2')).toMatchObject({ coder: expect.stringMatching(/^human:/), lexicon_version: ED_COMMITTED, codes: ['T40.411A', 'F11.120'] });
    expect(rows.get('E3')!.lexicon_version).toBe(ED_COMMITTED);
    expect(rows.get('E4')!.lexicon_version).toBe(ED_COMMITTED);
  }, 60_000);

  it('the next ED upload codes with the term and records the overlay ED version', async () => {
    expect(await upload('after.csv', AFTER)).toMatchObject({ status: 201, body: { status: 'loaded', recordsLoaded: 2 } });
    const rows = new Map((await current()).map((r) => [String(r.id), r]));
    expect(rows.get('E5')).toMatchObject({ lexicon_version: ED_OVERLAY, codes: ['T40.411A'], drug_classes: ['T40.4'], syndromes: ['all_drug', 'opioid'] });
    expect(JSON.parse(String(rows.get('E5')!.drugs))).toEqual([{ name: 'fentanyl', code: 'T40.41', death_class: 'T40.4' }]);
    expect(rows.get('E6')).toMatchObject({ lexicon_version: ED_OVERLAY, codes: [] });
    expect(server.runtime.edCoding.status()).toMatchObject({ lexiconVersion: ED_OVERLAY, committedVersion: ED_COMMITTED, terms: [{ term: 'zorbex', reachesEd: true }] });
  });

  it('the recode job recodes each ED visit coded before the approval once, and never the human coding', async () => {
    expect(await recodeJob()).toMatchObject({ lexiconVersion: ED_OVERLAY, recoded: 2 });
    const rows = new Map((await current()).map((r) => [String(r.id), r]));
    expect(rows.get('E3')).toMatchObject({ lexicon_version: ED_OVERLAY, codes: ['T40.411A'] });
    expect(rows.get('E4')).toMatchObject({ lexicon_version: ED_OVERLAY, codes: ['T40.411A'] }); // the misspelling, corrected by the matcher
    expect(rows.get('E2')).toMatchObject({ coder: expect.stringMatching(/^human:/), codes: ['T40.411A', 'F11.120'] });
    expect(await recodeJob()).toMatchObject({ recoded: 0 });
    // Before the approval: the first coding and one more (E2: the automated one and the coder's); after it: one.
    expect(Object.fromEntries(await codingsPer())).toEqual({ E1: 2, E2: 2, E3: 2, E4: 2, E5: 1, E6: 1 });
  }, 60_000);

  it('a term with no ICD-10-CM mapping is reported, leaves the ED version as it is and rebuilds nothing', async () => {
    const coder = server.runtime.edCoding.current().coder;
    const { proposal, approved } = await approve({ term: 'greenleaf', code: 'T40.7', comment: 'cannabis or K2, unknown' });
    const reason = expect.stringMatching(/^no ICD-10-CM mapping: greenleaf is not in the ED drug table and WHO T40\.7 is 2 CM categories/);
    expect(proposal.ed).toMatchObject({ reachesEd: false, reason });
    expect(approved.ed).toMatchObject({ lexiconVersion: ED_OVERLAY, term: { term: 'greenleaf', reachesEd: false, reason }, notInEd: [{ term: 'greenleaf' }], recode: { status: 'not needed' } });
    // The death lexicon has the term (a new death version); the ED codings stay current.
    expect(approved.lexiconVersion).toMatch(/\+terms-2-/);
    expect(await recodeJob()).toMatchObject({ lexiconVersion: ED_OVERLAY, recoded: 0 });
    expect(server.runtime.edCoding.current().coder).toBe(coder);
    expect(server.runtime.edCoding.status().terms.map((t) => [t.term, t.reachesEd])).toEqual([['greenleaf', false], ['zorbex', true]]);
  }, 60_000);
});
