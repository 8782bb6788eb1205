// Runs in Chromium (bundled by review-charts.test.ts): draws each chart of the review page from
// fixed data and returns its HTML, so the saved outputs (review-output/*.html) show every change
// to what the coder sees. The data goes through the same readers as the server's answers
// (parseReviewItem, parseEmerging, parseAgreement), small and hand-made, each case saying what it
// exercises.
import { parseAgreement, parseEmerging, parseReviewItem } from '../../dashboard/src/api/review.ts';
import { reviewAgreement } from '../../dashboard/src/charts/review-agreement.ts';
import { reviewDecisionForm } from '../../dashboard/src/charts/review-decision.ts';
import { reviewEmerging } from '../../dashboard/src/charts/review-emerging.ts';
import { reviewItem } from '../../dashboard/src/charts/review-item.ts';
import { reviewOutcome } from '../../dashboard/src/charts/review-outcome.ts';

const countyName = (fips: string) => ({ '39093': 'Lorain, Ohio', '42029': 'Chester, Pennsylvania' })[fips] ?? `county ${fips}`;

// A death whose Part I line matched nothing, pending: one automated coding, no decision yet.
const death = parseReviewItem({
  id: 'deaths-10453', source: 'deaths', recordId: '10453', state: 'pending',
  reasons: [{ key: 'unmatched_text', label: 'text that matched nothing', text: 'text that matched nothing: "fentynal toxicity"', lowConfidence: true }],
  impact: { why: ['drug overdose', 'state 39 is alerting', 'low confidence: text that matched nothing'] },
  pendingSince: '2026-12-01T14:29:32.578000Z',
  record: { record_id: '10453', certificate_id: '2024OH000270', death_date: '2024-02-02', age: 55, sex: 'F', residence_county_fips: '39093', manner: 'A', part1_a: 'FENTYNAL TOXICITY', part1_b: 'CHRONIC SUBSTANCE ABUSE', part1_c: null, part1_d: null, part2: 'METHAMPHETAMINE, COCAINE, AND ETHANOL INTOXICATION', how_injury: 'DECEDENT USED ILLICIT DRUGS' },
  coding: {
    version: '2026-12-01T14:29:32.578000Z', isCurrent: true, coder: 'vigil-death-coder/1', underlyingCause: 'X44', recordAxis: ['X44', 'T43.6', 'T40.5', 'T51.0', 'F19.1'],
    entityAxis: [{ line: 6, position: 1, code: 'T43.6', text: 'methamphetamine' }, { line: 6, position: 2, code: 'T40.5', text: 'cocaine' }, { line: 6, position: 3, code: 'T51.0', text: 'ethanol' }, { line: 2, position: 1, code: 'F19.1', text: 'substance abuse' }],
    drugs: [{ name: 'methamphetamine', code: 'T43.6' }, { name: 'cocaine', code: 'T40.5' }, { name: 'ethanol', code: 'T51.0' }],
    trace: [{ rule: 'drug poisoning', detail: 'Part I describes a poisoning by methamphetamine (T43.6), cocaine (T40.5), ethanol (T51.0).' }, { rule: 'external cause by intent', detail: 'Drugs of different rows together; intent accident gives X44.' }],
    reviewReasons: ['text that matched nothing: "fentynal toxicity"'],
  },
  codings: [{ version: '2026-12-01T14:29:32.578000Z', isCurrent: true, coder: 'vigil-death-coder/1', underlyingCause: 'X44', recordAxis: ['X44', 'T43.6', 'T40.5', 'T51.0', 'F19.1'] }],
  decisions: [], checks: [], proposals: [],
});

