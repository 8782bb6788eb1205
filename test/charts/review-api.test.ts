// The review page's side of the API (dashboard/src/api/review.ts, views/review.ts): reading the
// item, emerging and agreement answers as the server sends them, the code checks made before
// sending (never stricter than the server's code tables: checked against them), the decision and
// proposal bodies, and a refusal read in the server's own words. A fake fetch stands in for the
// server where one is needed; test/browser/coder.test.ts runs the real one.
import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { Http } from '../../dashboard/src/api/http.ts';
import {
  codeShapeProblem,
  codesChanged,
  decisionBody,
  parseAgreement,
  parseCodeList,
  parseEmerging,
  parseReviewItem,
  postDecision,
  proposalFromCorrection,
  Refusal,
  WHO_CODE,
  type ReviewItemDetail,
} from '../../dashboard/src/api/review.ts';
import type { QueueItem } from '../../dashboard/src/api/records.ts';
import { nextItemId } from '../../dashboard/src/views/review.ts';
import { loadEdTables } from '../../pipeline/coding/ed/tables.ts';
import { loadLexicon } from '../../pipeline/coding/lexicon/lexicon.ts';
import { DeathCodeTable, WHO_CODE_SHAPE } from '../../pipeline/review/death-codes.ts';
import { EdCodeTable } from '../../pipeline/review/ed-codes.ts';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

// GET /api/review/items/deaths-10453 on the seeded demo (trimmed to what differs between cases).
const ITEM = {
  id: 'deaths-10453', source: 'deaths', recordId: '10453', state: 'pending',
  reasons: [{ key: 'unmatched_text', label: 'text that matched nothing', text: 'text that matched nothing: "fentynal toxicity"', lowConfidence: true }],
  impact: { newSubstance: false, overdose: true, alerting: true, longPending: false, lowConfidence: true, score: 13, why: ['drug overdose', 'state 39 is alerting', 'low confidence: text that matched nothing'] },
  pendingSince: '2026-12-01T14:29:32.578000Z',
  record: { record_id: '10453', jurisdiction: 'OH', certificate_id: '2024OH000270', version: 1, death_date: '2024-02-02', age: 55, sex: 'F', residence_county_fips: '39093', manner: 'A', part1_a: 'FENTYNAL TOXICITY', part1_b: 'CHRONIC SUBSTANCE ABUSE', part1_c: null, part1_d: null, part2: 'METHAMPHETAMINE, COCAINE, AND ETHANOL INTOXICATION', how_injury: 'DECEDENT USED ILLICIT DRUGS' },
  coding: {
    version: '2026-12-01T14:29:32.578000Z', isCurrent: true, coder: 'vigil-death-coder/1', lexiconVersion: 'lexicon/2026-12-01-5b34b2ab', underlyingCause: 'X44', isDrugOverdose: true,
    recordAxis: ['X44', 'T43.6', 'T40.5', 'T51.0', 'F19.1'],
    entityAxis: [{ line: 6, position: 1, code: 'T43.6', text: 'methamphetamine', nature_of_injury: true }, { line: 2, position: 1, code: 'F19.1', text: 'substance abuse', nature_of_injury: false }],
    drugs: [{ name: 'methamphetamine', code: 'T43.6' }], intent: 'accident', reviewRequired: true, reviewReasons: ['text that matched nothing: "fentynal toxicity"'],
    trace: [{ rule: 'drug poisoning', detail: 'Part I describes a poisoning by methamphetamine (T43.6).' }],
  },
  codings: [
    { version: '2026-12-02T09:00:00.000001Z', isCurrent: true, coder: 'human:tok1', underlyingCause: 'X44', recordAxis: ['X44', 'T40.4'] },
    { version: '2026-12-01T14:29:32.578000Z', isCurrent: false, coder: 'vigil-death-coder/1', underlyingCause: 'X44', recordAxis: ['X44', 'T43.6'] },
  ],
  decisions: [{ decision_id: '7', decision: 'correct', reviewer: 'tok1', reviewer_role: 'coder', comment: 'fentanyl', decided_at: '2026-12-02T09:00:00.000001Z', reviewed_version: '2026-12-01T14:29:32.578000Z', review_reasons: [], reviewed_underlying_cause: 'X44', reviewed_codes: ['X44', 'T43.6'], decided_underlying_cause: 'X44', decided_codes: ['X44', 'T40.4'] }],
  checks: [],
  proposals: [{ proposal_id: '3', term: 'fentynal', code: 'T40.4', status: 'pending', written: 'Fentynal' }],
};

