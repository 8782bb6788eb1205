// The coder's side of the review API (coders and admins; agreement for epidemiologists too):
//   GET  /api/review/items/:id            one item whole: the record, the coding under review and its version
//   POST /api/review/items/:id/decision   accept, or correct with codes and a comment
//   POST /api/lexicon/proposals           propose a term (from a correction, or an emerging word)
//   GET  /api/review/emerging             words the lexicon does not know, in overdose context
//   GET  /api/review/agreement            coder vs automation, per reason and per code
// The code checks here mirror the server's shapes (pipeline/review/death-codes.ts, ed-codes.ts) so
// a typo is caught before sending; the server checks again against its code tables, and its own
// words come back as a Refusal to show beside the form.
import { ApiError, errorFrom, type Http } from './http.ts';
import { parseRecord, type CodedRecord } from './records.ts';

export type ReviewSource = 'deaths' | 'ed';

export interface ReviewReason {
  key: string;
  label: string;
  /** The coder's own words, with the particulars ("text that matched nothing: \"fentynal\""). */
  text: string;
  lowConfidence: boolean;
}

export interface CodingVersion {
  version: string;
  current: boolean;
  /** vigil-death-coder/1, vigil-ed-coder/1, or human:<token id>. */
  coder: string;
  underlyingCause: string | null;
  codes: string[];
}

export interface DecisionRow {
  decisionId: string;
  decision: 'accept' | 'correct';
  reviewer: string;
  comment: string | null;
  decidedAt: string;
  /** The codes the decision was made on. */
  reviewedUnderlyingCause: string | null;
  reviewedCodes: string[];
}

export interface ReviewItemDetail {
  id: string;
  source: ReviewSource;
  recordId: string;
  state: string;
  reasons: ReviewReason[];
  /** Why it ranks where it does in the queue, most important first. */
  why: string[];
  pendingSince: string;
  /** The text, the codes (entity and record axis), the rule trace. */
  record: CodedRecord;
  /** The coding under review: what a decision names (coding.version). */
  version: string;
  coder: string;
  codings: CodingVersion[];
  decisions: DecisionRow[];
  proposals: { proposalId: string; term: string; code: string; status: string }[];
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const textOrNull = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export function parseReason(raw: unknown): ReviewReason {
  if (typeof raw === 'string') return { key: 'other', label: raw, text: raw, lowConfidence: false };
  const r = (raw ?? {}) as Record<string, unknown>;
  const text = String(r['text'] ?? r['label'] ?? '');
  return { key: String(r['key'] ?? 'other'), label: String(r['label'] ?? text), text, lowConfidence: r['lowConfidence'] === true };
}

/** A review item as GET /api/review/items/:id answers it. */
export function parseReviewItem(raw: Record<string, unknown>, url = '/api/review/items'): ReviewItemDetail {
  const record = raw['record'] as Record<string, unknown> | undefined;
  const coding = raw['coding'] as Record<string, unknown> | undefined;
  if (!record || !coding || typeof coding['version'] !== 'string') throw new ApiError('The server’s review item has no record or coding version. Tell the vigil operators.', 200, url);
  const source: ReviewSource = raw['source'] === 'ed' ? 'ed' : 'deaths';
  const reasons = Array.isArray(raw['reasons']) ? raw['reasons'].map(parseReason) : [];
  const impact = raw['impact'] as { why?: unknown } | undefined;
  const codingsRaw = Array.isArray(raw['codings']) ? (raw['codings'] as Record<string, unknown>[]) : [coding];
  return {
    id: String(raw['id']),
    source,
    recordId: String(raw['recordId'] ?? record['record_id'] ?? ''),
    state: String(raw['state'] ?? 'pending'),
    reasons,
    why: strings(impact?.why),
    pendingSince: String(raw['pendingSince'] ?? ''),
    record: parseRecord({ ...record, source }, coding, reasons.map((r) => r.text)),
    version: coding['version'],
    coder: String(coding['coder'] ?? ''),
    codings: codingsRaw.map((c) => ({
      version: String(c['version'] ?? ''),
      current: c['isCurrent'] === true,
      coder: String(c['coder'] ?? ''),
      underlyingCause: textOrNull(c['underlyingCause']),
      codes: strings(source === 'deaths' ? c['recordAxis'] : c['codes']),
    })),
    decisions: (Array.isArray(raw['decisions']) ? (raw['decisions'] as Record<string, unknown>[]) : []).map((d) => ({
      decisionId: String(d['decision_id'] ?? ''),
      decision: d['decision'] === 'correct' ? 'correct' : 'accept',
      reviewer: String(d['reviewer'] ?? ''),
      comment: textOrNull(d['comment']),
      decidedAt: String(d['decided_at'] ?? ''),
      reviewedUnderlyingCause: textOrNull(d['reviewed_underlying_cause']),
      reviewedCodes: strings(d['reviewed_codes']),
    })),
    proposals: (Array.isArray(raw['proposals']) ? (raw['proposals'] as Record<string, unknown>[]) : []).map((p) => ({
      proposalId: String(p['proposal_id'] ?? ''),
      term: String(p['term'] ?? ''),
      code: String(p['code'] ?? ''),
      status: String(p['status'] ?? 'pending'),
    })),
  };
}

export async function fetchReviewItemDetail(http: Http, id: string, signal?: AbortSignal): Promise<ReviewItemDetail> {
  const url = `/api/review/items/${encodeURIComponent(id)}`;
  return parseReviewItem(await http.json<Record<string, unknown>>(url, { feature: 'review items', signal }), url);
}

// ---------------------------------------------------------------------------------------------
// Codes, checked as the server's tables write them.

/** WHO ICD-10 as the death tables write it: a letter, two digits, optionally a dot and one digit. */
export const WHO_CODE = /^[A-Z][0-9]{2}(?:\.[0-9])?$/;
/** ICD-10-CM as the ED tables write it: dotted, upper case. */
export const CM_CODE = /^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$/;
/** CM poisoning categories (T36-T65) need all seven characters, the 7th the encounter (A, D, S). */
const CM_POISONING = /^T(?:3[6-9]|[45][0-9]|6[0-5])/;
const CM_POISONING_COMPLETE = /^T[0-9]{2}\.[0-9A-Z]{3}[ADS]$/;

/** The codes typed in a field: commas, semicolons or spaces between them; upper case. */
export function parseCodeList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== '');
}

