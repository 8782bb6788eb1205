/**
 * The human review of what the coders flagged (coders and admins):
 *   GET  /api/review/queue                  pending items by surveillance impact, then age; filters
 *   GET  /api/review/items/:id              the text, the codes, the trace, the reasons, the history
 *   POST /api/review/items/:id/decision     accept, or correct with codes checked against the code tables
 *   GET  /api/review/agreement              coder vs automation per reason and per code (epidemiologists too: no record data)
 *   GET  /api/review/emerging               unknown words in overdose context, by growth, with examples
 * Every answer holding record text is audited (who read which records), and so is every decision,
 * in the decision's own transaction.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { loadEdTables } from '../../pipeline/coding/ed/tables.ts';
import { agreementReport, type AgreementDecision } from '../../pipeline/review/agreement.ts';
import { DeathCodeTable } from '../../pipeline/review/death-codes.ts';
import { DecisionError, recordDecision, type Actor, type DecisionContext, type DecisionInput } from '../../pipeline/review/decisions.ts';
import { EdCodeTable } from '../../pipeline/review/ed-codes.ts';
import { EmergingReport } from '../../pipeline/review/emerging-report.ts';
import { readItem } from '../../pipeline/review/item.ts';
import { parseItemId, type ItemRef } from '../../pipeline/review/item-id.ts';
import { listQueue } from '../../pipeline/review/queue.ts';
import { REASON_KEYS } from '../../pipeline/review/reasons.ts';
import { auditRecordReadFor } from '../auth/audit-request.ts';
import { principalOf, requestIdOf, requireRole } from '../auth/principal.ts';
import { HttpError, parseInput, NO_PARAMETERS } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppServices } from '../services.ts';

const DAY = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  // Date.parse reads 2024-02-30 as March 1: a calendar date is one that reads back the same.
  .refine((d) => { const t = Date.parse(`${d}T00:00:00Z`); return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d; }, 'not a calendar date');
const VERSION = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/, "the coding's version as the item gives it (coding.version)");
const CODE = z.string().trim().toUpperCase().max(10);
const COMMENT = z.string().trim().max(2000);

const QUEUE = z.strictObject({
  source: z.enum(['deaths', 'ed', 'all']).default('all'),
  state: z.enum(['pending', 'accepted', 'corrected', 'all']).default('pending'),
  reason: z.enum(REASON_KEYS).optional(),
  jurisdiction: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'a two-letter jurisdiction code such as OH').optional().meta({ examples: ['OH'] }),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const DECISION = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('accept'), version: VERSION, comment: COMMENT.optional() }),
  z.strictObject({
    decision: z.literal('correct'),
    version: VERSION,
    comment: COMMENT.min(1, 'a correction needs a comment saying why'),
    // Deaths: the underlying cause and the multiple causes (record axis, up to 20 as WHO allows).
    underlyingCause: CODE.optional(),
    multipleCauses: z.array(CODE).max(20).optional(),
    // ED visits: the ICD-10-CM codes.
    codes: z.array(CODE).max(50).optional(),
  }),
]);

const AGREEMENT = z.strictObject({
  source: z.enum(['deaths', 'ed', 'all']).default('all'),
  from: DAY.default('1970-01-01'),
  to: DAY.default('9999-12-31'),
});

const EMERGING = z.strictObject({
  days: z.coerce.number().int().min(7).max(365).default(28),
  to: DAY.optional().meta({ examples: ['2024-04-30'] }),
  minRecent: z.coerce.number().int().min(1).max(1000).default(3),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  examples: z.coerce.number().int().min(0).max(10).default(3),
});

const ITEM_ID = z.strictObject({ id: z.string().describe('deaths-<record id> or ed-<record id>') });
const CODERS = ['coder', 'admin'] as const;

/** For the OpenAPI document (server/openapi.ts). */
export const REVIEW_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get', path: '/api/review/queue', tags: ['review'], callers: CODERS, query: QUEUE,
    summary: 'The review queue: records the coders flagged, by surveillance impact then age',
    description:
      'Pending items first, ordered by impact (possible new substance, drug overdose, in a county or state alerting in the latest detection run, pending more than 7 days, low confidence), ' +
      'then the oldest; accepted and corrected items after them, the most recently decided first. Each item says why it ranks where it does (impact.why). The records shown are audited.',
    responses: { '200': { description: '{ total, offset, limit, items }' } },
  },
  {
    method: 'get', path: '/api/review/items/:id', tags: ['review'], callers: CODERS, pathParameters: ITEM_ID, query: NO_PARAMETERS,
    summary: 'One review item: the text, the codes, the trace, the reasons, every coding and decision (audited)',
    responses: { '200': { description: 'The item; coding.version names the coding a decision is made on.' }, '404': { description: 'Not (or no longer) under review.' } },
  },
  {
    method: 'post', path: '/api/review/items/:id/decision', tags: ['review'], callers: CODERS, pathParameters: ITEM_ID, query: NO_PARAMETERS,
    body: { description: 'accept, or correct: deaths with underlyingCause and multipleCauses (WHO ICD-10), ED visits with codes (ICD-10-CM); a correction needs a comment', mediaTypes: ['application/json'], schema: DECISION },
    summary: 'Accept or correct a coding; a correction is a new coding version, the automated one stays',
    responses: {
      '201': { description: 'The decision: { decisionId, itemId, decision, state, version }' },
      '400': { description: 'A bad field or code, named.' },
      '409': { description: 'The coding changed since it was read, or the item is not pending (accept).' },
    },
  },
  {
    method: 'get', path: '/api/review/agreement', tags: ['review'], callers: ['coder', 'admin', 'epidemiologist'], query: AGREEMENT,
    summary: 'Agreement between coders and the automation, per reason, per code and per underlying cause',
    description: 'Simple percent agreement over the decisions on automated codings; not chance-corrected (no kappa).',
    responses: { '200': { description: '{ method, overall, underlyingCause, byReason, byCode, byUnderlyingCause }' } },
  },
  {
    method: 'get', path: '/api/review/emerging', tags: ['review'], callers: CODERS, query: EMERGING,
    summary: 'Emerging substances: words the lexicon does not know in overdose context, by growth, with examples',
    description:
      'Recent period (days) against the one before; a word must be at least 5 times as frequent in overdose context as in a background sample of other records. ' +
      'Each entry carries the term proposal to POST in one click. The example records are audited.',
    responses: { '200': { description: '{ lexiconVersion, periods, records, backgroundRecords, tokens }' } },
  },
];