describe('reading the review answers', () => {
  test('an item: the record, the coding version a decision names, its history and proposals', () => {
    const item = parseReviewItem(ITEM);
    expect(item).toMatchObject({
      id: 'deaths-10453', source: 'deaths', recordId: '10453', state: 'pending', version: '2026-12-01T14:29:32.578000Z', coder: 'vigil-death-coder/1',
      why: ['drug overdose', 'state 39 is alerting', 'low confidence: text that matched nothing'],
      reasons: [{ key: 'unmatched_text', label: 'text that matched nothing', text: 'text that matched nothing: "fentynal toxicity"', lowConfidence: true }],
      codings: [
        { version: '2026-12-02T09:00:00.000001Z', current: true, coder: 'human:tok1', underlyingCause: 'X44', codes: ['X44', 'T40.4'] },
        { version: '2026-12-01T14:29:32.578000Z', current: false, coder: 'vigil-death-coder/1', underlyingCause: 'X44', codes: ['X44', 'T43.6'] },
      ],
      decisions: [{ decisionId: '7', decision: 'correct', reviewer: 'tok1', comment: 'fentanyl', decidedAt: '2026-12-02T09:00:00.000001Z', reviewedUnderlyingCause: 'X44', reviewedCodes: ['X44', 'T43.6'] }],
      proposals: [{ proposalId: '3', term: 'fentynal', code: 'T40.4', status: 'pending' }],
    });
    expect(item.record).toMatchObject({ id: '2024OH000270', underlyingCause: 'X44', codes: ['X44', 'T43.6', 'T40.5', 'T51.0', 'F19.1'], reviewReasons: ['text that matched nothing: "fentynal toxicity"'] });
    expect(item.record.lines.map((l) => l.label)).toEqual(['I(a)', 'I(b)', 'Part II', 'How the injury occurred']);
  });

  test('an item without a coding version is an error a person can report, not a form that cannot be sent', () => {
    expect(() => parseReviewItem({ ...ITEM, coding: { ...ITEM.coding, version: undefined } })).toThrow('no record or coding version');
  });

  test('emerging substances: the periods, the words and the one-click proposal body', () => {
    const report = parseEmerging({
      lexiconVersion: 'lexicon/x', periods: { previousFrom: '2024-03-06', recentFrom: '2024-04-03', to: '2024-05-01' }, records: 836, backgroundRecords: 29_356,
      tokens: [{
        token: 'zombrex', recent: 9, previous: 0, growth: 10, background: 0, specificity: null, suggestion: { code: 'T50.9', because: 'no class recognised' },
        examples: [{ itemId: 'deaths-77', source: 'deaths', recordId: '77', day: '2024-04-29', field: 'part1_a', text: 'Acute zombrex toxicity' }],
        proposal: { method: 'POST', path: '/api/lexicon/proposals', body: { term: 'zombrex', code: 'T50.9', kind: 'drug', origin: 'emerging', comment: 'emerging: 9 records', evidenceRecordIds: ['77'] } },
        pendingProposal: null,
      }],
    });
    expect(report.tokens).toEqual([{
      token: 'zombrex', recent: 9, previous: 0, growth: 10, background: 0, specificity: null, suggestion: { code: 'T50.9', because: 'no class recognised' },
      examples: [{ itemId: 'deaths-77', day: '2024-04-29', field: 'part1_a', text: 'Acute zombrex toxicity' }],
      proposal: { term: 'zombrex', code: 'T50.9', kind: 'drug', origin: 'emerging', comment: 'emerging: 9 records', evidenceRecordIds: ['77'] },
      pendingProposal: null,
    }]);
    expect(() => parseEmerging({ periods: {} })).toThrow('no tokens list');
  });

  test('agreement: overall, per reason and per code', () => {
    const report = parseAgreement({
      method: 'simple percent agreement', overall: { decisions: 3, agreed: 2, percent: 66.7, accepted: 2, corrected: 1 }, underlyingCause: { decisions: 0, agreed: 0, percent: null },
      byReason: [{ reason: 'unmatched_text', label: 'text that matched nothing', decisions: 1, agreed: 0, percent: 0, accepted: 0, corrected: 1 }],
      byCode: [{ code: 'T40.4', decisions: 1, agreed: 0, percent: 0, kept: 0, removed: 0, added: 1 }],
    });
    expect(report).toEqual({
      method: 'simple percent agreement', overall: { decisions: 3, agreed: 2, percent: 66.7, accepted: 2, corrected: 1 }, underlyingCause: { decisions: 0, agreed: 0, percent: null },
      byReason: [{ reason: 'unmatched_text', label: 'text that matched nothing', decisions: 1, agreed: 0, percent: 0, accepted: 0, corrected: 1 }],
      byCode: [{ code: 'T40.4', decisions: 1, agreed: 0, percent: 0, kept: 0, removed: 0, added: 1 }],
    });
    expect(() => parseAgreement({ overall: {} })).toThrow('no overall, byReason or byCode');
  });
});

