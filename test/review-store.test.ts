/**
 * The review queue, decisions and the recode rule on a crafted set of certificates in DuckDB:
 * the order (impact, then age), what a correction stores (a new version; the automated one
 * stays), measure_deaths seeing it at once, accept, stale versions and bad codes, agreement, and
 * a later automated recode that disagrees with a human coding without retiring it.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeathCoder } from '../pipeline/coding/deaths/index.ts';
import type { DeathCoder } from '../pipeline/coding/deaths/types.ts';
import { loadEdTables } from '../pipeline/coding/ed/tables.ts';
import { loadLexicon } from '../pipeline/coding/lexicon/lexicon.ts';
import { recodeStale } from '../pipeline/jobs/recode.ts';
import { CERTIFICATE_COLUMNS } from '../pipeline/records/certificate.ts';
import { agreementReport } from '../pipeline/review/agreement.ts';
import { DeathCodeTable } from '../pipeline/review/death-codes.ts';
import { recordDecision, type Actor, type DecisionContext, type DecisionInput } from '../pipeline/review/decisions.ts';
import { EdCodeTable } from '../pipeline/review/ed-codes.ts';
import { readItem } from '../pipeline/review/item.ts';
import { parseItemId } from '../pipeline/review/item-id.ts';
import { orderQueue } from '../pipeline/review/impact.ts';
import { alertingAreas, listQueue, type QueueFilters } from '../pipeline/review/queue.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

// Each row: id, jurisdiction, date, county, manner, Part I line a, days since it arrived.
const CERTIFICATES: [string, string, string, string, string, string, number][] = [
  ['S1', 'OH', '2024-03-01', '39061', 'A', 'Acute xylotrazine and fentanyl toxicity', 1], // new substance, overdose
  ['S2', 'OH', '2024-03-02', '39049', 'N', 'Acute fentanyl toxicity', 2], // overdose (manner conflict)
  ['S3', 'KY', '2024-03-03', '21111', 'N', 'Cardioembolism', 10], // low confidence, pending for long
  ['S4', 'KY', '2024-03-04', '21111', 'N', 'Cardiac arrest', 3], // low confidence (unsuitable cause)
  ['S5', 'OH', '2024-03-05', '39061', 'A', 'Acute fentanyl toxicity', 1], // not flagged
  ['S6', 'WV', '2024-03-06', '54039', 'N', 'Acute cocaine toxicity', 1], // overdose, in an alerting state
  ['S7', 'KY', '2024-03-07', '21111', 'A', 'Hypertension', 20], // manner conflict, pending for long
];

let runtime: TestRuntime;
let context: DecisionContext;
let coder: Actor;
const ids = new Map<string, string>();

const read = async (sql: string) => (await runtime.db.connection.runAndReadAll(sql)).getRowObjectsJson();
const item = (certificate: string) => `deaths-${ids.get(certificate)}`;
const queue = (filters: Partial<QueueFilters> = {}) =>
  listQueue(runtime.db.connection, runtime.queries, { source: 'all', state: 'pending', reason: null, jurisdiction: null, offset: 0, limit: 50, ...filters });
const itemOf = async (certificate: string) => (await readItem(runtime.db.connection, runtime.queries, parseItemId(item(certificate))!))!;
const decide = (certificate: string, input: DecisionInput, actor = coder) => recordDecision(context, parseItemId(item(certificate))!, input, actor);

beforeAll(async () => {
  runtime = await openTestRuntime();
  const csv = [CERTIFICATE_COLUMNS.join(','), ...CERTIFICATES.map(([id, j, date, county, manner, text]) => `${id},${j},${date},50,F,${county},${county},${manner},${text},,,,,`)].join('\n');
  const report = await runtime.ingest.ingestStream(Readable.from([csv]), { fileName: 'review.csv', source: 'cli' });
  expect(report).toMatchObject({ status: 'loaded', recordsLoaded: CERTIFICATES.length });
  for (const r of await read(`SELECT certificate_id, CAST(record_id AS VARCHAR) AS id FROM certificates`)) ids.set(String(r.certificate_id), String(r.id));
  // How long each has waited, and a state-level alert for West Virginia in the latest detection run.
  for (const [id, , , , , , days] of CERTIFICATES) {
    await runtime.db.connection.run(`UPDATE certificates SET loaded_at = now() - to_days(CAST($days AS INTEGER)) WHERE certificate_id = $id`, { id, days });
  }
  await runtime.db.connection.run(`INSERT INTO alerts VALUES ('old', TIMESTAMPTZ '2024-03-01 00:00:00+00', 'deaths', 'all_overdose', 'state', '21', DATE '2024-02-25', 'week', 'cusum', 9, 2, 5, 0.001, 'alert', NULL)`);
  await runtime.db.connection.run(`INSERT INTO alerts VALUES ('new', TIMESTAMPTZ '2024-03-08 00:00:00+00', 'deaths', 'all_overdose', 'state', '54', DATE '2024-03-03', 'week', 'cusum', 9, 2, 5, 0.001, 'alert', NULL)`);
  const { info } = await createToken(runtime.db.connection, { name: 'Coder One', role: 'coder', createdBy: 'test' });
  coder = { tokenId: info.tokenId, name: info.name, role: 'coder', requestId: 'req-1' };
  const lexicon = loadLexicon();
  const ed = loadEdTables();
  context = { db: runtime.db, queries: runtime.queries, commitLock: runtime.commitLock, deathCodes: () => new DeathCodeTable(lexicon), edCodes: () => new EdCodeTable(ed) };
});
afterAll(() => runtime?.dispose());

describe('review queue', () => {
  it('lists every flagged record, by impact then age', async () => {
    const page = await queue();
    expect(page.total).toBe(6);
    expect(page.items.map((i) => [i.id, i.impact.score])).toEqual([
      [item('S1'), 16 + 8],
      [item('S6'), 8 + 4],
      [item('S2'), 8],
      [item('S3'), 2 + 1],
      [item('S7'), 2],
      [item('S4'), 1],
    ]);
    expect(page.items[1]).toMatchObject({ jurisdiction: 'WV', summary: 'Acute cocaine toxicity', underlyingCause: 'X42', state: 'pending', impact: { why: ['drug overdose', 'state 54 is alerting'] } });
    // DuckDB pages by the rule impact.ts defines: ordered in TypeScript, the same items come out the same.
    const areas = await alertingAreas(runtime.db.connection, runtime.queries);
    expect(orderQueue(page.items.map((i) => ({ ...i, reasons: i.reasons.map((r) => r.text) })), areas, new Date()).map((i) => i.id)).toEqual(page.items.map((i) => i.id));
    expect(page.items[0]!.reasons).toEqual([{ key: 'possible_new_substance', label: 'possible new substance in overdose context', text: 'possible new substance: "xylotrazine" in overdose context', lowConfidence: false }]);
  });

  it('filters by reason, jurisdiction and source, and pages', async () => {
    expect((await queue({ reason: 'unmatched_text' })).items.map((i) => i.id)).toEqual([item('S3')]);
    expect((await queue({ jurisdiction: 'KY' })).items.map((i) => i.id)).toEqual([item('S3'), item('S7'), item('S4')]);
    expect((await queue({ source: 'ed' })).total).toBe(0);
    const second = await queue({ offset: 2, limit: 2 });
    expect([second.total, second.items.map((i) => i.id)]).toEqual([6, [item('S2'), item('S3')]]);
  });

  it('shows an item with the text, the codes, the trace and the reasons', async () => {
    const s1 = await itemOf('S1');
    expect(s1.record).toMatchObject({ certificate_id: 'S1', part1_a: 'Acute xylotrazine and fentanyl toxicity', manner: 'A', is_current: true });
    expect(s1.coding).toMatchObject({ isCurrent: true, coder: 'vigil-death-coder/1', underlyingCause: 'X42', recordAxis: ['X42', 'T40.4'] });
    expect(s1.coding.version).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect((s1.coding as { trace: { rule: string }[] }).trace.map((t) => t.rule)).toContain('external cause by intent');
    expect(s1.reasons.map((r) => r.key)).toEqual(['possible_new_substance']);
    expect(await readItem(runtime.db.connection, runtime.queries, parseItemId(item('S5'))!)).toBeNull();
  });
});

describe('decisions', () => {
  it('a correction is a new current version; the automated one stays; measure_deaths sees it at once', async () => {
    const overdoses = async () => (await read(`SELECT certificate_id FROM measure_deaths('all_overdose') JOIN certificates USING (record_id) ORDER BY 1`)).map((r) => r.certificate_id);
    expect(await overdoses()).toEqual(['S1', 'S2', 'S5', 'S6']);
    const before = await itemOf('S4');
    const corrected = await decide('S4', { decision: 'correct', version: before.coding.version, comment: 'toxicology: fentanyl', death: { underlyingCause: 'X42', multipleCauses: ['T40.4', 'I46.9'] } });
    expect(corrected).toMatchObject({ itemId: item('S4'), decision: 'correct', state: 'corrected' });
    expect(await read(`SELECT coder, is_current, underlying_cause, record_axis, is_drug_overdose, review_required FROM coded_deaths WHERE record_id = ${ids.get('S4')} ORDER BY coded_at`)).toEqual([
      { coder: 'vigil-death-coder/1', is_current: false, underlying_cause: 'I46.9', record_axis: ['I46.9'], is_drug_overdose: false, review_required: true },
      { coder: `human:${coder.tokenId}`, is_current: true, underlying_cause: 'X42', record_axis: ['X42', 'T40.4', 'I46.9'], is_drug_overdose: true, review_required: false },
    ]);
    expect(await overdoses()).toEqual(['S1', 'S2', 'S4', 'S5', 'S6']);
    expect((await read(`SELECT count(*)::INTEGER AS n FROM measure_deaths('synthetic_opioid') WHERE record_id = ${ids.get('S4')}`))[0]).toEqual({ n: 1 });
    expect(await read(`SELECT decision, reviewer, comment, reviewed_underlying_cause, reviewed_codes, decided_underlying_cause, decided_codes FROM review_decisions`)).toEqual([
      { decision: 'correct', reviewer: coder.tokenId, comment: 'toxicology: fentanyl', reviewed_underlying_cause: 'I46.9', reviewed_codes: ['I46.9'], decided_underlying_cause: 'X42', decided_codes: ['X42', 'T40.4', 'I46.9'] },
    ]);
    expect(await read(`SELECT actor, role, action, target, record_ids, request_id FROM audit_log WHERE action = 'review.correct'`)).toEqual([
      { actor: coder.tokenId, role: 'coder', action: 'review.correct', target: item('S4'), record_ids: [ids.get('S4')], request_id: 'req-1' },
    ]);
    const after = await itemOf('S4');
    expect(after.state).toBe('corrected');
    expect(after.codings.map((c) => [c.coder, c.isCurrent])).toEqual([[`human:${coder.tokenId}`, true], ['vigil-death-coder/1', false]]);
    expect((await queue()).items.map((i) => i.id)).not.toContain(item('S4'));
    expect((await queue({ state: 'corrected' })).items.map((i) => i.id)).toEqual([item('S4')]);
  });

  it('accept leaves the coding as it is; a second accept, or a decision on a changed coding, is refused and writes nothing', async () => {
    const s7 = await itemOf('S7');
    await decide('S7', { decision: 'accept', version: s7.coding.version, comment: null });
    expect((await itemOf('S7')).state).toBe('accepted');
    expect(await read(`SELECT count(*)::INTEGER AS n FROM coded_deaths WHERE record_id = ${ids.get('S7')}`)).toEqual([{ n: 1 }]);
    const again = await decide('S7', { decision: 'accept', version: s7.coding.version, comment: null }).catch((e) => e);
    expect(again).toMatchObject({ status: 409, message: `${item('S7')} is accepted: only a pending item can be accepted` });
    const stale = await decide('S2', { decision: 'accept', version: '2020-01-01T00:00:00.000000Z', comment: null }).catch((e) => e);
    expect(stale).toMatchObject({ status: 409 });
    expect(stale.message).toMatch(/changed since it was read/);
    const missing = await recordDecision(context, { source: 'deaths', recordId: BigInt(ids.get('S5')!) }, { decision: 'accept', version: s7.coding.version, comment: null }, coder).catch((e) => e);
    expect(missing).toMatchObject({ status: 404 });
    expect(await read(`SELECT count(*)::INTEGER AS n FROM review_decisions`)).toEqual([{ n: 2 }]);
  });

  it('a bad code is a 400 naming the field and the code, before anything is read', async () => {
    const s2 = await itemOf('S2');
    const bad = await decide('S2', { decision: 'correct', version: s2.coding.version, comment: 'x', death: { underlyingCause: 'X42', multipleCauses: ['T40.4', 'T40.9X'] } }).catch((e) => e);
    expect(bad).toMatchObject({ status: 400, message: 'invalid multipleCauses[1]: "T40.9X" is not a WHO ICD-10 code (a letter, two digits, optionally a dot and a digit: X42, T40.4)' });
    const unknown = await decide('S2', { decision: 'correct', version: s2.coding.version, comment: 'x', death: { underlyingCause: 'Q99.7', multipleCauses: [] } }).catch((e) => e);
    expect(unknown).toMatchObject({ status: 400, message: `invalid underlyingCause: "Q99.7" is not in vigil's death code table (the codes the lexicon and the coding rules use)` });
  });

  it('agreement is computed from the decisions on automated codings', async () => {
    const rows = await runtime.queries.rows(runtime.db.connection, 'review_agreement_decisions', { source: 'all', from: '1970-01-01', to: '9999-12-31' });
    const report = agreementReport(rows.map((r) => ({
      source: r.source as 'deaths', decision: r.decision as 'accept', reasons: r.review_reasons as string[],
      reviewedUnderlyingCause: (r.reviewed_underlying_cause as string) ?? null, reviewedCodes: r.reviewed_codes as string[],
      decidedUnderlyingCause: (r.decided_underlying_cause as string) ?? null, decidedCodes: r.decided_codes as string[],
    })));
    expect(report.overall).toEqual({ decisions: 2, agreed: 1, percent: 50, accepted: 1, corrected: 1 });
    expect(report.byReason.map((r) => [r.reason, r.decisions, r.agreed])).toEqual([['manner_conflict', 1, 1], ['unsuitable_underlying_cause', 1, 0]]);
    expect(await runtime.queries.rows(runtime.db.connection, 'review_agreement_decisions', { source: 'all', from: '1970-01-01', to: '2000-01-01' })).toEqual([]);
  });
});

describe('a later automated recode', () => {
  it('never retires a human coding: it checks it, and a disagreement puts the record back in the queue', async () => {
    const real = createDeathCoder();
    const newer: DeathCoder = { coderVersion: 'vigil-death-coder/2', lexiconVersion: real.lexiconVersion, code: (c) => real.code(c) };
    const summary = await recodeStale(runtime.db, newer, runtime.commitLock);
    // Six automated codings re-coded; S4's human coding checked (the coder still says I46.9).
    expect(summary).toMatchObject({ recoded: 6, underlyingCauseChanged: 0, humanChecked: 1, humanDisagreements: 1 });
    expect(await read(`SELECT coder, is_current FROM coded_deaths WHERE record_id = ${ids.get('S4')} ORDER BY coded_at`)).toEqual([
      { coder: 'vigil-death-coder/1', is_current: false },
      { coder: `human:${coder.tokenId}`, is_current: true },
    ]);
    const s4 = await itemOf('S4');
    expect(s4.state).toBe('pending');
    expect(s4.reasons).toEqual([expect.objectContaining({ key: 'recode_disagrees', text: `automated recode disagrees with the human coding: ${real.lexiconVersion} codes I46.9` })]);
    expect(s4.checks).toEqual([expect.objectContaining({ coder: 'vigil-death-coder/2', agrees: false, underlying_cause: 'I46.9' })]);
    // S7's accept carries over to the new automated coding with the same codes.
    expect((await itemOf('S7')).state).toBe('accepted');
    // Checked once per coder and lexicon version.
    expect(await recodeStale(runtime.db, newer, runtime.commitLock)).toMatchObject({ recoded: 0, humanChecked: 0 });
    // The coder keeps the human coding: accepted, it is the current coding again, out of the queue.
    await decide('S4', { decision: 'accept', version: s4.coding.version, comment: 'toxicology stands' });
    expect((await itemOf('S4')).state).toBe('corrected');
    expect((await queue()).items.map((i) => i.id)).not.toContain(item('S4'));
    // A re-review of a human coding is not the automation's agreement.
    const rows = await runtime.queries.rows(runtime.db.connection, 'review_agreement_decisions', { source: 'all', from: '1970-01-01', to: '9999-12-31' });
    expect(rows).toHaveLength(2);
  });
});

