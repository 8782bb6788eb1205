/**
 * Learning from corrections: the death lexicon's approved terms and the proposals that lead there.
 *   GET  /api/lexicon                          the current lexicon version and its approved terms
 *   GET  /api/lexicon/proposals[/:id]          proposals (coders, admins), with what the term is now
 *   POST /api/lexicon/proposals                a coder proposes a term (from a correction, the emerging list, or not)
 *   POST /api/lexicon/proposals/:id/approve    an admin approves: new lexicon version, then the recode
 *                                              of the certificates whose text contains the term
 *   POST /api/lexicon/proposals/:id/reject     an admin rejects
 * Proposals and decisions are audited in their own transactions.
 */
import { Router } from 'express';
import { z } from 'zod';
import { committedLexiconVersion } from '../../pipeline/coding/lexicon/lexicon.ts';
import { DeathCodeTable } from '../../pipeline/review/death-codes.ts';
import { currentLexiconVersion, overlayTerms } from '../../pipeline/review/lexicon-overlay.ts';
import { approveProposal, createProposal, LEXICON_KINDS, ProposalError, proposalRow, rejectProposal, type LexiconContext } from '../../pipeline/review/proposals.ts';
import { requireRole } from '../auth/principal.ts';
import { HttpError, parseInput, NO_PARAMETERS } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppServices } from '../services.ts';
import { actorOf } from './review.ts';

const RECORD_ID = z.union([z.string().regex(/^[1-9][0-9]{0,17}$/), z.number().int().positive()]).transform((v) => BigInt(v));

const PROPOSAL = z.strictObject({
  term: z.string().min(1).max(200),
  code: z.string().trim().toUpperCase().max(10),
  kind: z.enum(LEXICON_KINDS as [string, ...string[]]).optional(),
  drugName: z.string().max(200).nullable().optional(),
  comment: z.string().trim().max(2000).nullable().optional(),
  decisionId: RECORD_ID.nullable().optional(),
  evidenceRecordIds: z.array(RECORD_ID).max(20).optional(),
  origin: z.enum(['emerging', 'coder']).optional(),
});

const LIST = z.strictObject({ status: z.enum(['pending', 'approved', 'rejected', 'all']).default('pending') });
const DECIDE = z.strictObject({ comment: z.string().trim().max(2000).nullable().optional() });
const PROPOSAL_ID = z.string().regex(/^[1-9][0-9]{0,17}$/, 'a proposal id');

const ID = z.strictObject({ id: z.string().describe('a proposal id') });

/** For the OpenAPI document (server/openapi.ts). */
export const LEXICON_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get', path: '/api/lexicon', tags: ['lexicon'], callers: ['coder', 'admin', 'epidemiologist'], query: NO_PARAMETERS,
    summary: "The death coder's lexicon version: the committed one plus the approved terms",
    responses: { '200': { description: '{ version, committedVersion, approvedTerms, versions }' } },
  },
  {
    method: 'get', path: '/api/lexicon/proposals', tags: ['lexicon'], callers: ['coder', 'admin'], query: LIST,
    summary: 'Term proposals, with what the term codes to in the current lexicon (inLexicon)',
    responses: { '200': { description: '{ status, proposals }' } },
  },
  {
    method: 'get', path: '/api/lexicon/proposals/:id', tags: ['lexicon'], callers: ['coder', 'admin'], pathParameters: ID, query: NO_PARAMETERS,
    summary: 'One term proposal', responses: { '200': { description: 'The proposal.' }, '404': { description: 'No such proposal.' } },
  },
  {
    method: 'post', path: '/api/lexicon/proposals', tags: ['lexicon'], callers: ['coder', 'admin'], query: NO_PARAMETERS,
    body: { description: 'The term as written, its WHO ICD-10 code (checked against the code table and the kind), the correction or records it comes from', mediaTypes: ['application/json'], schema: PROPOSAL },
    summary: 'Propose a term for the death lexicon',
    responses: { '201': { description: 'The proposal (pending).' }, '400': { description: 'A bad field, named.' }, '409': { description: 'Already in the lexicon, or already proposed.' } },
  },
  {
    method: 'post', path: '/api/lexicon/proposals/:id/approve', tags: ['lexicon'], callers: ['admin'], pathParameters: ID, query: NO_PARAMETERS,
    body: { description: 'An optional comment', mediaTypes: ['application/json'], schema: DECIDE },
    summary: 'Approve a term: a new lexicon version, then the certificates containing the term are re-coded',
    responses: { '200': { description: '{ proposal, lexiconVersion, recode, ed } (ed: the ED coding version and the term as it reaches the ED coder, or why it does not)' }, '409': { description: 'Already decided.' } },
  },
  {
    method: 'post', path: '/api/lexicon/proposals/:id/reject', tags: ['lexicon'], callers: ['admin'], pathParameters: ID, query: NO_PARAMETERS,
    body: { description: 'An optional comment', mediaTypes: ['application/json'], schema: DECIDE },
    summary: 'Reject a term proposal', responses: { '200': { description: 'The proposal (rejected).' }, '409': { description: 'Already decided.' } },
  },
];