/** Why a typed code is not a code of the source's kind (null when its shape is right). */
export function codeShapeProblem(source: ReviewSource, code: string): string | null {
  if (source === 'deaths') {
    return WHO_CODE.test(code) ? null : `“${code}” is not a WHO ICD-10 code: a letter, two digits, optionally a dot and one digit (X42, T40.4)`;
  }
  if (!CM_CODE.test(code)) return `“${code}” is not an ICD-10-CM code: dotted, such as T40.411A or F11.20`;
  if (CM_POISONING.test(code) && !CM_POISONING_COMPLETE.test(code)) return `“${code}” is a poisoning code without its 7th character: write it whole, such as T40.411A or T40.1X1A`;
  return null;
}

export type DecisionBody =
  | { decision: 'accept'; version: string; comment?: string }
  | { decision: 'correct'; version: string; comment: string; underlyingCause: string; multipleCauses: string[] }
  | { decision: 'correct'; version: string; comment: string; codes: string[] };

/** What the coder typed, as the form holds it. */
export interface DecisionInput {
  decision: 'accept' | 'correct';
  source: ReviewSource;
  version: string;
  /** Deaths: the underlying cause field; ED: unused. */
  underlyingCause: string;
  /** Deaths: the multiple causes (record axis); ED: the ICD-10-CM codes. */
  codes: string;
  comment: string;
}

/** A field the coder must fix: `field` names the form control (underlyingCause, codes, comment). */
export interface FieldProblem {
  field: 'underlyingCause' | 'codes' | 'comment';
  message: string;
}

export const MAX_COMMENT = 2000;

