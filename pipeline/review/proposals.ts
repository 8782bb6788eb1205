/**
 * Learning from corrections: a coder proposes a term (a new street name, a misspelling the matcher
 * misses, a substance from the emerging list), an admin approves or rejects it. An approval writes
 * the term into the lexicon overlay (a new lexicon version) in one transaction with its audit row,
 * then recodes the certificates whose text contains the term with the new lexicon (a recorded
 * recode job run). If that recode fails or the process stops, the approval stands and the nightly
 * recode job codes the same certificates: every coding made before the approval is stale.
 *
 * The ED coder takes the approved drug terms too, mapped to an ICD-10-CM category
 * (pipeline/coding/ed/overlay-terms.ts): a proposal says what its term would be to the ED coder
 * (`ed`), an approval then recodes the ED visits whose text contains the term (another recorded
 * recode run) and says how the term reached ED, or why it did not.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LexiconKind } from '../coding/lexicon/lexicon.ts';
import { committedLexiconVersion } from '../coding/lexicon/lexicon.ts';
import { normaliseText } from '../coding/lexicon/normalise.ts';
import { overlayVersion, type OverlayTerm } from '../coding/lexicon/overlay.ts';
import type { EdTermOutcome } from '../coding/ed/overlay-terms.ts';
import { EdCodingSource } from '../ingest/ed-coding.ts';
import type { Mutex } from '../ingest/mutex.ts';
import { recordJobRun } from '../jobs/job-runs.ts';
import { recodeCertificatesWithTerms, type RecodeSummary } from '../jobs/recode.ts';
import { recodeEdVisitsWithTerms, type EdRecodeSummary } from '../jobs/recode-ed.ts';
import type { Database } from '../store/database.ts';
import { readSqlFiles, runScript, type QueryCatalog } from '../store/sql-files.ts';
import { inTransaction } from '../store/transaction.ts';
import { appendAudit } from '../store/audit.ts';
import type { DeathCodeTable } from './death-codes.ts';
import type { Actor } from './decisions.ts';
import { overlayTerms, type DeathCodingSource } from './lexicon-overlay.ts';

const loaderSql = readSqlFiles('loader');

export const LEXICON_KINDS: readonly LexiconKind[] = ['drug', 'condition', 'injury', 'external', 'ill_defined', 'mechanism'];

/** The lexicon's longest phrases are 7 words (README "How phrases are generated"). */
const MAX_WORDS = 7;

export interface ProposalInput {
  /** As the coder writes it; stored normalised. */
  term: string;
  code: string;
  kind?: LexiconKind;
  drugName?: string | null;
  comment?: string | null;
  /** The correction the term comes from. */
  decisionId?: bigint | null;
  evidenceRecordIds?: readonly bigint[];
  origin?: 'emerging' | 'coder';
}

export class ProposalError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'ProposalError';
  }
}

export interface LexiconContext {
  db: Database;
  queries: QueryCatalog;
  commitLock: Mutex;
  coding: DeathCodingSource;
  deathCodes: () => DeathCodeTable;
  /**
   * The process's ED coding source (the Runtime's `edCoding`). Without it, a proposal reads the
   * committed ED tables and an approval recodes ED visits with a source of its own: the same
   * tables, terms and definitions, so the same versions, at the cost of one more ED coder built.
   */
  edCoding?: EdCodingSource;
}

/**
 * What answers "what is this term to the ED coder": the context's ED source, else one over the
 * committed ED tables (read once, on first use; it never builds a coder: only its tables are used).
 */
let committedEd: EdCodingSource | null = null;
function proposalEdSource(context: LexiconContext): EdCodingSource {
  return context.edCoding ?? (committedEd ??= new EdCodingSource());
}

/** The kind the lexicon gives a code's range (README "Kinds"). */
export function kindOfCode(code: string): LexiconKind {
  if (/^T(?:3[6-9]|[45][0-9]|6[0-5])/.test(code)) return 'drug';
  if (/^(?:S|T[0-2][0-9]|T3[0-5]|T6[6-9]|T[7-9][0-9])/.test(code)) return 'injury';
  if (/^[VWXY]/.test(code)) return 'external';
  if (code.startsWith('R')) return 'ill_defined';
  return 'condition';
}

