/**
 * The audit log: append-only in the code (a scan of every source that could write it), the
 * store functions with exact rows per filter, and over HTTP what each kind of action records
 * (failed sign-ins without token material, uploads, token and definition changes, audit reads).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, auditRecordRead, queryAudit } from '../pipeline/store/audit.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const ROOT = new URL('..', import.meta.url).pathname;

/** Any statement that could change or remove audit rows, however it is spelled. */
const AUDIT_MUTATION = /\b(?:UPDATE\s+(?:\w+\.)?audit_log|DELETE\s+FROM\s+(?:\w+\.)?audit_log|TRUNCATE\s+(?:TABLE\s+)?(?:\w+\.)?audit_log|DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:\w+\.)?audit_log|ALTER\s+TABLE\s+(?:\w+\.)?audit_log|INSERT\s+OR\s+REPLACE\s+INTO\s+(?:\w+\.)?audit_log|DROP\s+SEQUENCE\s+(?:\w+\.)?audit_seq)\b/i;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.(ts|mts|js|mjs|sql)$/.test(entry.name) ? [full] : [];
  });
}

describe('audit log is append-only', () => {
  it('the pattern catches every way of changing audit rows', () => {
    for (const statement of [
      'UPDATE audit_log SET actor = 1',
      'update  main.audit_log set x = 1',
      'DELETE FROM audit_log WHERE seq < 10',
      'TRUNCATE audit_log',
      'TRUNCATE TABLE audit_log',
      'DROP TABLE IF EXISTS audit_log',
      'ALTER TABLE audit_log DROP COLUMN detail',
      'INSERT OR REPLACE INTO audit_log VALUES (1)',
      `connection.run(\`DELETE
        FROM audit_log\`)`,
    ]) {
      expect(AUDIT_MUTATION.test(statement), statement).toBe(true);
    }
    expect(AUDIT_MUTATION.test('INSERT INTO audit_log (actor) VALUES ($actor)')).toBe(false);
    expect(AUDIT_MUTATION.test('UPDATE api_tokens SET revoked_at = now()')).toBe(false);
  });

  it('no source in pipeline/, server/ or sql/ updates, deletes or drops audit rows', () => {
    const files = ['pipeline', 'server', 'sql'].flatMap((dir) => sourceFiles(path.join(ROOT, dir)));
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.flatMap((file) => {
      const text = fs.readFileSync(file, 'utf8');
      const match = AUDIT_MUTATION.exec(text);
      if (!match) return [];
      const line = text.slice(0, match.index).split('\n').length;
      return [`${path.relative(ROOT, file)}:${line}: ${match[0]}`];
    });
    expect(offenders).toEqual([]);
  });
});

describe('audit store', () => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await openTestRuntime();
  });
  afterAll(() => runtime.dispose());

  it('appends entries and finds them by actor, action, action prefix, record id, time and page', async () => {
    const { db, queries } = runtime;
    const token = await createToken(db.connection, { name: 'Epi team', role: 'epidemiologist', createdBy: 'test' });
    const epi = { kind: 'token' as const, tokenId: token.info.tokenId, role: 'epidemiologist' };
    await appendAudit(db, { actor: 'cli:alice', role: 'operator', action: 'token.create', target: token.info.tokenId, detail: { role: 'epidemiologist' } });
    await auditRecordRead(db, epi, 'req-1', [11, 12, 13], 'read.line_list', { measure: 'all_overdose' });
    await auditRecordRead(db, epi, 'req-2', [], 'read.line_list'); // nothing read: nothing logged
    await auditRecordRead(db, { kind: 'public' }, 'req-3', [12], 'read.report');
    await appendAudit(db, { actor: 'cli:alice', role: 'operator', action: 'token.revoke', target: token.info.tokenId });

    const all = await queryAudit(db.connection, queries);
    expect(all.map((e) => [e.actor, e.actorName, e.role, e.action, e.target, e.recordIds, e.requestId])).toEqual([
      ['cli:alice', null, 'operator', 'token.revoke', token.info.tokenId, null, null],
      ['public', null, 'public', 'read.report', null, ['12'], 'req-3'],
      [token.info.tokenId, 'Epi team', 'epidemiologist', 'read.line_list', null, ['11', '12', '13'], 'req-1'],
      ['cli:alice', null, 'operator', 'token.create', token.info.tokenId, null, null],
    ]);
    expect(all[2]!.detail).toEqual({ measure: 'all_overdose' });
    expect(all[0]!.loggedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => b - a));

    const actions = async (filters: Parameters<typeof queryAudit>[2]) => (await queryAudit(db.connection, queries, filters)).map((e) => e.action);
    expect(await actions({ actor: 'cli:alice' })).toEqual(['token.revoke', 'token.create']);
    expect(await actions({ action: 'read.report' })).toEqual(['read.report']);
    expect(await actions({ action: 'token.*' })).toEqual(['token.revoke', 'token.create']);
    expect(await actions({ action: 'read.*', actor: token.info.tokenId })).toEqual(['read.line_list']);
    expect(await actions({ recordId: 12 })).toEqual(['read.report', 'read.line_list']);
    expect(await actions({ recordId: 99 })).toEqual([]);
    expect(await actions({ limit: 2 })).toEqual(['token.revoke', 'read.report']);
    expect(await actions({ before: all[1]!.seq })).toEqual(['read.line_list', 'token.create']);
    expect(await actions({ from: '2000-01-01T00:00:00Z', to: new Date(Date.now() + 60_000).toISOString() })).toHaveLength(4);
    expect(await actions({ to: '2000-01-01T00:00:00Z' })).toEqual([]);
    expect(await actions({ from: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
  });

  it('refuses an action that is not dotted lower-case words', async () => {
    await expect(appendAudit(runtime.db, { actor: 'x', role: 'admin', action: 'Delete Everything' })).rejects.toThrow(/invalid audit action/);
  });

  it('keeps an entry written while another caller rolls back a transaction on the shared connection', async () => {
    const { db, queries } = runtime;
    await db.connection.run('BEGIN TRANSACTION');
    await appendAudit(db, { actor: 'cli:bob', role: 'operator', action: 'test.during_rollback' });
    await db.connection.run('ROLLBACK');
    expect((await queryAudit(db.connection, queries, { action: 'test.during_rollback' })).map((e) => e.actor)).toEqual(['cli:bob']);
  });
});