/** The request body, or every problem with what was typed (the server's limits: 20 multiple causes, 50 ED codes). */
export function decisionBody(input: DecisionInput): { body: DecisionBody; problems: [] } | { body: null; problems: FieldProblem[] } {
  const comment = input.comment.trim();
  const problems: FieldProblem[] = [];
  if (comment.length > MAX_COMMENT) problems.push({ field: 'comment', message: `The comment has ${comment.length} characters; at most ${MAX_COMMENT}.` });
  if (input.decision === 'accept') {
    if (problems.length) return { body: null, problems };
    return { body: comment ? { decision: 'accept', version: input.version, comment } : { decision: 'accept', version: input.version }, problems: [] };
  }
  if (comment === '') problems.push({ field: 'comment', message: 'A correction needs a comment saying why (it goes in the record’s trace and the audit log).' });
  const codes = parseCodeList(input.codes);
  const shapes = codes.map((c) => codeShapeProblem(input.source, c)).filter((p): p is string => p !== null);
  if (input.source === 'deaths') {
    const causes = parseCodeList(input.underlyingCause);
    if (causes.length !== 1) problems.push({ field: 'underlyingCause', message: causes.length === 0 ? 'Give the underlying cause: one WHO ICD-10 code.' : `The underlying cause is one code; this has ${causes.length}.` });
    else {
      const problem = codeShapeProblem('deaths', causes[0]!);
      if (problem) problems.push({ field: 'underlyingCause', message: `${problem}.` });
    }
    if (shapes.length) problems.push({ field: 'codes', message: `${shapes.join('; ')}.` });
    else if (new Set(codes).size > 20) problems.push({ field: 'codes', message: `At most 20 multiple causes; this has ${new Set(codes).size}.` });
    if (problems.length) return { body: null, problems };
    return { body: { decision: 'correct', version: input.version, comment, underlyingCause: causes[0]!, multipleCauses: [...new Set(codes)] }, problems: [] };
  }
  if (codes.length === 0) problems.push({ field: 'codes', message: 'Give the ICD-10-CM codes of the visit (at least one).' });
  else if (shapes.length) problems.push({ field: 'codes', message: `${shapes.join('; ')}.` });
  else if (new Set(codes).size > 50) problems.push({ field: 'codes', message: `At most 50 codes; this has ${new Set(codes).size}.` });
  if (problems.length) return { body: null, problems };
  return { body: { decision: 'correct', version: input.version, comment, codes: [...new Set(codes)] }, problems: [] };
}

/** Whether the typed codes differ from the coding's (then Enter means Correct, else Accept). */
export function codesChanged(item: Pick<ReviewItemDetail, 'source' | 'record'>, underlyingCause: string, codes: string): boolean {
  const typed = parseCodeList(codes);
  const same = (a: readonly string[], b: readonly string[]) => new Set(a).size === new Set(b).size && a.every((x) => b.includes(x));
  if (item.source === 'ed') return !same(typed, item.record.codes);
  const cause = parseCodeList(underlyingCause);
  return cause.length !== 1 || cause[0] !== item.record.underlyingCause || !same(typed, item.record.codes);
}

// ---------------------------------------------------------------------------------------------
// Writes: the server's refusal (400, 404, 409) in its own words, for the form to show.

/** The server refused what was sent; `message` is its own text (it names the field and the code). */
export class Refusal extends ApiError {
  constructor(message: string, status: number, url: string) {
    super(message, status, url);
    this.name = 'Refusal';
  }

  /** The form field the server's message names ("invalid underlyingCause: …", "invalid multipleCauses[2]: …"). */
  get field(): FieldProblem['field'] | null {
    const named = /^invalid (\w+)/.exec(this.message)?.[1];
    if (named === 'underlyingCause') return 'underlyingCause';
    if (named === 'multipleCauses' || named === 'codes' || named === 'code') return 'codes';
    if (named === 'comment' || /needs a comment/.test(this.message)) return 'comment';
    return null;
  }
}