function kindProblem(kind: LexiconKind, code: string): string | null {
  const range = kindOfCode(code);
  // Terminal mechanisms are conditions or ill-defined codes the coder treats as no cause.
  if (kind === 'mechanism') return range === 'condition' || range === 'ill_defined' ? null : `${code} is a ${range} code, not a mechanism`;
  return kind === range ? null : `${code} is a ${range.replace('_', '-')} code, not ${kind}`;
}

/** The term a coder wrote, as the matcher compares it, or a 400 saying what is wrong with it. */
export function normaliseProposedTerm(written: string): string {
  const term = normaliseText(written);
  if (term === '') throw new ProposalError(400, `invalid term: ${JSON.stringify(written)} has no letters or digits`);
  const words = term.split(' ');
  if (words.length > MAX_WORDS) throw new ProposalError(400, `invalid term: ${JSON.stringify(written)} has ${words.length} words (at most ${MAX_WORDS})`);
  // As the lexicon build: single short words match too much ("hit", "may", "icu").
  if (words.length === 1 && term.length <= 3) throw new ProposalError(400, `invalid term: ${JSON.stringify(written)} is a single word of ${term.length} characters (at least 4)`);
  return term;
}

export async function createProposal(context: LexiconContext, input: ProposalInput, actor: Actor): Promise<Record<string, unknown>> {
  const term = normaliseProposedTerm(input.term);
  const codeProblem = context.deathCodes().problem(input.code);
  if (codeProblem) throw new ProposalError(400, `invalid code: ${codeProblem}`);
  const kind = input.kind ?? kindOfCode(input.code);
  const kindIssue = kindProblem(kind, input.code);
  if (kindIssue) throw new ProposalError(400, `invalid kind: ${JSON.stringify(kind)} (${kindIssue})`);
  const drugName = input.drugName ? normaliseText(input.drugName) : null;
  if (drugName !== null && kind !== 'drug') throw new ProposalError(400, `invalid drugName: ${JSON.stringify(input.drugName)} (only a drug term names a substance)`);
  if (input.drugName && drugName === '') throw new ProposalError(400, `invalid drugName: ${JSON.stringify(input.drugName)} has no letters or digits`);
  const { db, queries } = context;
  const current = await context.coding.entriesOf(db.connection, queries, term);
  if (current.some((e) => e.code === input.code)) throw new ProposalError(409, `"${term}" is already in the lexicon with ${input.code}`);
  const evidence = [...(input.evidenceRecordIds ?? [])];
  if (input.decisionId != null) {
    const [decision] = await queries.rows(db.connection, 'review_decision', { decision_id: input.decisionId });
    // A death certificate's or an ED visit's correction: the term goes into the one lexicon, and
    // an approved drug term reaches the ED coder through its CM category (proposalEdSource).
    if (!decision || decision.decision !== 'correct') {
      throw new ProposalError(400, `invalid decisionId: ${input.decisionId} is not a correction (of a death record or an ED visit)`);
    }
    if (!evidence.includes(BigInt(String(decision.record_id)))) evidence.unshift(BigInt(String(decision.record_id)));
  }
  if (evidence.length > 0) {
    const known = new Set((await queries.rows(db.connection, 'lexicon_known_records', { record_ids: JSON.stringify(evidence.map(String)) })).map((r) => String(r.record_id)));
    const unknown = evidence.find((id) => !known.has(String(id)));
    if (unknown !== undefined) throw new ProposalError(400, `invalid evidenceRecordIds: ${unknown} is not a stored record (certificate or ED visit version)`);
  }
  const origin = input.decisionId != null ? 'correction' : (input.origin ?? 'coder');
  const connection = await db.connect();
  try {
    const id = await context.commitLock.run(() =>
      inTransaction(connection, async () => {
        const pending = await queries.rows(connection, 'lexicon_proposals', { status: 'pending', proposal_id: 0n });
        const same = pending.find((p) => p.term === term && p.code === input.code);
        if (same) throw new ProposalError(409, `"${term}" with ${input.code} is already proposed (proposal ${same.proposal_id}), waiting for an admin`);
        const [next] = await queries.rows(connection, 'lexicon_next_proposal_id');
        const proposalId = BigInt(String(next!.proposal_id));
        await runScript(connection, loaderSql.get('lexicon_propose')!, {
          proposal_id: proposalId,
          term,
          written: input.term,
          code: input.code,
          kind,
          drug_name: drugName,
          comment: input.comment ?? null,
          origin,
          decision_id: input.decisionId ?? null,
          evidence_record_ids: JSON.stringify(evidence.map(String)),
          proposed_by: actor.tokenId,
          proposed_role: actor.role,
        });
        await appendAudit(connection, {
          actor: actor.tokenId, role: actor.role, action: 'lexicon.propose', target: `proposal-${proposalId}`,
          recordIds: evidence, detail: { term, code: input.code, kind, origin }, requestId: actor.requestId,
        });
        return proposalId;
      }),
    );
    const row = (await proposalRow(context, id))!;
    // What the term would be to the ED coder once approved: its CM category, or why it has none.
    return { ...row, ed: proposalEdSource(context).outcomeOf({ term, code: input.code, kind, drugName }) };
  } finally {
    connection.closeSync();
  }
}