describe('audit over HTTP', () => {
  let server: TestServer;
  let admin: string;
  let adminId: string;
  let uploader: string;
  beforeAll(async () => {
    server = await startTestServer({ demo: false });
    const c = server.runtime.db.connection;
    ({ token: admin, info: { tokenId: adminId } } = await createToken(c, { name: 'ops', role: 'admin', createdBy: 'test' }));
    ({ token: uploader } = await createToken(c, { name: 'MA office', role: 'uploader', jurisdictions: ['MA'], createdBy: 'test' }));
  });
  afterAll(() => server.close());

  const call = (route: string, token?: string, init: RequestInit = {}) =>
    fetch(new URL(route, server.url), { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) } });
  const audit = async (query: string) => ((await (await call(`/api/audit?${query}`, admin)).json()) as { entries: Record<string, any>[] }).entries;

  it('records a failed sign-in with its reason and address, never the token presented', async () => {
    const guessed = `vgl_${adminId}_${'x'.repeat(43)}`;
    expect((await call('/api/session', guessed)).status).toBe(401);
    expect((await call('/api/session', 'not-a-token-secret-123')).status).toBe(401);
    const entries = await audit('action=auth.failed');
    expect(entries.map((e) => [e.actor, e.target, e.detail.reason, e.detail.path])).toEqual([
      ['anonymous', null, 'malformed', '/api/session'],
      ['anonymous', adminId, 'wrong-secret', '/api/session'],
    ]);
    expect(entries[0]!.detail.ip).toMatch(/127\.0\.0\.1/);
    const everything = JSON.stringify(await audit('limit=1000'));
    expect(everything).not.toContain('x'.repeat(43));
    expect(everything).not.toContain('not-a-token-secret-123');
  });

  it('records uploads with batch id and jurisdiction, token changes and definition changes by the admin who made them', async () => {
    const csv = 'certificate_id,jurisdiction,death_date,age,sex,residence_county_fips,occurrence_county_fips,manner,part1_a,part1_b,part1_c,part1_d,part2,how_injury\nM1,MA,2024-03-01,40,F,25025,25025,A,Fentanyl toxicity,,,,,\n';
    const uploaded = await call('/api/batches?name=ma.csv', uploader, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(uploaded.status).toBe(201);
    const { batchId } = (await uploaded.json()) as { batchId: string };
    const created = (await (await call('/api/tokens', admin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'RI office', role: 'uploader', jurisdictions: ['RI'] }) })).json()) as { tokenId: string; token: string };
    expect((await call(`/api/tokens/${created.tokenId}/revoke`, admin, { method: 'POST' })).status).toBe(200);
    const defined = await call('/api/syndromes', admin, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'xylazine', name: 'Xylazine', query: '^xylazine^' }) });
    expect(defined.status).toBe(201);

    const [upload] = await audit('action=batch.upload');
    expect(upload).toMatchObject({ actorName: 'MA office', role: 'uploader', target: batchId, detail: { jurisdiction: 'MA', fileName: 'ma.csv', status: 'loaded', recordsLoaded: 1 } });
    expect((await audit('action=token.*')).map((e) => [e.action, e.actor, e.target])).toEqual([
      ['token.revoke', adminId, created.tokenId],
      ['token.create', adminId, created.tokenId],
    ]);
    expect(JSON.stringify(await audit('action=token.*'))).not.toContain(created.token.split('_').slice(2).join('_'));
    expect(await audit('action=syndrome.define')).toMatchObject([{ actor: adminId, target: 'xylazine@1', detail: { id: 'xylazine', version: 1 } }]);
    // Reading the log is logged too.
    expect((await audit('action=audit.read&limit=1'))[0]).toMatchObject({ actor: adminId, detail: { filters: { action: 'syndrome.define' } } });
  });

  it('answers a bad filter with a 400 naming it, and refuses everyone but an admin', async () => {
    const cases: [string, string][] = [
      ['from=yesterday', 'invalid from: "yesterday"'],
      ['limit=5000', 'invalid limit: "5000"'],
      ['record_id=abc', 'invalid record_id: "abc"'],
      ['action=DROP%20TABLE', 'invalid action: "DROP TABLE"'],
      ['from=2024-03-02&to=2024-03-01', 'invalid from: "2024-03-02" (from must be before to)'],
      ['sql=1', 'sql'],
    ];
    for (const [query, message] of cases) {
      const response = await call(`/api/audit?${query}`, admin);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message, query).toContain(message);
    }
    expect((await call('/api/audit')).status).toBe(401);
    expect((await call('/api/audit', uploader)).status).toBe(403);
  });
});
