/**
 * API tokens: created with a random secret shown once, stored as the SHA-256 of the secret,
 * revoked (never deleted). The token a caller presents is `vgl_<token_id>_<secret>`, so a lookup
 * is by primary key and the comparison of hashes is constant-time.
 */
import crypto from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';

export type TokenRole = 'admin' | 'uploader' | 'coder' | 'epidemiologist';

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

const TOKEN_SHAPE = /^vgl_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

export async function createToken(
  connection: DuckDBConnection,
  spec: { name: string; role: TokenRole; jurisdictions?: readonly string[] | null; createdBy: string },
): Promise<{ token: string; info: TokenInfo }> {
  if (spec.name.trim() === '') throw new Error('a token needs a name (who or what uses it)');
  const jurisdictions = spec.role === 'uploader' ? [...(spec.jurisdictions ?? [])] : null;
  if (spec.role === 'uploader' && jurisdictions!.length === 0) throw new Error('an uploader token needs at least one jurisdiction');
  for (const j of jurisdictions ?? []) if (!/^[A-Z]{2}$/.test(j)) throw new Error(`invalid jurisdiction "${j}": expected a two-letter code such as MA`);
  const tokenId = crypto.randomBytes(6).toString('hex');
  const secret = crypto.randomBytes(32).toString('base64url');
  const createdAt = new Date().toISOString();
  await connection.run(
    `INSERT INTO api_tokens (token_id, name, role, jurisdictions, secret_sha256, created_at, created_by)
     VALUES ($id, $name, $role, ${jurisdictions ? `[${jurisdictions.map((_, i) => `$j${i}`).join(', ')}]::VARCHAR[]` : 'NULL'}, $hash, $at::TIMESTAMPTZ, $by)`,
    {
      id: tokenId,
      name: spec.name.trim(),
      role: spec.role,
      hash: sha256(secret),
      at: createdAt,
      by: spec.createdBy,
      ...Object.fromEntries((jurisdictions ?? []).map((j, i) => [`j${i}`, j])),
    },
  );
  const info: TokenInfo = { tokenId, name: spec.name.trim(), role: spec.role, jurisdictions, createdAt, createdBy: spec.createdBy, revokedAt: null, lastUsedAt: null };
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
  const rows = (
    await connection.runAndReadAll('SELECT token_id, name, role, jurisdictions, created_at, created_by, revoked_at, last_used_at FROM api_tokens ORDER BY created_at, token_id')
  ).getRowObjectsJson();
  return rows.map((r) => toInfo(r as Record<string, unknown>));
}

/** Revokes a token; false when no such token exists. Revoking twice keeps the first time. */
export async function revokeToken(connection: DuckDBConnection, tokenId: string): Promise<boolean> {
  const found = (await connection.runAndReadAll('SELECT revoked_at FROM api_tokens WHERE token_id = $id', { id: tokenId })).getRowObjects();
  if (found.length === 0) return false;
  await connection.run('UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE token_id = $id', { id: tokenId });
  return true;
}

/** The live token a presented string names, or null (malformed, unknown, wrong secret or revoked). */
export async function verifyToken(connection: DuckDBConnection, presented: string): Promise<TokenInfo | null> {
  const match = TOKEN_SHAPE.exec(presented);
  if (!match) return null;
  const rows = (
    await connection.runAndReadAll(
      'SELECT token_id, name, role, jurisdictions, created_at, created_by, revoked_at, last_used_at, secret_sha256 FROM api_tokens WHERE token_id = $id',
      { id: match[1]! },
    )
  ).getRowObjectsJson();
  const row = rows[0] as Record<string, unknown> | undefined;
  if (!row || row.revoked_at != null) return null;
  const expected = Buffer.from(String(row.secret_sha256), 'hex');
  const actual = Buffer.from(sha256(match[2]!), 'hex');
  if (expected.length !== actual.length || !crypto.timingSafeEqual(expected, actual)) return null;
  return toInfo(row);
}