// The same death after a coder corrected it and proposed a term; a recode since disagrees, so it is pending again.
const recorrect = parseReviewItem({
  id: 'deaths-10453', source: 'deaths', recordId: '10453', state: 'pending', pendingSince: '2026-12-03T08:00:00.000000Z', impact: { why: ['drug overdose'] },
  reasons: [{ key: 'recode_disagrees', label: 'a later automated coding disagrees with the human coding', text: 'automated recode disagrees with the human coding: X44 [X44, T40.4]', lowConfidence: false }],
  record: { record_id: '10453', certificate_id: '2024OH000270', death_date: '2024-02-02', age: 55, sex: 'F', residence_county_fips: '39093', manner: 'A', part1_a: 'FENTYNAL TOXICITY' },
  coding: { version: '2026-12-02T09:15:00.123456Z', isCurrent: true, coder: 'human:tok0000000001', underlyingCause: 'X44', recordAxis: ['X44', 'T43.6', 'T40.4'], entityAxis: [], drugs: [], trace: [{ rule: 'human correction', detail: 'coder one (token tok0000000001) corrected X44 [X44, T43.6] to X44 [X44, T43.6, T40.4]: fentanyl misspelled' }] },
  codings: [
    { version: '2026-12-02T09:15:00.123456Z', isCurrent: true, coder: 'human:tok0000000001', underlyingCause: 'X44', recordAxis: ['X44', 'T43.6', 'T40.4'] },
    { version: '2026-12-01T14:29:32.578000Z', isCurrent: false, coder: 'vigil-death-coder/1', underlyingCause: 'X44', recordAxis: ['X44', 'T43.6'] },
  ],
  decisions: [{ decision_id: '1', decision: 'correct', reviewer: 'tok0000000001', comment: 'fentanyl misspelled', decided_at: '2026-12-02T09:15:00.123456Z', reviewed_underlying_cause: 'X44', reviewed_codes: ['X44', 'T43.6'] }],
  proposals: [{ proposal_id: '4', term: 'fentynal', code: 'T40.4', status: 'pending' }],
});

// An ED visit already accepted (opened from a link): Accept is off, Correct is not.
const visit = parseReviewItem({
  id: 'ed-38600', source: 'ed', recordId: '38600', state: 'accepted', pendingSince: '2026-12-01T14:29:35.701000Z',
  reasons: [{ key: 'inferred_poisoning', label: 'poisoning inferred (naloxone given, depressed consciousness)', text: 'poisoning inferred from depressed consciousness after fentanyl; no overdose word', lowConfidence: true }],
  impact: { why: [] },
  record: { record_id: '38600', visit_id: 'F4207101-2024-000004', visit_datetime: '2024-01-21T11:50:49', age: 42, sex: 'M', patient_county_fips: '42029', chief_complaint: 'AMS ? OD', triage_note: 'Pt unresponsive on arrival, GCS 6. Friends report fetty use.', discharge_diagnoses: [] },
  coding: { version: '2026-12-01T14:29:35.701000Z', isCurrent: true, coder: 'vigil-ed-coder/1', codes: ['T40.411A'], drugs: [{ name: 'fentanyl', code: 'T40.41' }], syndromes: ['all_drug', 'fentanyl', 'opioid'] },
  codings: [{ version: '2026-12-01T14:29:35.701000Z', isCurrent: true, coder: 'vigil-ed-coder/1', codes: ['T40.411A'] }],
  decisions: [{ decision_id: '2', decision: 'accept', reviewer: 'tok0000000002', comment: null, decided_at: '2026-12-01T15:00:00.000000Z', reviewed_underlying_cause: null, reviewed_codes: ['T40.411A'] }],
  proposals: [],
});

// Three words: one never in the background, one proposed from this page, one whose proposal the
// server refused, one already waiting for an admin; examples from both sources.
const emerging = parseEmerging({
  lexiconVersion: 'lexicon/2026-12-01-5b34b2ab', periods: { previousFrom: '2024-03-06', recentFrom: '2024-04-03', to: '2024-05-01' }, records: 836, backgroundRecords: 29_356, minSpecificity: 5,
  tokens: [
    {
      token: 'zombrex', recent: 9, previous: 0, growth: 10, background: 0, specificity: null, suggestion: { code: 'T50.9', because: 'no class recognised: other and unspecified drugs (as kratom); choose a specific code if known' },
      examples: [
        { itemId: 'deaths-77', source: 'deaths', recordId: '77', day: '2024-04-29', field: 'part1_a', text: 'Acute zombrex toxicity' },
        { itemId: 'ed-501', source: 'ed', recordId: '501', day: '2024-04-20', field: 'triage_note', text: 'friend says he took zombrex, narcan given' },
      ],
      proposal: { method: 'POST', path: '/api/lexicon/proposals', body: { term: 'zombrex', code: 'T50.9', kind: 'drug', origin: 'emerging', comment: 'emerging', evidenceRecordIds: ['77', '501'] } }, pendingProposal: null,
    },
    {
      token: 'bromazolam', recent: 6, previous: 1, growth: 3.5, background: 1, specificity: 41.25, suggestion: { code: 'T42.4', because: 'a (designer) benzodiazepine' },
      examples: [{ itemId: 'ed-502', source: 'ed', recordId: '502', day: '2024-04-28', field: 'chief_complaint', text: 'took bromazolam bar' }],
      proposal: { method: 'POST', path: '/api/lexicon/proposals', body: { term: 'bromazolam', code: 'T42.4', kind: 'drug', origin: 'emerging' } }, pendingProposal: null,
    },
    {
      token: 'tranq', recent: 4, previous: 2, growth: 1.67, background: 0, specificity: null, suggestion: { code: 'T50.9', because: '' },
      examples: [], proposal: { method: 'POST', path: '/api/lexicon/proposals', body: { term: 'tranq', code: 'T50.9' } }, pendingProposal: null,
    },
    {
      token: 'isotonitazene', recent: 3, previous: 0, growth: 4, background: 0, specificity: null, suggestion: { code: 'T40.4', because: 'a nitazene: novel synthetic opioids are counted with T40.4' },
      examples: [{ itemId: 'deaths-91', source: 'deaths', recordId: '91', day: '2024-04-30', field: 'part1_a', text: 'Isotonitazene toxicity' }],
      proposal: { method: 'POST', path: '/api/lexicon/proposals', body: { term: 'isotonitazene', code: 'T40.4' } }, pendingProposal: '3',
    },
  ],
});
const proposed = new Map([
  ['bromazolam', { ok: true, text: 'Proposed as T42.4 (proposal 5): waiting for an admin.' }],
  ['tranq', { ok: false, text: 'The server refused it: invalid code: "T50.9" is not in vigil\'s death code table' }],
]);

