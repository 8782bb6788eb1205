/**
 * API tokens: created with a random secret shown once, stored as the SHA-256 of the secret,
 * revoked (never deleted: the audit log names them). The token a caller presents is
 * `vgl_<token_id>_<secret>`, so a lookup is by primary key and the comparison of hashes is
 * constant-time.
 */
import crypto from 'node:crypto';
import { LIST, listValue, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { runPrepared } from './prepared.ts';

export const TOKEN_ROLES = ['admin', 'uploader', 'coder', 'epidemiologist'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

export interface TokenInfo {
  tokenId: string;
  name: string;
  role: TokenRole;
  jurisdictions: string[] | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** Why a presented token was refused; the token id only when it names a stored token. */
export type TokenRefusal = { reason: 'malformed' } | { reason: 'unknown' } | { reason: 'wrong-secret' | 'revoked'; tokenId: string };

export type TokenCheck = ({ ok: true } & TokenInfo) | ({ ok: false } & TokenRefusal);

const TOKEN_SHAPE = /^vgl_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
/** Two-letter jurisdiction codes as NCHS uses them (states, DC, territories, YC for New York City). */
export const JURISDICTION_CODE = /^[A-Z]{2}$/;
// last_used_at is for an admin looking for stale tokens: minute precision is plenty, and it keeps
// authentication from writing on every request.
const LAST_USED_RESOLUTION_MS = 5 * 60_000;

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
const iso = (column: string) => `strftime(timezone('UTC', ${column}), '%Y-%m-%dT%H:%M:%S.%gZ') AS ${column}`;
const COLUMNS = `token_id, name, role, jurisdictions, ${iso('created_at')}, created_by, ${iso('revoked_at')}, ${iso('last_used_at')}`;

export async function createToken(
  connection: DuckDBConnection,
  spec: { name: string; role: TokenRole; jurisdictions?: readonly string[] | null; createdBy: string },
): Promise<{ token: string; info: TokenInfo }> {
  const name = spec.name.trim();
  if (name === '') throw new Error('a token needs a name (who or what uses it)');
  if (name.length > 200) throw new Error('a token name has at most 200 characters');
  if (!(TOKEN_ROLES as readonly string[]).includes(spec.role)) throw new Error(`invalid role "${spec.role}": expected one of ${TOKEN_ROLES.join(', ')}`);
  const jurisdictions = spec.role === 'uploader' ? [...new Set(spec.jurisdictions ?? [])] : null;
  if (spec.role === 'uploader' && jurisdictions!.length === 0) throw new Error('an uploader token needs at least one jurisdiction');
  for (const j of jurisdictions ?? []) if (!JURISDICTION_CODE.test(j)) throw new Error(`invalid jurisdiction "${j}": expected a two-letter code such as MA`);
  const tokenId = crypto.randomBytes(6).toString('hex');
  const secret = crypto.randomBytes(32).toString('base64url');
  const createdAt = new Date().toISOString();
  await connection.run(
    `INSERT INTO api_tokens (token_id, name, role, jurisdictions, secret_sha256, created_at, created_by)
     VALUES ($id, $name, $role, $jurisdictions, $hash, $at::TIMESTAMPTZ, $by)`,
    { id: tokenId, name, role: spec.role, jurisdictions: jurisdictions ? listValue(jurisdictions) : null, hash: sha256(secret), at: createdAt, by: spec.createdBy },
    { jurisdictions: LIST(VARCHAR) },
  );
  const info: TokenInfo = { tokenId, name, role: spec.role, jurisdictions, createdAt, createdBy: spec.createdBy, revokedAt: null, lastUsedAt: null };
  return { token: `vgl_${tokenId}_${secret}`, info };
}

function toInfo(row: Record<string, unknown>): TokenInfo {
  return {
    tokenId: String(row.token_id),
    name: String(row.name),
    role: row.role as TokenRole,
    jurisdictions: Array.isArray(row.jurisdictions) ? row.jurisdictions.map(String) : null,
    createdAt: String(row.created_at),
    createdBy: String(row.created_by),
    revokedAt: row.revoked_at == null ? null : String(row.revoked_at),
    lastUsedAt: row.last_used_at == null ? null : String(row.last_used_at),
  };
}

export async function listTokens(connection: DuckDBConnection): Promise<TokenInfo[]> {
  const rows = (await connection.runAndReadAll(`SELECT ${COLUMNS} FROM api_tokens ORDER BY created_at, token_id`)).getRowObjectsJson();
  return rows.map((r) => toInfo(r as Record<string, unknown>));
}

export async function findToken(connection: DuckDBConnection, tokenId: string): Promise<TokenInfo | null> {
  const rows = (await connection.runAndReadAll(`SELECT ${COLUMNS} FROM api_tokens WHERE token_id = $id`, { id: tokenId })).getRowObjectsJson();
  return rows[0] ? toInfo(rows[0] as Record<string, unknown>) : null;
}

/** True when a live (unrevoked) admin token exists: without one, nobody can manage tokens over the API. */
export async function hasLiveAdmin(connection: DuckDBConnection): Promise<boolean> {
  const rows = (await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM api_tokens WHERE role = 'admin' AND revoked_at IS NULL`)).getRowObjects();
  return Number(rows[0]!.n) > 0;
}

/** Revokes a token; null when no such token exists. Revoking twice keeps the first time. */
export async function revokeToken(connection: DuckDBConnection, tokenId: string): Promise<TokenInfo | null> {
  if (!(await findToken(connection, tokenId))) return null;
  try {
    await connection.run('UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE token_id = $id', { id: tokenId });
  } finally {
    revocations++; // no token row read before this point is used again (storedToken)
  }
  return findToken(connection, tokenId);
}

/**
 * Checks a presented token: the live token it names, or why it was refused. Every refusal takes
 * the same path through the hash comparison where a stored token exists, so timing tells nothing
 * about the secret.
 */
export async function checkToken(connection: DuckDBConnection, presented: string): Promise<TokenCheck> {
  const match = TOKEN_SHAPE.exec(presented);
  if (!match) return { ok: false, reason: 'malformed' };
  const row = await storedToken(connection, match[1]!);
  if (!row) return { ok: false, reason: 'unknown' };
  const expected = Buffer.from(String(row.secret_sha256), 'hex');
  const actual = Buffer.from(sha256(match[2]!), 'hex');
  if (expected.length !== actual.length || !crypto.timingSafeEqual(expected, actual)) return { ok: false, reason: 'wrong-secret', tokenId: match[1]! };
  if (row.revoked_at != null) return { ok: false, reason: 'revoked', tokenId: match[1]! };
  const lastUsed = row.last_used_ms == null ? null : Number(row.last_used_ms);
  if (lastUsed === null || Date.now() - lastUsed > LAST_USED_RESOLUTION_MS) {
    await connection.run('UPDATE api_tokens SET last_used_at = now() WHERE token_id = $id', { id: match[1]! });
    row.last_used_ms = Date.now(); // the row kept (storedToken) says so too
  }
  return { ok: true, ...toInfo(row) };
}

/**
 * The stored rows checkToken read, by connection and token id, each kept STORED_ROW_MS while no
 * token is revoked. Every request with a token reads its row: a query of ~2.5 ms here on the
 * connection every answer shares, 5-27 ms while a page's first requests queue on it (a cold load
 * of the dashboard makes five or six). Tokens are only ever created and revoked, both here; a
 * revocation (revokeToken, in this process: the database has one writer) makes every row read
 * before it be read again, so a revoked token is refused at once. The time limit only bounds how
 * long a change made around this module (SQL by hand) goes unseen. Unknown ids are not kept.
 */
const storedRows = new WeakMap<DuckDBConnection, Map<string, { row: Record<string, unknown>; readAt: number; revocations: number }>>();
const STORED_ROW_MS = 30_000;
/** How many revocations this process has made: a row read before the last one is not used. */
let revocations = 0;

/** The lookup every authenticated request makes, prepared once per connection (prepared.ts), kept as above. */
async function storedToken(connection: DuckDBConnection, tokenId: string): Promise<Record<string, unknown> | undefined> {
  let rows = storedRows.get(connection);
  if (!rows) storedRows.set(connection, (rows = new Map()));
  const kept = rows.get(tokenId);
  if (kept && kept.revocations === revocations && Date.now() - kept.readAt < STORED_ROW_MS) return kept.row;
  // Counted before the read: a revocation while it runs leaves this row unkept.
  const before = { revocations, readAt: Date.now() };
  const reader = await runPrepared(connection, `SELECT ${COLUMNS}, secret_sha256, epoch_ms(last_used_at) AS last_used_ms FROM api_tokens WHERE token_id = $id`, { id: tokenId });
  const row = reader.getRowObjectsJson()[0] as Record<string, unknown> | undefined;
  if (row) rows.set(tokenId, { row, ...before });
  else rows.delete(tokenId);
  return row;
}

/** The live token a presented string names, or null (malformed, unknown, wrong secret or revoked). */
export async function verifyToken(connection: DuckDBConnection, presented: string): Promise<TokenInfo | null> {
  const check = await checkToken(connection, presented);
  if (!check.ok) return null;
  const { ok: _ok, ...info } = check;
  return info;
}