function proposalId(raw: string): bigint {
  const parsed = PROPOSAL_ID.safeParse(raw);
  if (!parsed.success) throw new HttpError(400, `invalid id: ${JSON.stringify(raw)} (a proposal id)`);
  return BigInt(parsed.data);
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ProposalError) throw new HttpError(error.status, error.message);
    throw error;
  }
}

export function lexiconRoutes({ db, queries, commitLock, deathCoding, edCoding }: AppServices): Router {
  const router = Router();
  const coding = deathCoding;
  let deathCodes: DeathCodeTable | null = null;
  // The code table reads the committed lexicon the coding source already holds.
  const context: LexiconContext = { db, queries, commitLock, coding, edCoding, deathCodes: () => (deathCodes ??= new DeathCodeTable(coding.baseLexicon())) };

  router.get('/api/lexicon', requireRole('coder', 'admin', 'epidemiologist'), async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    response.json({
      version: await currentLexiconVersion(db.connection, queries),
      committedVersion: committedLexiconVersion(),
      approvedTerms: await overlayTerms(db.connection, queries),
      ed: edCoding.status(),
      versions: await queries.rows(db.connection, 'lexicon_versions'),
    });
  });

  router.get('/api/lexicon/proposals', requireRole('coder', 'admin'), async (request, response) => {
    const { status } = parseInput(LIST, request.query);
    const proposals = await queries.rows(db.connection, 'lexicon_proposals', { status, proposal_id: 0n });
    // What an approval would replace: the term's rows in the current lexicon.
    const withCurrent = [];
    for (const p of proposals) {
      const entries = await coding.entriesOf(db.connection, queries, String(p.term));
      withCurrent.push({ ...p, inLexicon: entries.map((e) => ({ code: e.code, kind: e.kind, source: e.source })) });
    }
    response.json({ status, proposals: withCurrent });
  });

  router.get('/api/lexicon/proposals/:id', requireRole('coder', 'admin'), async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    const id = proposalId(String(request.params.id));
    const proposal = await proposalRow(context, id);
    if (!proposal) throw new HttpError(404, `no term proposal ${id}`);
    const entries = await coding.entriesOf(db.connection, queries, String(proposal.term));
    response.json({ ...proposal, inLexicon: entries.map((e) => ({ code: e.code, kind: e.kind, source: e.source })) });
  });

  router.post('/api/lexicon/proposals', requireRole('coder', 'admin'), async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    const body = parseInput(PROPOSAL, request.body ?? {});
    const proposal = await mapped(() =>
      createProposal(context, { ...body, kind: body.kind as (typeof LEXICON_KINDS)[number] | undefined }, actorOf(response)),
    );
    response.status(201).location(`/api/lexicon/proposals/${proposal.proposal_id}`).json(proposal);
  });

  router.post('/api/lexicon/proposals/:id/approve', requireRole('admin'), async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    const id = proposalId(String(request.params.id));
    const { comment } = parseInput(DECIDE, request.body ?? {});
    response.json(await mapped(() => approveProposal(context, id, comment ?? null, actorOf(response))));
  });

  router.post('/api/lexicon/proposals/:id/reject', requireRole('admin'), async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    const id = proposalId(String(request.params.id));
    const { comment } = parseInput(DECIDE, request.body ?? {});
    response.json(await mapped(() => rejectProposal(context, id, comment ?? null, actorOf(response))));
  });
  return router;
}
