/**
 * `vigil tokens create|list|revoke`: API tokens from the host, with the database file opened
 * here. This is how the first admin token is made (README: Security); once the server runs it
 * holds the file, and an admin manages tokens over the API instead (`/api/tokens`).
 *
 * stdout has the data only: `create` prints the token once, as JSON with its id, role and
 * jurisdictions (vigil keeps only a hash of the secret: it cannot be shown again); `list` and
 * `revoke` print token records without secrets. Every change is in the audit log as `cli:<user>`.
 */
import type { Config } from '../config.ts';
import { appendAudit, cliActor } from '../store/audit.ts';
import { DatabaseLockedError, openDatabase, type Database } from '../store/database.ts';
import { createToken, listTokens, revokeToken, TOKEN_ROLES, type TokenRole } from '../store/tokens.ts';
import { UsageError } from './usage-error.ts';

export const TOKENS_USAGE = `usage: vigil tokens create --role ${TOKEN_ROLES.join('|')} --name NAME [--jurisdiction MA ...]
       vigil tokens list
       vigil tokens revoke TOKEN_ID`;

export interface TokenOptions {
  role?: string | undefined;
  name?: string | undefined;
  jurisdiction?: string[] | undefined;
}

export async function tokensCommand(config: Config, args: string[], options: TokenOptions): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'create' && rest.length === 0) return withDatabase(config, (db) => create(db, options));
  if (action === 'list' && rest.length === 0) return withDatabase(config, list);
  if (action === 'revoke' && rest.length === 1) return withDatabase(config, (db) => revoke(db, rest[0]!));
  throw new UsageError(TOKENS_USAGE);
}

async function create(db: Database, options: TokenOptions): Promise<number> {
  if (!options.role || !(TOKEN_ROLES as readonly string[]).includes(options.role)) throw new UsageError(`--role: expected one of ${TOKEN_ROLES.join(', ')}\n${TOKENS_USAGE}`);
  if (!options.name?.trim()) throw new UsageError(`--name: say who or what uses the token (e.g. "MA vital records uploads")\n${TOKENS_USAGE}`);
  const role = options.role as TokenRole;
  const jurisdictions = (options.jurisdiction ?? []).map((j) => j.trim().toUpperCase());
  if (role !== 'uploader' && jurisdictions.length > 0) throw new UsageError('--jurisdiction: only uploader tokens are scoped to jurisdictions');
  const actor = cliActor();
  let created;
  try {
    created = await createToken(db.connection, { name: options.name, role, jurisdictions, createdBy: actor.actor });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { token, info } = created;
  await appendAudit(db, { ...actor, action: 'token.create', target: info.tokenId, detail: { name: info.name, role: info.role, jurisdictions: info.jurisdictions } });
  process.stdout.write(`${JSON.stringify({ token, ...info })}\n`);
  process.stderr.write(`Created ${info.role} token ${info.tokenId} ("${info.name}"). Store the token now: this is the only time it is shown (vigil keeps only its hash).\n`);
  return 0;
}

async function list(db: Database): Promise<number> {
  for (const token of await listTokens(db.connection)) process.stdout.write(`${JSON.stringify(token)}\n`);
  return 0;
}

async function revoke(db: Database, tokenId: string): Promise<number> {
  if (!/^[a-z0-9]{12}$/.test(tokenId)) throw new UsageError(`not a token id: ${JSON.stringify(tokenId)} (12 lower-case letters and digits, as \`vigil tokens list\` shows)`);
  const revoked = await revokeToken(db.connection, tokenId);
  if (!revoked) {
    process.stderr.write(`vigil: no token ${tokenId}\n`);
    return 1;
  }
  await appendAudit(db, { ...cliActor(), action: 'token.revoke', target: tokenId, detail: { name: revoked.name, role: revoked.role } });
  process.stdout.write(`${JSON.stringify(revoked)}\n`);
  process.stderr.write(`Revoked token ${tokenId} ("${revoked.name}") at ${revoked.revokedAt}; it is kept, revoked, for the audit log.\n`);
  return 0;
}

/** Opens the database for one command; a file held by a running server gets advice for tokens. */
async function withDatabase(config: Config, work: (db: Database) => Promise<number>): Promise<number> {
  let db: Database;
  try {
    db = await openDatabase(config.databasePath, { memoryLimit: config.databaseMemoryLimit });
  } catch (error) {
    if (!(error instanceof DatabaseLockedError)) throw error;
    const holder = /held by another process(?: \(PID \d+\))?/.exec(error.message)?.[0] ?? 'held by another process';
    throw new DatabaseLockedError(
      `The database ${config.databasePath} is ${holder}, probably \`vigil serve\`. Stop it to manage tokens here, ` +
        'or use the running server with an admin token: GET /api/tokens, POST /api/tokens {"name","role","jurisdictions"}, POST /api/tokens/TOKEN_ID/revoke.',
    );
  }
  try {
    return await work(db);
  } finally {
    db.close();
  }
}
