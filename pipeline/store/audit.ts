/**
 * The audit log: who read which records, who changed what and when, every failed sign-in and
 * token change. Append-only: this module only INSERTs into audit_log and nothing in the code
 * updates or deletes it (test/audit.test.ts scans the sources so that cannot creep in).
 *
 * Callers that serve record-level data call `auditRecordRead` BEFORE they answer: when the log
 * cannot be written, the read fails instead of happening unrecorded.
 */
import os from 'node:os';
import { BIGINT, LIST, listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { Database } from './database.ts';
import type { QueryCatalog } from './sql-files.ts';

/** Actions the code records (other modules may add their own, dotted, lower case). */
export type AuditAction =
  | 'auth.failed'
  | 'token.create'
  | 'token.revoke'
  | 'batch.upload'
  | 'batch.read_errors'
  | 'syndrome.define'
  | 'audit.read'
  | 'read.records'
  | (string & {});

export interface AuditEntry {
  /** A token id, 'public', 'anonymous' (a failed sign-in) or 'cli:<os user>'. */
  actor: string;
  role: string;
  action: AuditAction;
  /** What was acted on: a batch id, a token id, a definition id. */
  target?: string | null;
  recordIds?: readonly (number | bigint | string)[] | null;
  detail?: Record<string, unknown> | null;
  requestId?: string | null;
}

/** Who is acting, as the audit log names them. Structurally the server's Principal. */
export type AuditPrincipal = { kind: 'public' } | { kind: 'token'; tokenId: string; role: string };

export function auditActor(principal: AuditPrincipal): { actor: string; role: string } {
  return principal.kind === 'public' ? { actor: 'public', role: 'public' } : { actor: principal.tokenId, role: principal.role };
}

/** The CLI acts as the operator of the host (whoever may open the database file). */
export function cliActor(): { actor: string; role: string } {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // No passwd entry (some containers): the uid still says who.
    user = `uid ${process.getuid?.() ?? '?'}`;
  }
  return { actor: `cli:${user}`, role: 'operator' };
}

type AuditTarget = Database | DuckDBConnection | { db: Database };

/**
 * A Database gets a connection of the entry's own: the shared connection may be inside another
 * caller's transaction, whose rollback must not take the audit row with it.
 */
async function withAuditConnection(target: AuditTarget, work: (connection: DuckDBConnection) => Promise<unknown>): Promise<void> {
  const db = 'db' in target ? target.db : 'connect' in target ? target : null;
  if (db === null) return void (await work(target as DuckDBConnection));
  const connection = await db.connect();
  try {
    await work(connection);
  } finally {
    connection.closeSync();
  }
}

export async function appendAudit(target: AuditTarget, entry: AuditEntry): Promise<void> {
  if (!/^[a-z][a-z_]*(\.[a-z_]+)+$/.test(entry.action)) throw new Error(`invalid audit action "${entry.action}": dotted lower-case words such as read.records`);
  const recordIds = entry.recordIds ? listValue(entry.recordIds.map((id) => BigInt(id))) : null;
  await withAuditConnection(target, (connection) =>
    connection.run(
      `INSERT INTO audit_log (logged_at, actor, role, action, target, record_ids, detail, request_id)
       VALUES (now(), $actor, $role, $action, $target, $record_ids, CAST($detail AS JSON), $request_id)`,
      {
        actor: entry.actor,
        role: entry.role,
        action: entry.action,
        target: entry.target ?? null,
        record_ids: recordIds,
        detail: entry.detail ? JSON.stringify(entry.detail) : null,
        request_id: entry.requestId ?? null,
      },
      { record_ids: LIST(BIGINT) },
    ),
  );
}

/**
 * Records that `principal` read these records (line lists, review items, record text). Call it
 * before sending them. `action` names the read, e.g. 'read.line_list' or 'read.review_item'.
 */
export async function auditRecordRead(
  target: AuditTarget,
  principal: AuditPrincipal,
  requestId: string | null,
  recordIds: readonly (number | bigint | string)[],
  action: AuditAction = 'read.records',
  detail?: Record<string, unknown>,
): Promise<void> {
  if (recordIds.length === 0) return;
  await appendAudit(target, { ...auditActor(principal), action, recordIds, requestId, detail: detail ?? null });
}

export interface AuditFilters {
  actor?: string | undefined;
  /** An exact action, or a prefix ending in '.*' ('token.*'). */
  action?: string | undefined;
  recordId?: number | bigint | undefined;
  /** ISO instants: from inclusive, to exclusive. */
  from?: string | undefined;
  to?: string | undefined;
  /** Entries with a smaller sequence number than this (the next page). */
  before?: number | undefined;
  limit?: number | undefined;
}

export interface AuditRow {
  seq: number;
  loggedAt: string;
  actor: string;
  /** The token's name when the actor is a token. */
  actorName: string | null;
  role: string;
  action: string;
  target: string | null;
  recordIds: string[] | null;
  detail: unknown;
  requestId: string | null;
}

/** Entries matching every given filter, newest first (sql/queries/audit_entries.sql). */
export async function queryAudit(connection: DuckDBConnection, queries: QueryCatalog, filters: AuditFilters = {}): Promise<AuditRow[]> {
  const prefix = filters.action?.endsWith('.*') ? filters.action.slice(0, -1) : null;
  const rows = await queries.rows(connection, 'audit_entries', {
    actor: filters.actor ?? null,
    action: prefix === null ? (filters.action ?? null) : null,
    action_prefix: prefix,
    record_id: filters.recordId === undefined ? null : BigInt(filters.recordId),
    from: filters.from ?? null,
    to: filters.to ?? null,
    before: filters.before ?? null,
    limit: filters.limit ?? 100,
  });
  return rows.map((r) => ({
    seq: Number(r.seq),
    loggedAt: String(r.logged_at),
    actor: String(r.actor),
    actorName: r.actor_name == null ? null : String(r.actor_name),
    role: String(r.role),
    action: String(r.action),
    target: r.target == null ? null : String(r.target),
    recordIds: Array.isArray(r.record_ids) ? r.record_ids.map(String) : null,
    detail: r.detail == null ? null : JSON.parse(String(r.detail)),
    requestId: r.request_id == null ? null : String(r.request_id),
  }));
}