/** fetch, not Http.json: a refusal is shown in the server's own words, not as a page error (as batches.ts does for uploads). */
async function post<T>(http: Http, url: string, body: unknown, feature: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { ...http.authorization(), 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  } catch {
    throw new ApiError('Could not reach the vigil server. Check that it is running and your network connection, then retry.', 0, url);
  }
  if (response.ok) return (await response.json()) as T;
  // A revoked token: let Http see it too (one GET), so the page signs out and says so as it does for reads.
  if (response.status === 401) await http.request('/api/session', { feature: 'sign-in' }).catch(() => {});
  if (response.status === 400 || response.status === 409 || (response.status === 404 && !(await isNoRoute(response)))) {
    const message = await serverMessage(response);
    if (message) throw new Refusal(message, response.status, url);
  }
  throw await errorFrom(response, url, { feature });
}

async function serverMessage(response: Response): Promise<string | null> {
  try {
    const body = (await response.clone().json()) as { error?: { message?: unknown } };
    return typeof body?.error?.message === 'string' ? body.error.message : null;
  } catch {
    return null;
  }
}

async function isNoRoute(response: Response): Promise<boolean> {
  return (await serverMessage(response))?.startsWith('no route for') ?? true;
}

export interface DecisionResult {
  decisionId: string;
  itemId: string;
  decision: 'accept' | 'correct';
  state: string;
  version: string;
}

export function postDecision(http: Http, itemId: string, body: DecisionBody): Promise<DecisionResult> {
  return post<DecisionResult>(http, `/api/review/items/${encodeURIComponent(itemId)}/decision`, body, 'review decisions');
}

export interface ProposalBody {
  term: string;
  code: string;
  kind?: string;
  comment?: string | null;
  decisionId?: string | null;
  evidenceRecordIds?: string[];
  origin?: 'emerging' | 'coder';
}

export interface Proposal {
  proposalId: string;
  term: string;
  code: string;
  status: string;
}

export async function proposeTerm(http: Http, body: ProposalBody): Promise<Proposal> {
  const raw = await post<Record<string, unknown>>(http, '/api/lexicon/proposals', body, 'term proposals');
  return { proposalId: String(raw['proposal_id'] ?? ''), term: String(raw['term'] ?? body.term), code: String(raw['code'] ?? body.code), status: String(raw['status'] ?? 'pending') };
}

/**
 * What to propose from a correction: the words the coder flagged as unmatched or new (quoted in
 * the reason, as `text that matched nothing: "fentynal toxicity"`) and the first code the
 * correction added. The coder edits both before sending.
 */
export function proposalFromCorrection(reasons: readonly ReviewReason[], before: readonly string[], after: readonly string[]): { term: string; code: string } {
  const quoted = reasons.map((r) => /"([^"]+)"/.exec(r.text)?.[1]).find((t): t is string => Boolean(t));
  const added = after.find((c) => !before.includes(c));
  return { term: quoted ?? '', code: added ?? after[0] ?? '' };
}

// ---------------------------------------------------------------------------------------------
// Emerging substances and agreement.

export interface EmergingExample {
  itemId: string;
  day: string;
  field: string;
  text: string;
}

export interface EmergingToken {
  token: string;
  recent: number;
  previous: number;
  growth: number;
  background: number;
  specificity: number | null;
  examples: EmergingExample[];
  suggestion: { code: string; because: string };
  /** The body of the one-click proposal, as the server prepared it. */
  proposal: ProposalBody;
  pendingProposal: string | null;
}

export interface EmergingReport {
  lexiconVersion: string;
  periods: { previousFrom: string; recentFrom: string; to: string };
  /** Overdose-context records read, and the background sample. */
  records: number;
  backgroundRecords: number;
  tokens: EmergingToken[];
}

const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value ?? 0));