// Three decisions: two accepted, one correction that added T40.4; ED and death codes together.
const agreement = parseAgreement({
  method: "simple percent agreement: the share of decisions in which the coder's codes equal the automation's; not chance-corrected (no kappa)",
  overall: { decisions: 3, agreed: 2, percent: 66.7, accepted: 2, corrected: 1 },
  underlyingCause: { decisions: 1, agreed: 1, percent: 100 },
  byReason: [
    { reason: 'inferred_poisoning', label: 'poisoning inferred (naloxone given, depressed consciousness)', decisions: 2, agreed: 2, percent: 100, accepted: 2, corrected: 0 },
    { reason: 'unmatched_text', label: 'text that matched nothing', decisions: 1, agreed: 0, percent: 0, accepted: 0, corrected: 1 },
  ],
  byCode: [
    { code: 'T40.411A', decisions: 1, agreed: 1, percent: 100, kept: 1, removed: 0, added: 0 },
    { code: 'T40.4', decisions: 1, agreed: 0, percent: 0, kept: 0, removed: 0, added: 1 },
    { code: 'X44', decisions: 1, agreed: 1, percent: 100, kept: 1, removed: 0, added: 0 },
  ],
  byUnderlyingCause: [],
});

export function render(name: string): string {
  switch (name) {
    case 'review-item-death':
      return reviewItem({ item: death, countyName }).outerHTML;
    case 'review-item-history':
      return reviewItem({ item: recorrect, countyName }).outerHTML;
    case 'review-item-ed':
      return reviewItem({ item: visit, countyName }).outerHTML;
    case 'review-decision-death':
      return reviewDecisionForm({ item: death }).outerHTML;
    case 'review-decision-ed-accepted':
      return reviewDecisionForm({ item: visit }).outerHTML;
    case 'review-outcome-correct':
      return reviewOutcome({ itemId: 'deaths-10453', source: 'deaths', decision: 'correct', decisionId: '1', before: { underlyingCause: 'X44', codes: ['X44', 'T43.6'] }, after: { underlyingCause: 'X44', codes: ['X44', 'T43.6', 'T40.4'] }, proposal: { term: 'fentynal toxicity', code: 'T40.4' }, leftQueue: true, next: 'ed-38600' }).outerHTML;
    case 'review-outcome-accept-last':
      return reviewOutcome({ itemId: 'ed-38600', source: 'ed', decision: 'accept', decisionId: '2', before: { underlyingCause: null, codes: ['T40.411A'] }, after: { underlyingCause: null, codes: ['T40.411A'] }, proposal: null, leftQueue: true, next: null }).outerHTML;
    case 'review-outcome-not-queued':
      // A corrected record opened from a link, corrected again: it was not in the queue, the queue's first opens.
      return reviewOutcome({ itemId: 'deaths-10453', source: 'deaths', decision: 'correct', decisionId: '8', before: { underlyingCause: 'X44', codes: ['X44', 'T40.4'] }, after: { underlyingCause: 'X42', codes: ['X42', 'T40.4'] }, proposal: null, leftQueue: false, next: 'deaths-20011' }).outerHTML;
    case 'review-emerging':
      return reviewEmerging({ report: emerging, proposed }).outerHTML;
    case 'review-agreement':
      return reviewAgreement({ report: agreement }).outerHTML;
    case 'review-agreement-top':
      return reviewAgreement({ report: agreement, top: 1 }).outerHTML;
    default:
      throw new Error(`unknown review chart case: ${name}`);
  }
}