export async function proposalRow(context: Pick<LexiconContext, 'db' | 'queries'>, id: bigint): Promise<Record<string, unknown> | null> {
  const [row] = await context.queries.rows(context.db.connection, 'lexicon_proposals', { status: 'all', proposal_id: id });
  return row ?? null;
}

export interface ApprovalResult {
  proposal: Record<string, unknown>;
  lexiconVersion: string;
  /** The recode of the certificates containing the term, or why it did not run to the end. */
  recode: ({ status: 'succeeded' } & RecodeSummary) | { status: 'failed'; message: string };
  /** The ED side: the ED lexicon version now, what the term is to the ED coder, the recode of the ED visits containing it. */
  ed: EdApproval;
}

export interface EdApproval {
  /** The ED lexicon version ED codings record from now on (unchanged when the term does not reach ED); null when it could not be read. */
  lexiconVersion: string | null;
  /** What the term is to the ED coder; null only when the ED tables could not be read. */
  term: EdTermOutcome | null;
  /** Every approved term that does not reach the ED coder, with why (this one included). */
  notInEd: Extract<EdTermOutcome, { reachesEd: false }>[];
  recode: ({ status: 'succeeded' } & EdRecodeSummary) | { status: 'failed'; message: string } | { status: 'not needed'; reason: string };
  /** Syndromes are the definitions' text queries: an approved term changes none of them. */
  syndromes: string;
}

const SYNDROMES_UNCHANGED =
  'unchanged: syndrome definitions are ESSENCE text queries over the chief complaint and diagnoses, which an approved term does not edit; ' +
  'to count the term in a syndrome, add a definition version that names it (POST /api/syndromes)';

export async function approveProposal(context: LexiconContext, id: bigint, comment: string | null, actor: Actor): Promise<ApprovalResult> {
  const { db, queries } = context;
  const connection = await db.connect();
  let approved: OverlayTerm;
  let lexiconVersion: string;
  try {
    ({ approved, lexiconVersion } = await context.commitLock.run(() =>
      inTransaction(connection, async () => {
        const proposal = await pendingProposal(context, connection, id);
        const others = (await overlayTerms(connection, queries)).filter((t) => t.term !== proposal.term);
        const term: OverlayTerm = { term: String(proposal.term), code: String(proposal.code), kind: proposal.kind as LexiconKind, drugName: proposal.drug_name === null ? null : String(proposal.drug_name) };
        const terms = [...others, term];
        const base = committedLexiconVersion();
        const version = overlayVersion(base, terms);
        await runScript(connection, loaderSql.get('lexicon_approve')!, {
          proposal_id: id, decided_by: actor.tokenId, decided_role: actor.role, comment, lexicon_version: version, base_version: base, overlay_terms: terms.length,
        });
        await appendAudit(connection, {
          actor: actor.tokenId, role: actor.role, action: 'lexicon.approve', target: `proposal-${id}`,
          detail: { term: proposal.term, code: proposal.code, kind: proposal.kind, lexiconVersion: version }, requestId: actor.requestId,
        });
        return { approved: term, lexiconVersion: version };
      }),
    ));
  } finally {
    connection.closeSync();
  }
  // One recorded recode run for the approval: the certificates, then the ED visits, containing the term.
  let recode: ApprovalResult['recode'] | null = null;
  let ed: EdApproval | null = null;
  let runError: string | null = null;
  try {
    await recordJobRun(db, 'recode', 'manual', async () => {
      recode = await recodeDeathsForApproval(context, approved);
      ed = await approveForEd(context, approved);
      const failed = [recode, ed.recode].flatMap((r) => (r.status === 'failed' ? [r.message] : []));
      if (failed.length > 0) throw new Error(failed.join('; '));
      return { deaths: recode, ed: ed.recode };
    });
  } catch (error) {
    runError = error instanceof Error ? error.message : String(error);
  }
  const notRun = { status: 'failed' as const, message: `the recode did not start (${runError}); the nightly recode job codes these records` };
  recode ??= notRun;
  ed ??= { lexiconVersion: null, term: null, notInEd: [], recode: notRun, syndromes: SYNDROMES_UNCHANGED };
  return { proposal: (await proposalRow(context, id))!, lexiconVersion, recode, ed };
}