/** The token acting, for decisions and audit rows (routes here are never public). */
export function actorOf(response: Response): Actor {
  const principal = principalOf(response);
  if (principal.kind === 'public') throw new HttpError(401, 'sign in: this needs an API token (Authorization: Bearer …)');
  return { tokenId: principal.tokenId, name: principal.name, role: principal.role, requestId: requestIdOf(response) };
}

function itemRef(id: string): ItemRef {
  const ref = parseItemId(id);
  if (!ref) throw new HttpError(400, `invalid id: ${JSON.stringify(id)} (expected deaths-<record id> or ed-<record id>)`);
  return ref;
}

export function reviewRoutes({ db, queries, commitLock, deathCoding }: AppServices): Router {
  const router = Router();
  const coders = requireRole('coder', 'admin');
  // Loaded on first use: a server that never reviews pays nothing.
  const committed = () => deathCoding.baseLexicon();
  let deathCodes: DeathCodeTable | null = null;
  let edCodes: EdCodeTable | null = null;
  let edTables: ReturnType<typeof loadEdTables> | null = null;
  const ed = () => (edTables ??= loadEdTables());
  const decisions: DecisionContext = {
    db,
    queries,
    commitLock,
    deathCodes: () => (deathCodes ??= new DeathCodeTable(committed())),
    edCodes: () => (edCodes ??= new EdCodeTable(ed())),
  };
  const emerging = new EmergingReport(deathCoding, () => new Set([...ed().ordinaryWords, ...ed().terms.flatMap((t) => t.term.split(' '))]));

  router.get('/api/review/queue', coders, async (request, response) => {
    const filters = parseInput(QUEUE, request.query);
    const page = await listQueue(db.connection, queries, { ...filters, reason: filters.reason ?? null, jurisdiction: filters.jurisdiction ?? null });
    // The page carries record text (Part I line a, chief complaint): recorded before it is sent.
    await auditRecordReadFor({ db }, response, page.items.map((i) => i.recordId), 'read.review_queue', { filters, total: page.total });
    response.json(page);
  });

  router.get('/api/review/items/:id', coders, async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    const ref = itemRef(String(request.params.id));
    const item = await readItem(db.connection, queries, ref);
    if (!item) throw new HttpError(404, `no review item ${request.params.id}: the record is not flagged for review, or is no longer its certificate's or visit's current version`);
    await auditRecordReadFor({ db }, response, [item.recordId], 'read.review_item', { item: item.id });
    response.json(item);
  });

  router.post('/api/review/items/:id/decision', coders, async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    const ref = itemRef(String(request.params.id));
    const body = parseInput(DECISION, request.body ?? {});
    if (body.decision === 'correct') {
      const foreign = ref.source === 'deaths' ? (body.codes !== undefined ? 'codes' : null) : body.underlyingCause !== undefined ? 'underlyingCause' : body.multipleCauses !== undefined ? 'multipleCauses' : null;
      if (foreign) throw new HttpError(400, `invalid ${foreign}: not a field of ${ref.source === 'deaths' ? 'a death correction (underlyingCause, multipleCauses)' : 'an ED correction (codes)'}`);
    }
    const input: DecisionInput =
      body.decision === 'accept'
        ? { decision: 'accept', version: body.version, comment: body.comment || null }
        : {
            decision: 'correct',
            version: body.version,
            comment: body.comment,
            ...(ref.source === 'deaths' ? { death: deathCorrection(body) } : { ed: { codes: required(body.codes, 'codes', 'an ED correction needs the ICD-10-CM codes') } }),
          };
    try {
      const result = await recordDecision(decisions, ref, input, actorOf(response));
      response.status(201).json(result);
    } catch (error) {
      if (error instanceof DecisionError) throw new HttpError(error.status, error.message);
      throw error;
    }
  });

  router.get('/api/review/agreement', requireRole('coder', 'admin', 'epidemiologist'), async (request, response) => {
    const filters = parseInput(AGREEMENT, request.query);
    const rows = await queries.rows(db.connection, 'review_agreement_decisions', filters);
    const decisions: AgreementDecision[] = rows.map((r) => ({
      source: r.source as AgreementDecision['source'],
      decision: r.decision as AgreementDecision['decision'],
      reasons: (r.review_reasons as string[]) ?? [],
      reviewedUnderlyingCause: r.reviewed_underlying_cause === null ? null : String(r.reviewed_underlying_cause),
      reviewedCodes: (r.reviewed_codes as string[]) ?? [],
      decidedUnderlyingCause: r.decided_underlying_cause === null ? null : String(r.decided_underlying_cause),
      decidedCodes: (r.decided_codes as string[]) ?? [],
    }));
    response.json({ filters, ...agreementReport(decisions) });
  });

  router.get('/api/review/emerging', coders, async (request, response) => {
    const parameters = parseInput(EMERGING, request.query);
    const report = await emerging.run(db.connection, queries, { ...parameters, to: parameters.to ?? null });
    // The examples are record text.
    const examples = [...new Set(report.tokens.flatMap((t) => t.examples.map((e) => e.recordId)))];
    await auditRecordReadFor({ db }, response, examples, 'read.emerging_examples', { parameters, periods: report.periods, tokens: report.tokens.length });
    response.json(report);
  });
  return router;
}

function required<T>(value: T | undefined, name: string, message: string): T {
  if (value === undefined) throw new HttpError(400, `invalid ${name}: missing (${message})`);
  return value;
}

function deathCorrection(body: { underlyingCause?: string; multipleCauses?: string[] }) {
  return {
    underlyingCause: required(body.underlyingCause, 'underlyingCause', 'a death correction needs the underlying cause'),
    multipleCauses: required(body.multipleCauses, 'multipleCauses', 'a death correction needs the multiple causes (the record axis; [] for the underlying cause alone)'),
  };
}
