/**
 * Recording a coder's decision: accept the coding as it is, or correct it. One transaction holds
 * the decision, the corrected coding (a new current version; the reviewed one stays, retired) and
 * the audit row, taken under the process's commit lock so it never interleaves with a batch or a
 * recode. The decision names the coding version the coder saw; if the coding changed since (a
 * recode, another coder), nothing is written and the caller is told (409).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Mutex } from '../ingest/mutex.ts';
import type { Database } from '../store/database.ts';
import { readSqlFiles, splitStatements, runScript, type QueryCatalog, type QueryParameters } from '../store/sql-files.ts';
import { inTransaction } from '../store/transaction.ts';
import { appendAudit } from '../store/audit.ts';
import { deathCodings, edCodings } from './codings.ts';
import { correctedDeathCoding, correctedEdCoding, type DeathCorrection, type EdCorrection, type Reviewer } from './corrected-coding.ts';
import type { DeathCodeTable } from './death-codes.ts';
import type { EdCodeTable } from './ed-codes.ts';
import { formatItemId, type ItemRef } from './item-id.ts';
import { itemRows, type ItemState } from './queue.ts';

const loaderSql = readSqlFiles('loader');

export type DecisionInput =
  | { decision: 'accept'; version: string; comment: string | null }
  | { decision: 'correct'; version: string; comment: string; death?: Omit<DeathCorrection, 'comment'>; ed?: Omit<EdCorrection, 'comment'> };

export interface Actor extends Reviewer {
  role: string;
  requestId: string | null;
}

export interface DecisionResult {
  decisionId: string;
  itemId: string;
  decision: 'accept' | 'correct';
  state: ItemState;
  /** The current coding after the decision (the new one for a correction). */
  version: string;
}

/** A decision that cannot be recorded, with the HTTP status that says why. */
export class DecisionError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'DecisionError';
  }
}

export interface DecisionContext {
  db: Database;
  queries: QueryCatalog;
  commitLock: Mutex;
  deathCodes: () => DeathCodeTable;
  edCodes: () => EdCodeTable;
  /** Called after each statement of the write, inside the transaction (tests stop a process here). */
  afterStatement?: (index: number) => Promise<void> | void;
}

/** Lists are bound as JSON text (an empty list has no element type DuckDB could bind). */
const strings = (values: readonly string[]) => JSON.stringify(values);

export async function recordDecision(context: DecisionContext, item: ItemRef, input: DecisionInput, actor: Actor): Promise<DecisionResult> {
  validateCodes(context, item, input);
  const connection = await context.db.connect();
  try {
    return await context.commitLock.run(() => inTransaction(connection, () => decide(context, connection, item, input, actor)));
  } finally {
    connection.closeSync();
  }
}

/** Codes are checked before anything is read: a 400 names the field and the code. */
function validateCodes(context: DecisionContext, item: ItemRef, input: DecisionInput): void {
  if (input.decision !== 'correct') return;
  if (item.source === 'deaths') {
    if (!input.death) throw new DecisionError(400, 'a correction of a death record needs underlyingCause and multipleCauses');
    const table = context.deathCodes();
    const uc = table.problem(input.death.underlyingCause);
    if (uc) throw new DecisionError(400, `invalid underlyingCause: ${uc}`);
    input.death.multipleCauses.forEach((code, i) => {
      const problem = table.problem(code);
      if (problem) throw new DecisionError(400, `invalid multipleCauses[${i}]: ${problem}`);
    });
  } else {
    if (!input.ed) throw new DecisionError(400, 'a correction of an ED visit needs codes');
    const table = context.edCodes();
    input.ed.codes.forEach((code, i) => {
      const problem = table.problem(code);
      if (problem) throw new DecisionError(400, `invalid codes[${i}]: ${problem}`);
    });
  }
}