/** The recode of the certificates containing the approved term (never throws: a failure is reported). */
async function recodeDeathsForApproval(context: LexiconContext, approved: OverlayTerm): Promise<ApprovalResult['recode']> {
  const { db, queries } = context;
  try {
    const coder = await context.coding.coder(db.connection, queries);
    return { status: 'succeeded', ...(await recodeCertificatesWithTerms(db, coder, context.commitLock, [approved.term])) };
  } catch (error) {
    return { status: 'failed', message: `${error instanceof Error ? error.message : String(error)}; the nightly recode job codes these certificates` };
  }
}

/** After the approval's transaction: the ED coding with the new term, and the recode of the ED visits that contain it (never throws). */
async function approveForEd(context: LexiconContext, approved: OverlayTerm): Promise<EdApproval> {
  const { db, commitLock } = context;
  let outcome: EdTermOutcome | null = null;
  try {
    outcome = proposalEdSource(context).outcomeOf(approved);
    let source = context.edCoding;
    if (!source) {
      source = new EdCodingSource(() => proposalEdSource(context).baseTables());
      await source.reload(db.connection);
    }
    const coding = await source.refresh(db.connection);
    const status = source.status();
    const notInEd = status.terms.filter((t): t is Extract<EdTermOutcome, { reachesEd: false }> => !t.reachesEd);
    const done = { lexiconVersion: status.lexiconVersion, term: outcome, notInEd, syndromes: SYNDROMES_UNCHANGED };
    if (!outcome.reachesEd) return { ...done, recode: { status: 'not needed', reason: `the term does not reach the ED coder; ED codings stay current` } };
    return { ...done, recode: { status: 'succeeded', ...(await recodeEdVisitsWithTerms(db, coding, commitLock, [approved.term])) } };
  } catch (error) {
    const message = `${error instanceof Error ? error.message : String(error)}; the nightly recode job codes these ED visits`;
    return { lexiconVersion: null, term: outcome, notInEd: outcome && !outcome.reachesEd ? [outcome] : [], recode: { status: 'failed', message }, syndromes: SYNDROMES_UNCHANGED };
  }
}

export async function rejectProposal(context: LexiconContext, id: bigint, comment: string | null, actor: Actor): Promise<Record<string, unknown>> {
  const connection = await context.db.connect();
  try {
    await context.commitLock.run(() =>
      inTransaction(connection, async () => {
        const proposal = await pendingProposal(context, connection, id);
        await runScript(connection, loaderSql.get('lexicon_reject')!, { proposal_id: id, decided_by: actor.tokenId, decided_role: actor.role, comment });
        await appendAudit(connection, {
          actor: actor.tokenId, role: actor.role, action: 'lexicon.reject', target: `proposal-${id}`,
          detail: { term: proposal.term, code: proposal.code, comment }, requestId: actor.requestId,
        });
      }),
    );
  } finally {
    connection.closeSync();
  }
  return (await proposalRow(context, id))!;
}

async function pendingProposal(context: LexiconContext, connection: DuckDBConnection, id: bigint): Promise<Record<string, unknown>> {
  const [proposal] = await context.queries.rows(connection, 'lexicon_proposals', { status: 'all', proposal_id: id });
  if (!proposal) throw new ProposalError(404, `no term proposal ${id}`);
  if (proposal.status !== 'pending') throw new ProposalError(409, `proposal ${id} is already ${proposal.status}`);
  return proposal;
}