describe('codes checked before sending', () => {
  test('a list typed with commas, semicolons or spaces, any case', () => {
    expect(parseCodeList(' x44, t40.4;T43.6  f19.1 ,, ')).toEqual(['X44', 'T40.4', 'T43.6', 'F19.1']);
    expect(parseCodeList('')).toEqual([]);
  });

  test('shapes: WHO ICD-10 for deaths, ICD-10-CM with the 7th character of a poisoning for ED', () => {
    expect(WHO_CODE.source).toBe(WHO_CODE_SHAPE.source);
    expect([codeShapeProblem('deaths', 'T40.4'), codeShapeProblem('deaths', 'X44')]).toEqual([null, null]);
    expect(codeShapeProblem('deaths', 'T404')).toBe('“T404” is not a WHO ICD-10 code: a letter, two digits, optionally a dot and one digit (X42, T40.4)');
    expect(codeShapeProblem('deaths', 'T40.41')).toContain('is not a WHO ICD-10 code');
    expect([codeShapeProblem('ed', 'T40.411A'), codeShapeProblem('ed', 'F11.20'), codeShapeProblem('ed', 'R40.20')]).toEqual([null, null, null]);
    expect(codeShapeProblem('ed', 'T40.411')).toBe('“T40.411” is a poisoning code without its 7th character: write it whole, such as T40.411A or T40.1X1A');
    expect(codeShapeProblem('ed', 'T40411A')).toBe('“T40411A” is not an ICD-10-CM code: dotted, such as T40.411A or F11.20');
  });

  // The page must never refuse a code the server takes: the server's own tables decide.
  test('every code of the death code table passes the page’s check', () => {
    const lexicon = loadLexicon();
    const table = new DeathCodeTable(lexicon);
    const codes = [...new Set(lexicon.entries.map((e) => e.code))];
    expect(codes.length).toBeGreaterThan(6000);
    for (const code of codes) if (table.has(code)) expect(codeShapeProblem('deaths', code), code).toBeNull();
  });

  test('every ICD-10-CM poisoning code of the ED tables passes, and random codes the server takes pass too (10,000 cases)', () => {
    const tables = loadEdTables();
    const server = new EdCodeTable(tables);
    let poisoning = 0;
    for (const info of tables.categories.values()) {
      for (const intent of info.intents) {
        for (const encounter of 'ADS') {
          const code = `${(info.accidental.slice(0, -1) + intent).padEnd(7, 'X')}${encounter}`;
          expect(server.problem(code), code).toBeNull();
          expect(codeShapeProblem('ed', code), code).toBeNull();
          poisoning++;
        }
      }
    }
    expect(poisoning).toBeGreaterThan(1000);
    const character = fc.constantFrom(...'ADSTX0123456789FR.'.split(''));
    fc.assert(
      fc.property(fc.array(character, { minLength: 1, maxLength: 9 }).map((cs) => cs.join('')), (code) => {
        if (server.problem(code) === null) expect(codeShapeProblem('ed', code), code).toBeNull();
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('the decision and its body', () => {
  const base = { source: 'deaths' as const, version: '2026-12-01T14:29:32.578000Z', underlyingCause: 'X44', codes: 'X44, T43.6', comment: '' };

  test('accept: the version, a comment only when written', () => {
    expect(decisionBody({ ...base, decision: 'accept' })).toEqual({ body: { decision: 'accept', version: base.version }, problems: [] });
    expect(decisionBody({ ...base, decision: 'accept', comment: '  checked ' }).body).toEqual({ decision: 'accept', version: base.version, comment: 'checked' });
  });

  test('a death correction: one underlying cause, the multiple causes without repeats, a comment', () => {
    expect(decisionBody({ ...base, decision: 'correct', codes: 'x44, t43.6, T40.4, T43.6', comment: 'fentanyl misspelled' }).body).toEqual({
      decision: 'correct', version: base.version, comment: 'fentanyl misspelled', underlyingCause: 'X44', multipleCauses: ['X44', 'T43.6', 'T40.4'],
    });
  });

  test('every problem at once, each on its field', () => {
    expect(decisionBody({ ...base, decision: 'correct', underlyingCause: 'X44 X42', codes: 'T404, T40.4, Q', comment: ' ' }).problems).toEqual([
      { field: 'comment', message: 'A correction needs a comment saying why (it goes in the record’s trace and the audit log).' },
      { field: 'underlyingCause', message: 'The underlying cause is one code; this has 2.' },
      { field: 'codes', message: '“T404” is not a WHO ICD-10 code: a letter, two digits, optionally a dot and one digit (X42, T40.4); “Q” is not a WHO ICD-10 code: a letter, two digits, optionally a dot and one digit (X42, T40.4).' },
    ]);
    expect(decisionBody({ ...base, decision: 'correct', underlyingCause: '', comment: 'x' }).problems).toEqual([{ field: 'underlyingCause', message: 'Give the underlying cause: one WHO ICD-10 code.' }]);
    expect(decisionBody({ ...base, decision: 'accept', comment: 'x'.repeat(2001) }).problems).toEqual([{ field: 'comment', message: 'The comment has 2001 characters; at most 2000.' }]);
    const many = Array.from({ length: 21 }, (_, i) => `T${String(36 + i).padStart(2, '0')}.0`).join(',');
    expect(decisionBody({ ...base, decision: 'correct', codes: many, comment: 'x' }).problems).toEqual([{ field: 'codes', message: 'At most 20 multiple causes; this has 21.' }]);
  });

  test('an ED correction: the ICD-10-CM codes', () => {
    const ed = { ...base, source: 'ed' as const, underlyingCause: '' };
    expect(decisionBody({ ...ed, decision: 'correct', codes: 't40.411a, F11.20', comment: 'heroin, not fentanyl' }).body).toEqual({ decision: 'correct', version: base.version, comment: 'heroin, not fentanyl', codes: ['T40.411A', 'F11.20'] });
    expect(decisionBody({ ...ed, decision: 'correct', codes: '', comment: 'x' }).problems).toEqual([{ field: 'codes', message: 'Give the ICD-10-CM codes of the visit (at least one).' }]);
  });

  test('Enter corrects once the codes differ from the coding (order and case do not count), else accepts', () => {
    const item = parseReviewItem(ITEM) as Pick<ReviewItemDetail, 'source' | 'record'>;
    expect(codesChanged(item, 'x44', 'F19.1, T51.0, t40.5, T43.6, X44')).toBe(false);
    expect(codesChanged(item, 'X44', 'X44, T43.6, T40.5, T51.0, F19.1, T40.4')).toBe(true);
    expect(codesChanged(item, 'X42', 'X44, T43.6, T40.5, T51.0, F19.1')).toBe(true);
  });

  test('the term offered from a correction: the words the reason quotes, the first code added', () => {
    const { reasons } = parseReviewItem(ITEM);
    expect(proposalFromCorrection(reasons, ['X44', 'T43.6'], ['X44', 'T43.6', 'T40.4'])).toEqual({ term: 'fentynal toxicity', code: 'T40.4' });
    expect(proposalFromCorrection([], ['X44'], ['X42'])).toEqual({ term: '', code: 'X42' });
  });

  test('the record opened next: the one after the decided one as shown, else none (then the first of the queue)', () => {
    const items = ['deaths-1', 'ed-2', 'deaths-3'].map((id) => ({ id }) as QueueItem);
    expect(nextItemId(items, 'deaths-1')).toBe('ed-2');
    expect(nextItemId(items, 'deaths-3')).toBeNull();
    expect(nextItemId(items, 'ed-99')).toBeNull();
  });
});

describe('sending a decision', () => {
  afterEach(() => vi.unstubAllGlobals());

  const body = { decision: 'accept', version: '2026-12-01T14:29:32.578000Z' } as const;

  test('the token goes with it; the answer is the decision', async () => {
    const fetch = vi.fn(async () => json(201, { decisionId: '9', itemId: 'deaths-1', decision: 'accept', state: 'accepted', version: body.version }));
    vi.stubGlobal('fetch', fetch);
    const http = new Http({ token: () => 'vgl_token' });
    await expect(postDecision(http, 'deaths-1', body)).resolves.toMatchObject({ decisionId: '9', state: 'accepted' });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/review/items/deaths-1/decision');
    expect(init.method).toBe('POST');
    expect(init.headers).toMatchObject({ authorization: 'Bearer vgl_token', 'content-type': 'application/json' });
    expect(JSON.parse(String(init.body))).toEqual(body);
  });

  test('a refusal (400, 409) comes back in the server’s own words, with the field it names', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(400, { error: { status: 400, message: 'invalid multipleCauses[5]: "U99.9" is not in vigil\'s death code table' } })));
    const refused = await postDecision(new Http({ token: () => 't' }), 'deaths-1', body).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Refusal);
    expect((refused as Refusal).message).toBe('invalid multipleCauses[5]: "U99.9" is not in vigil\'s death code table');
    expect((refused as Refusal).field).toBe('codes');
    vi.stubGlobal('fetch', vi.fn(async () => json(409, { error: { status: 409, message: 'the coding of deaths-1 changed since it was read (you saw version a, it is now b): read the item again' } })));
    const stale = (await postDecision(new Http({ token: () => 't' }), 'deaths-1', body).catch((e: unknown) => e)) as Refusal;
    expect([stale.status, stale.field, stale.message]).toEqual([409, null, 'the coding of deaths-1 changed since it was read (you saw version a, it is now b): read the item again']);
    expect(new Refusal('invalid underlyingCause: "X99"', 400, '').field).toBe('underlyingCause');
    expect(new Refusal('invalid comment: too long', 400, '').field).toBe('comment');
  });

  test('a revoked token signs the page out as a read would (Http sees the 401)', async () => {
    const calls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => (calls.push(url), json(401, { error: { status: 401, message: 'invalid or revoked API token' } }))));
    const onUnauthorized = vi.fn();
    const error = await postDecision(new Http({ token: () => 't', onUnauthorized }), 'deaths-1', body).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(Refusal);
    expect((error as Error).message).toMatch(/^The server answered 401: invalid or revoked API token\. Your API token was not accepted/);
    expect(calls).toEqual(['/api/review/items/deaths-1/decision', '/api/session']);
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  test('a server that cannot be reached, and one without the route', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('fetch failed'); }));
    await expect(postDecision(new Http({ token: () => 't' }), 'deaths-1', body)).rejects.toThrow('Could not reach the vigil server');
    vi.stubGlobal('fetch', vi.fn(async () => json(404, { error: { status: 404, message: 'no route for POST /api/review/items/deaths-1/decision' } })));
    await expect(postDecision(new Http({ token: () => 't' }), 'deaths-1', body)).rejects.toThrow('This server does not offer review decisions yet.');
  });
});