export function parseEmerging(raw: Record<string, unknown>, url = '/api/review/emerging'): EmergingReport {
  if (!Array.isArray(raw['tokens'])) throw new ApiError('The server’s emerging-substances answer has no tokens list. Tell the vigil operators.', 200, url);
  const periods = (raw['periods'] ?? {}) as Record<string, unknown>;
  return {
    lexiconVersion: String(raw['lexiconVersion'] ?? ''),
    periods: { previousFrom: String(periods['previousFrom'] ?? ''), recentFrom: String(periods['recentFrom'] ?? ''), to: String(periods['to'] ?? '') },
    records: num(raw['records']),
    backgroundRecords: num(raw['backgroundRecords']),
    tokens: (raw['tokens'] as Record<string, unknown>[]).map((t) => {
      const suggestion = (t['suggestion'] ?? {}) as Record<string, unknown>;
      const proposal = ((t['proposal'] as { body?: unknown } | undefined)?.body ?? { term: t['token'], code: suggestion['code'] }) as Record<string, unknown>;
      return {
        token: String(t['token']),
        recent: num(t['recent']),
        previous: num(t['previous']),
        growth: num(t['growth']),
        background: num(t['background']),
        specificity: t['specificity'] === null || t['specificity'] === undefined ? null : num(t['specificity']),
        examples: (Array.isArray(t['examples']) ? (t['examples'] as Record<string, unknown>[]) : []).map((e) => ({ itemId: String(e['itemId'] ?? ''), day: String(e['day'] ?? ''), field: String(e['field'] ?? ''), text: String(e['text'] ?? '') })),
        suggestion: { code: String(suggestion['code'] ?? ''), because: String(suggestion['because'] ?? '') },
        proposal: {
          term: String(proposal['term'] ?? t['token']),
          code: String(proposal['code'] ?? suggestion['code'] ?? ''),
          ...(typeof proposal['kind'] === 'string' ? { kind: proposal['kind'] } : {}),
          ...(typeof proposal['comment'] === 'string' ? { comment: proposal['comment'] } : {}),
          ...(Array.isArray(proposal['evidenceRecordIds']) ? { evidenceRecordIds: proposal['evidenceRecordIds'].map(String) } : {}),
          origin: 'emerging',
        },
        pendingProposal: textOrNull(t['pendingProposal']),
      };
    }),
  };
}

/** The fastest-growing words a coder is shown (the server ranks more on request). */
export const EMERGING_LIMIT = 20;

export async function fetchEmerging(http: Http, limit = EMERGING_LIMIT, signal?: AbortSignal): Promise<EmergingReport> {
  const url = `/api/review/emerging?limit=${limit}`;
  return parseEmerging(await http.json<Record<string, unknown>>(url, { feature: 'emerging substances', signal }), url);
}

export interface Agreement {
  decisions: number;
  agreed: number;
  percent: number | null;
}

export interface AgreementReport {
  method: string;
  overall: Agreement & { accepted: number; corrected: number };
  underlyingCause: Agreement;
  byReason: (Agreement & { reason: string; label: string; accepted: number; corrected: number })[];
  byCode: (Agreement & { code: string; kept: number; removed: number; added: number })[];
}

const agreement = (raw: unknown): Agreement => {
  const r = (raw ?? {}) as Record<string, unknown>;
  return { decisions: num(r['decisions']), agreed: num(r['agreed']), percent: r['percent'] === null || r['percent'] === undefined ? null : num(r['percent']) };
};

export function parseAgreement(raw: Record<string, unknown>, url = '/api/review/agreement'): AgreementReport {
  if (!raw['overall'] || !Array.isArray(raw['byReason']) || !Array.isArray(raw['byCode'])) throw new ApiError('The server’s agreement answer has no overall, byReason or byCode. Tell the vigil operators.', 200, url);
  const overall = raw['overall'] as Record<string, unknown>;
  return {
    method: String(raw['method'] ?? ''),
    overall: { ...agreement(overall), accepted: num(overall['accepted']), corrected: num(overall['corrected']) },
    underlyingCause: agreement(raw['underlyingCause']),
    byReason: (raw['byReason'] as Record<string, unknown>[]).map((r) => ({ ...agreement(r), reason: String(r['reason']), label: String(r['label'] ?? r['reason']), accepted: num(r['accepted']), corrected: num(r['corrected']) })),
    byCode: (raw['byCode'] as Record<string, unknown>[]).map((r) => ({ ...agreement(r), code: String(r['code']), kept: num(r['kept']), removed: num(r['removed']), added: num(r['added']) })),
  };
}

export async function fetchAgreement(http: Http, signal?: AbortSignal): Promise<AgreementReport> {
  const url = '/api/review/agreement';
  return parseAgreement(await http.json<Record<string, unknown>>(url, { feature: 'coder agreement', signal }), url);
}