async function decide(context: DecisionContext, connection: DuckDBConnection, item: ItemRef, input: DecisionInput, actor: Actor): Promise<DecisionResult> {
  const itemId = formatItemId(item.source, item.recordId);
  const [row] = await itemRows(connection, context.queries, { source: item.source, state: 'all', jurisdiction: null, recordIds: [item.recordId] });
  if (!row) throw new DecisionError(404, `no review item ${itemId}: the record is not flagged for review, or is no longer its certificate's or visit's current version`);
  const state = row.state as ItemState;
  if (input.decision === 'accept' && state !== 'pending') throw new DecisionError(409, `${itemId} is ${state}: only a pending item can be accepted`);
  const reasons = (row.reasons as string[] | null) ?? [];
  const [next] = await context.queries.rows(connection, 'review_next_decision_id');
  const decisionId = BigInt(String(next!.decision_id));
  const base: QueryParameters = {
    decision_id: decisionId,
    source: item.source,
    record_id: item.recordId,
    reviewer: actor.tokenId,
    reviewer_role: actor.role,
    comment: input.comment,
    review_reasons: strings(reasons),
  };
  let script: string;
  let parameters: QueryParameters;
  let audit: Record<string, unknown>;
  if (item.source === 'deaths') {
    const reviewed = (await deathCodings(connection, context.queries, item.recordId)).find((c) => c.isCurrent);
    if (!reviewed) throw new DecisionError(404, `no current coding for ${itemId}`);
    checkVersion(itemId, input.version, reviewed.version);
    const seen = { ...base, reviewed_coder: reviewed.coder, reviewed_lexicon_version: reviewed.lexiconVersion, reviewed_version: reviewed.version, reviewed_underlying_cause: reviewed.underlyingCause, reviewed_codes: strings(reviewed.recordAxis) };
    const before = { underlyingCause: reviewed.underlyingCause, recordAxis: reviewed.recordAxis };
    if (input.decision === 'accept') {
      script = loaderSql.get('review_accept')!;
      parameters = seen;
      audit = { decisionId: String(decisionId), before };
    } else {
      const corrected = correctedDeathCoding(reviewed, { ...input.death!, comment: input.comment }, actor);
      script = loaderSql.get('review_correct_death')!;
      parameters = {
        ...seen,
        coder: corrected.coder,
        lexicon_version: corrected.lexiconVersion,
        underlying_cause: corrected.underlyingCause,
        is_drug_overdose: corrected.isDrugOverdose,
        record_axis: strings(corrected.recordAxis),
        entity_axis: JSON.stringify(corrected.entityAxis),
        drugs: JSON.stringify(corrected.drugs),
        intent: corrected.intent,
        trace: JSON.stringify(corrected.trace),
      };
      audit = { decisionId: String(decisionId), before, after: { underlyingCause: corrected.underlyingCause, recordAxis: corrected.recordAxis } };
    }
  } else {
    const reviewed = (await edCodings(connection, context.queries, item.recordId)).find((c) => c.isCurrent);
    if (!reviewed) throw new DecisionError(404, `no current coding for ${itemId}`);
    checkVersion(itemId, input.version, reviewed.version);
    const seen = { ...base, reviewed_coder: reviewed.coder, reviewed_lexicon_version: reviewed.lexiconVersion, reviewed_version: reviewed.version, reviewed_underlying_cause: null, reviewed_codes: strings(reviewed.codes) };
    if (input.decision === 'accept') {
      script = loaderSql.get('review_accept')!;
      parameters = seen;
      audit = { decisionId: String(decisionId), before: { codes: reviewed.codes } };
    } else {
      const corrected = correctedEdCoding(reviewed, { ...input.ed!, comment: input.comment }, context.edCodes(), actor);
      script = loaderSql.get('review_correct_ed')!;
      parameters = {
        ...seen,
        coder: corrected.coder,
        lexicon_version: corrected.lexiconVersion,
        syndrome_set: corrected.syndromeSet,
        codes: strings(corrected.codes),
        drugs: JSON.stringify(corrected.drugs),
        drug_classes: strings(corrected.drugClasses),
        syndromes: strings(corrected.syndromes),
        negated: strings(corrected.negated),
        intent: corrected.intent,
      };
      audit = { decisionId: String(decisionId), before: { codes: reviewed.codes }, after: { codes: corrected.codes } };
    }
  }
  const statements = splitStatements(script);
  for (const [index, statement] of statements.entries()) {
    await runScript(connection, statement, parameters);
    await context.afterStatement?.(index);
  }
  await appendAudit(connection, {
    actor: actor.tokenId,
    role: actor.role,
    action: input.decision === 'accept' ? 'review.accept' : 'review.correct',
    target: itemId,
    recordIds: [item.recordId],
    detail: audit,
    requestId: actor.requestId,
  });
  const current = item.source === 'deaths'
    ? (await deathCodings(connection, context.queries, item.recordId)).find((c) => c.isCurrent)!
    : (await edCodings(connection, context.queries, item.recordId)).find((c) => c.isCurrent)!;
  return { decisionId: String(decisionId), itemId, decision: input.decision, state: input.decision === 'accept' ? 'accepted' : 'corrected', version: current.version };
}

function checkVersion(itemId: string, seen: string, current: string): void {
  if (seen !== current) throw new DecisionError(409, `the coding of ${itemId} changed since it was read (you saw version ${seen}, it is now ${current}): read the item again`);
}
