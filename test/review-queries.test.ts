/**
 * Every review_* and lexicon_* named query, run by DuckDB on a crafted fixture with its exact rows
 * (the rule test/sql.test.ts applies to the other queries), after the store functions wrote real
 * decisions, a proposal, an approval and a check. A new review or lexicon query needs its rows here.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeathCoder } from '../pipeline/coding/deaths/index.ts';
import type { DeathCoder } from '../pipeline/coding/deaths/types.ts';
import { loadEdTables } from '../pipeline/coding/ed/tables.ts';
import { loadLexicon } from '../pipeline/coding/lexicon/lexicon.ts';
import { overlayVersion } from '../pipeline/coding/lexicon/overlay.ts';
import { recodeStale } from '../pipeline/jobs/recode.ts';
import { CERTIFICATE_COLUMNS } from '../pipeline/records/certificate.ts';
import { DeathCodeTable } from '../pipeline/review/death-codes.ts';
import { recordDecision, type Actor, type DecisionContext } from '../pipeline/review/decisions.ts';
import { EdCodeTable } from '../pipeline/review/ed-codes.ts';
import { DeathCodingSource } from '../pipeline/review/lexicon-overlay.ts';
import { approveProposal, createProposal, type LexiconContext } from '../pipeline/review/proposals.ts';
import type { Row } from '../pipeline/store/sql-files.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
const base = loadLexicon();
const NEW_LEXICON = overlayVersion(base.version, [{ term: 'zombrex', code: 'T46.5', kind: 'drug', drugName: 'xylazine' }]);

let runtime: TestRuntime;
let actor: Actor;
let decisions: DecisionContext;
let lexicon: LexiconContext;
const id = new Map<string, string>();
let correctionId: string;
let proposalId: string;

const checked = new Set<string>();
// Record ids come from one sequence, but DuckDB numbers a batch's rows in no fixed order: rows
// compared as a set are sorted on both sides, and a query's order is checked on ids, not names.
const sorted = <T>(list: T[]): T[] => list.sort();
const rows = (name: string, parameters: Record<string, unknown> = {}): Promise<Row[]> => {
  checked.add(name);
  return runtime.queries.rows(runtime.db.connection, name, parameters as never);
};
const version = async (record: string, table = 'coded_deaths') =>
  String((await runtime.db.connection.runAndReadAll(`SELECT strftime(timezone('UTC', coded_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS v FROM ${table} WHERE record_id = ${record} AND is_current`)).getRowObjectsJson()[0]!.v);

beforeAll(async () => {
  runtime = await openTestRuntime();
  const certificates = [
    'Q1,KY,2024-03-04,80,F,21111,21111,N,Cardiac arrest,,,,,',
    'Q2,OH,2024-03-10,40,M,39061,39061,A,Acute zombrex and fentanyl toxicity,,,,,',
    'Q3,OH,2024-03-12,33,F,39049,39049,N,Acute fentanyl toxicity,,,,,',
  ];
  await runtime.ingest.ingestStream(Readable.from([`${CERTIFICATE_COLUMNS.join(',')}\n${certificates.join('\n')}\n`]), { fileName: 'q.csv', source: 'cli' });
  const visits = ['V1,F1,2024-03-15T01:00:00,34,M,39049,OD,"found unresponsive, took pills",', 'V2,F1,2024-03-16T10:00:00,50,M,39049,headache,took tylenol,R51.9'];
  await runtime.ingest.ingestStream(Readable.from([`visit_id,facility_id,visit_datetime,age,sex,patient_county_fips,chief_complaint,triage_note,discharge_diagnoses\n${visits.join('\n')}\n`]), { fileName: 'v.csv', source: 'cli' });
  for (const r of (await runtime.db.connection.runAndReadAll(`SELECT certificate_id AS k, CAST(record_id AS VARCHAR) AS v FROM certificates UNION ALL SELECT visit_id, CAST(record_id AS VARCHAR) FROM ed_visits`)).getRowObjectsJson()) {
    id.set(String(r.k), String(r.v));
  }
  await runtime.db.connection.run(`INSERT INTO alerts VALUES
    ('run-1', TIMESTAMPTZ '2024-03-20 00:00:00+00', 'deaths', 'all_overdose', 'state', '21', DATE '2024-03-17', 'week', 'cusum', 9, 2, 5, 0.001, 'alert', NULL),
    ('run-1', TIMESTAMPTZ '2024-03-20 00:00:00+00', 'ed', 'all_drug', 'county', '39061', DATE '2024-03-17', 'day', 'ears_c2', 9, 2, 5, 0.001, 'alert', NULL),
    ('run-1', TIMESTAMPTZ '2024-03-20 00:00:00+00', 'ed', 'all_drug', 'county', '39049', DATE '2024-03-17', 'day', 'ears_c2', 3, 2, 5, 0.2, 'none', NULL),
    ('run-1', TIMESTAMPTZ '2024-03-20 00:00:00+00', 'ed', 'all_drug', 'nation', 'US', DATE '2024-03-17', 'day', 'ears_c2', 9, 2, 5, 0.001, 'alert', NULL)`);
  const { info } = await createToken(runtime.db.connection, { name: 'Q coder', role: 'coder', createdBy: 'test' });
  actor = { tokenId: info.tokenId, name: info.name, role: 'coder', requestId: null };
  const ed = loadEdTables();
  decisions = { db: runtime.db, queries: runtime.queries, commitLock: runtime.commitLock, deathCodes: () => new DeathCodeTable(base), edCodes: () => new EdCodeTable(ed) };
  lexicon = { db: runtime.db, queries: runtime.queries, commitLock: runtime.commitLock, coding: new DeathCodingSource(), deathCodes: () => new DeathCodeTable(base) };
}, 60_000);
afterAll(() => runtime?.dispose());

describe('review and lexicon queries: exact rows', () => {
  it('before any decision: the items, the affected certificates, the codings to check', async () => {
    const items = await rows('review_queue_items', { source: 'all', state: 'all', jurisdiction: '', state_fips: '', record_ids: '[]' });
    expect(items.map((r) => [r.source, r.record_id, r.state, r.reasons, r.overdose, r.jurisdiction, r.county_fips, r.event_date, r.summary, r.underlying_cause, r.codes]).sort()).toEqual(sorted([
      ['deaths', id.get('Q1'), 'pending', ['unsuitable underlying cause: only a mechanism or ill-defined condition (I46.9) is reported'], false, 'KY', '21111', '2024-03-04', 'Cardiac arrest', 'I46.9', ['I46.9']],
      ['deaths', id.get('Q3'), 'pending', ['manner natural contradicts a poisoning in Part I'], true, 'OH', '39049', '2024-03-12', 'Acute fentanyl toxicity', 'X42', ['X42', 'T40.4']],
      ['ed', id.get('V1'), 'pending', ['overdose with no substance named (T50.90, unspecified drug)'], true, null, '39049', '2024-03-15', 'OD', null, ['T50.901A']],
    ]));
    expect(items.every((r) => ISO.asymmetricMatch(r.pending_since) && r.decided_at === null)).toBe(true);
    expect(await rows('review_queue_items', { source: 'deaths', state: 'pending', jurisdiction: 'KY', state_fips: '21', record_ids: '[]' })).toHaveLength(1);
    expect(await rows('review_queue_items', { source: 'ed', state: 'all', jurisdiction: 'KY', state_fips: '21', record_ids: '[]' })).toEqual([]);
    expect((await rows('review_queue_items', { source: 'all', state: 'all', jurisdiction: '', state_fips: '', record_ids: JSON.stringify([id.get('Q3')]) })).map((r) => r.record_id)).toEqual([id.get('Q3')]);
    const page = (extra: Record<string, unknown>) => rows('review_queue_page', {
      source: 'all', state: 'pending', jurisdiction: '', state_fips: '', reason_pattern: '', new_substance_pattern: '^possible new substance\\b',
      low_confidence_pattern: '^unsuitable underlying cause', now: '2024-04-01T00:00:00Z', long_pending_days: 7, offset: 0, limit: 10, ...extra,
    });
    // Q3 and V1: overdoses (8) in 39049, whose status is none. Q1: in alerting state 21 (4), low confidence (1).
    // `now` before the records arrived: nothing pending for long; equal scores by arrival (Q3 loaded first).
    expect(await page({})).toEqual([
      { record_id: id.get('Q3'), source: 'deaths', state: 'pending', score: 8, total: 3 },
      { record_id: id.get('V1'), source: 'ed', state: 'pending', score: 8, total: 3 },
      { record_id: id.get('Q1'), source: 'deaths', state: 'pending', score: 5, total: 3 },
    ]);
    // Ten years on, everything is pending for long (+2); a reason filter; paging.
    expect((await page({ now: '2034-04-01T00:00:00Z' })).map((r) => r.score)).toEqual([10, 10, 7]);
    expect(await page({ reason_pattern: '^unsuitable' })).toEqual([{ record_id: id.get('Q1'), source: 'deaths', state: 'pending', score: 5, total: 1 }]);
    expect((await page({ offset: 1, limit: 1 })).map((r) => [r.record_id, r.total])).toEqual([[id.get('V1'), 3]]);
    expect(await page({ offset: 5 })).toEqual([]);
    expect(await rows('review_alerting_areas')).toEqual([{ level: 'county', geography: '39061' }, { level: 'state', geography: '21' }]);
    const old = { coder: 'vigil-death-coder/1', lexicon_version: NEW_LEXICON };
    expect(await rows('lexicon_affected_certificates', { ...old, terms: '["zombrex"]', after: 0n, limit: 10 })).toEqual([{ record_id: id.get('Q2'), previous_cause: 'X42' }]);
    expect(await rows('lexicon_affected_certificates', { ...old, terms: '["zombrex"]', after: BigInt(id.get('Q2')!), limit: 10 })).toEqual([]);
    expect(await rows('lexicon_affected_certificates', { ...old, terms: '["fentanyl toxicity"]', after: 0n, limit: 10 })).toEqual(
      [id.get('Q2')!, id.get('Q3')!].sort((a, b) => Number(a) - Number(b)).map((record_id) => ({ record_id, previous_cause: 'X42' })),
    );
    expect(await rows('review_human_codings_to_check', { ...old, terms: '[]', after: 0n, limit: 10 })).toEqual([]);
    expect(await rows('review_latest_event_day')).toEqual([{ latest_day: '2024-03-16' }]);
  });

  it('the records and codings of an item', async () => {
    expect(await rows('review_death_record', { record_id: BigInt(id.get('Q1')!) })).toEqual([{
      record_id: id.get('Q1'), jurisdiction: 'KY', certificate_id: 'Q1', version: 1, is_current: true, voided: false, death_date: '2024-03-04', age: 80, sex: 'F',
      residence_county_fips: '21111', occurrence_county_fips: '21111', manner: 'N', part1_a: 'Cardiac arrest', part1_b: null, part1_c: null, part1_d: null, part2: null,
      how_injury: null, interval_a: null, interval_b: null, interval_c: null, interval_d: null, injury_date: null, injury_place: null, autopsy: null,
      loaded_at: ISO, batch_id: expect.stringMatching(/^b\d{14}-[0-9a-f]{8}$/),
    }]);
    const [coding] = await rows('review_death_codings', { record_id: BigInt(id.get('Q1')!) });
    expect({ ...coding, trace: JSON.parse(String(coding!.trace)).length > 0 }).toEqual({
      version: ISO, coder: 'vigil-death-coder/1', lexicon_version: base.version, is_current: true, underlying_cause: 'I46.9', is_drug_overdose: false,
      record_axis: ['I46.9'], entity_axis: '[{"line":1,"position":1,"code":"I46.9","text":"cardiac arrest","nature_of_injury":false}]', drugs: '[]', intent: 'natural',
      review_required: true, review_reasons: ['unsuitable underlying cause: only a mechanism or ill-defined condition (I46.9) is reported'], trace: true,
    });
    expect(await rows('review_ed_record', { record_id: BigInt(id.get('V1')!) })).toEqual([{
      record_id: id.get('V1'), facility_id: 'F1', visit_id: 'V1', version: 1, is_current: true, visit_datetime: '2024-03-15T01:00:00', age: 34, sex: 'M',
      patient_county_fips: '39049', chief_complaint: 'OD', triage_note: 'found unresponsive, took pills', discharge_diagnoses: [], loaded_at: ISO, batch_id: expect.any(String),
    }]);
    expect(await rows('review_ed_codings', { record_id: BigInt(id.get('V1')!) })).toEqual([{
      version: ISO, coder: 'vigil-ed-coder/1', lexicon_version: expect.stringMatching(/^ed-lexicon\//), syndrome_set: expect.any(String), is_current: true,
      codes: ['T50.901A'], drugs: '[{"name":"unspecified drugs, medicaments and biological substances","code":"T50.90","death_class":"T50.9"}]', drug_classes: ['T50.9'], syndromes: ['all_drug'], negated: [],
      intent: 'accidental', review_required: true, review_reasons: ['overdose with no substance named (T50.90, unspecified drug)'],
    }]);
    expect(await rows('review_certificate_rows', { record_ids: JSON.stringify([id.get('Q1')]) })).toEqual([{
      record_id: id.get('Q1'), certificate_id: 'Q1', jurisdiction: 'KY', death_date: '2024-03-04', age: '80', sex: 'F', residence_county_fips: '21111', occurrence_county_fips: '21111',
      manner: 'N', part1_a: 'Cardiac arrest', part1_b: '', part1_c: '', part1_d: '', part2: '', how_injury: '', interval_a: '', interval_b: '', interval_c: '', interval_d: '',
      injury_date: '', injury_place: '', race: '', hispanic: '', autopsy: '', tobacco: '', pregnancy: '',
    }]);
    expect(await rows('review_certificate_rows', { record_ids: '[]' })).toEqual([]);
  });

  it('the texts in and out of overdose context', async () => {
    const texts = await rows('review_overdose_context_texts', { from: '2024-03-01', to: '2024-04-01' });
    expect(texts.map((r) => [r.source, r.record_id, r.day, r.overdose, r.texts]).sort()).toEqual(sorted([
      ['deaths', id.get('Q2'), '2024-03-10', true, ['Acute zombrex and fentanyl toxicity', null, null, null, null, null]],
      ['deaths', id.get('Q3'), '2024-03-12', true, ['Acute fentanyl toxicity', null, null, null, null, null]],
      ['ed', id.get('V1'), '2024-03-15', true, ['OD', 'found unresponsive, took pills']],
    ]));
    expect(await rows('review_overdose_context_texts', { from: '2024-03-13', to: '2024-03-15' })).toEqual([]);
    const background = await rows('review_background_texts', { from: '2024-03-01', to: '2024-04-01' });
    expect(background.map((r) => [r.source, r.record_id, r.day, r.texts]).sort()).toEqual(sorted([
      ['deaths', id.get('Q1'), '2024-03-04', ['Cardiac arrest', null, null, null, null, null]],
      ['ed', id.get('V2'), '2024-03-16', ['headache', 'took tylenol']],
    ]));
  });

  it('after decisions, a proposal, its approval and a check', async () => {
    const [first] = await rows('review_next_decision_id');
    const correction = await recordDecision(decisions, { source: 'deaths', recordId: BigInt(id.get('Q1')!) }, { decision: 'correct', version: await version(id.get('Q1')!), comment: 'tox: fentanyl', death: { underlyingCause: 'X42', multipleCauses: ['T40.4'] } }, actor);
    correctionId = correction.decisionId;
    expect(BigInt(correctionId)).toBe(BigInt(String(first!.decision_id)) + 1n);
    await recordDecision(decisions, { source: 'ed', recordId: BigInt(id.get('V1')!) }, { decision: 'accept', version: await version(id.get('V1')!, 'coded_ed_visits'), comment: null }, actor);
    expect(await rows('review_decision', { decision_id: BigInt(correctionId) })).toEqual([{ decision_id: correctionId, source: 'deaths', record_id: id.get('Q1'), decision: 'correct', reviewer: actor.tokenId }]);
    expect(await rows('review_record_decisions', { source: 'deaths', record_id: BigInt(id.get('Q1')!) })).toEqual([{
      decision_id: correctionId, decision: 'correct', reviewer: actor.tokenId, reviewer_role: 'coder', comment: 'tox: fentanyl', decided_at: ISO,
      reviewed_coder: 'vigil-death-coder/1', reviewed_lexicon_version: base.version, reviewed_version: ISO,
      review_reasons: ['unsuitable underlying cause: only a mechanism or ill-defined condition (I46.9) is reported'],
      reviewed_underlying_cause: 'I46.9', reviewed_codes: ['I46.9'], decided_underlying_cause: 'X42', decided_codes: ['X42', 'T40.4'],
    }]);
    expect((await rows('review_agreement_decisions', { source: 'all', from: '2000-01-01', to: '9999-12-31' })).map((r) => [r.source, r.decision, r.reviewed_underlying_cause, r.decided_underlying_cause, r.reviewed_codes, r.decided_codes]).sort()).toEqual(sorted([
      ['deaths', 'correct', 'I46.9', 'X42', ['I46.9'], ['X42', 'T40.4']],
      ['ed', 'accept', null, null, ['T50.901A'], ['T50.901A']],
    ]));
    const states = await rows('review_queue_items', { source: 'all', state: 'all', jurisdiction: '', state_fips: '', record_ids: '[]' });
    expect(states.map((r) => [r.record_id, r.state, r.coder]).sort()).toEqual(sorted([
      [id.get('Q1'), 'corrected', `human:${actor.tokenId}`],
      [id.get('Q3'), 'pending', 'vigil-death-coder/1'],
      [id.get('V1'), 'accepted', 'vigil-ed-coder/1'],
    ]));

    const proposal = await createProposal(lexicon, { term: 'Zombrex', code: 'T46.5', drugName: 'xylazine', decisionId: BigInt(correctionId) }, actor);
    proposalId = String(proposal.proposal_id);
    expect(await rows('lexicon_known_records', { record_ids: JSON.stringify([id.get('Q1'), id.get('V2'), '987654']) })).toEqual([{ record_id: id.get('Q1') }, { record_id: id.get('V2') }]);
    expect(await rows('lexicon_proposals_of_decisions', { decision_ids: JSON.stringify([correctionId]) })).toEqual([{ proposal_id: proposalId, decision_id: correctionId, term: 'zombrex', code: 'T46.5', kind: 'drug', status: 'pending' }]);
    const { recode } = await approveProposal(lexicon, BigInt(proposalId), null, { ...actor, role: 'admin' });
    expect(recode).toMatchObject({ status: 'succeeded', recoded: 1, humanChecked: 0 });
    expect(await rows('lexicon_proposals', { status: 'all', proposal_id: 0n })).toEqual([{
      proposal_id: proposalId, term: 'zombrex', written: 'Zombrex', code: 'T46.5', kind: 'drug', drug_name: 'xylazine', comment: null, origin: 'correction',
      decision_id: correctionId, evidence_record_ids: [id.get('Q1')], proposed_by: actor.tokenId, proposed_role: 'coder', proposed_at: ISO,
      status: 'approved', decided_by: actor.tokenId, decided_at: ISO, decision_comment: null, lexicon_version: NEW_LEXICON,
    }]);
    expect(await rows('lexicon_proposals', { status: 'pending', proposal_id: 0n })).toEqual([]);
    expect(await rows('lexicon_proposals', { status: 'approved', proposal_id: BigInt(proposalId) })).toHaveLength(1);
    expect(await rows('lexicon_overlay_terms')).toEqual([{ term: 'zombrex', code: 'T46.5', kind: 'drug', drug_name: 'xylazine', proposal_id: proposalId, added_at: ISO, added_by: actor.tokenId }]);
    expect(await rows('lexicon_versions')).toEqual([{ lexicon_version: NEW_LEXICON, base_version: base.version, overlay_terms: 1, created_at: ISO, proposal_id: proposalId }]);
    expect(await rows('lexicon_affected_certificates', { coder: 'vigil-death-coder/1', lexicon_version: NEW_LEXICON, terms: '["zombrex"]', after: 0n, limit: 10 })).toEqual([]);
    const [next] = await rows('lexicon_next_proposal_id');
    expect(BigInt(String(next!.proposal_id))).toBe(BigInt(proposalId) + 1n);

    // A newer automated coder: Q1's human coding is due a check, then checked (and disputed).
    const real = createDeathCoder();
    const due = { coder: 'vigil-death-coder/2', lexicon_version: NEW_LEXICON, after: 0n, limit: 10 };
    expect(await rows('review_human_codings_to_check', { ...due, terms: '[]' })).toEqual([{ record_id: id.get('Q1'), human_version: ISO }]);
    expect(await rows('review_human_codings_to_check', { ...due, terms: '["zombrex"]' })).toEqual([]);
    expect(await rows('review_human_checks', { record_id: BigInt(id.get('Q1')!) })).toEqual([]);
    // A coder over the committed lexicon that is not the certificate coder cannot be given the approved terms.
    const foreign: DeathCoder = { coderVersion: 'vigil-death-coder/2', lexiconVersion: base.version, code: (c) => real.code(c) };
    await expect(recodeStale(runtime.db, foreign, runtime.commitLock)).rejects.toThrow(/cannot add the 1 approved lexicon terms to coder vigil-death-coder\/2/);
    const withTerms = await lexicon.coding.coder(runtime.db.connection, runtime.queries);
    const checker: DeathCoder = { coderVersion: 'vigil-death-coder/2', lexiconVersion: withTerms.lexiconVersion, code: (c) => withTerms.code(c) };
    expect(await recodeStale(runtime.db, checker, runtime.commitLock)).toMatchObject({ humanChecked: 1, humanDisagreements: 1 });
    const [check] = await rows('review_human_checks', { record_id: BigInt(id.get('Q1')!) });
    expect({ ...check, coded: JSON.parse(String(check!.coded)).underlying_cause }).toEqual({
      human_version: ISO, coder: 'vigil-death-coder/2', lexicon_version: NEW_LEXICON, checked_at: ISO, agrees: false, underlying_cause: 'I46.9', record_axis: ['I46.9'], coded: 'I46.9',
    });
    expect(await rows('review_check_counts', { coder: 'vigil-death-coder/2', lexicon_version: NEW_LEXICON, checked_at: String(check!.checked_at) })).toEqual([{ checked: 1, disagreements: 1 }]);
    const [disputed] = await rows('review_queue_items', { source: 'deaths', state: 'pending', jurisdiction: 'KY', state_fips: '21', record_ids: '[]' });
    expect([disputed!.record_id, disputed!.reasons, disputed!.pending_since]).toEqual([id.get('Q1'), [`automated recode disagrees with the human coding: ${NEW_LEXICON} codes I46.9`], check!.checked_at]);
  });

  it('every review_ and lexicon_ query has its rows checked here', () => {
    expect([...checked].sort()).toEqual(runtime.queries.names().filter((n) => /^(review|lexicon)_/.test(n)).sort());
  });
});
