/**
 * Hardening of the HTTP API over real HTTP: security headers, CORS closed by default (and the
 * allow-list when configured), body and upload limits, the failed sign-in limit, answers that
 * leak no internals, no request value that reaches a file path, and no SQL run from the server's
 * own code (named queries only).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../pipeline/config.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { createApp } from '../server/app.ts';
import type { AppServices } from '../server/services.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const HEADER = 'certificate_id,jurisdiction,death_date,age,sex,residence_county_fips,occurrence_county_fips,manner,part1_a,part1_b,part1_c,part1_d,part2,how_injury';

let server: TestServer;
let admin: string;
let uploader: string;
beforeAll(async () => {
  server = await startTestServer({ demo: false });
  ({ token: admin } = await createToken(server.runtime.db.connection, { name: 'ops', role: 'admin', createdBy: 'test' }));
  ({ token: uploader } = await createToken(server.runtime.db.connection, { name: 'MA office', role: 'uploader', jurisdictions: ['MA'], createdBy: 'test' }));
});
afterAll(() => server.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const call = (route: string, init: RequestInit = {}, base = server.url) => fetch(new URL(route, base), init);

/** The same app on another port, with some services changed (configuration, a broken database). */
async function listen(change: (services: AppServices) => AppServices): Promise<{ url: string; close(): void }> {
  const app = await createApp(change({ ...server.runtime, dashboardDir: null, logger: pino({ level: 'silent' }) }));
  const listener = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => listener.once('listening', resolve));
  return { url: `http://127.0.0.1:${(listener.address() as AddressInfo).port}/`, close: () => listener.close() };
}

describe('headers', () => {
  it('sends helmet security headers and no X-Powered-By', async () => {
    const response = await call('/api/health');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('marks answers to a signed-in caller private and uncacheable, and every API answer as varying by Authorization', async () => {
    const signedIn = await call('/api/session', { headers: bearer(admin) });
    expect(signedIn.headers.get('cache-control')).toBe('private, no-store');
    expect(signedIn.headers.get('vary')).toMatch(/Authorization/i);
    expect((await call('/api/health')).headers.get('vary')).toMatch(/Authorization/i);
  });
});

describe('CORS', () => {
  it('is closed by default: no Access-Control-Allow-Origin, and a preflight is refused', async () => {
    const simple = await call('/api/health', { headers: { origin: 'https://evil.example' } });
    expect(simple.status).toBe(200);
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await call('/api/batches', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('grants the origins of VIGIL_CORS_ORIGINS only, never with credentials', async () => {
    const other = await listen((s) => ({ ...s, config: { ...s.config, security: { ...s.config.security, corsOrigins: ['https://dash.health.example.gov'] } } }));
    try {
      const preflight = await call('/api/batches', { method: 'OPTIONS', headers: { origin: 'https://dash.health.example.gov', 'access-control-request-method': 'POST' } }, other.url);
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://dash.health.example.gov');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
      const simple = await call('/api/session', { headers: { origin: 'https://dash.health.example.gov', ...bearer(admin) } }, other.url);
      expect(simple.headers.get('access-control-allow-origin')).toBe('https://dash.health.example.gov');
      expect(simple.headers.get('vary')).toMatch(/Origin/);
      const refused = await call('/api/batches', { method: 'OPTIONS', headers: { origin: 'https://dash.health.example.gov.evil.example', 'access-control-request-method': 'POST' } }, other.url);
      expect(refused.status).toBe(403);
    } finally {
      other.close();
    }
  });
});

describe('request bodies and uploads', () => {
  it('refuses a JSON body over 1 MB with a 413, and broken JSON with a 400 that does not quote it', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10), role: 'coder' });
    const tooLarge = await call('/api/tokens', { method: 'POST', headers: { ...bearer(admin), 'content-type': 'application/json' }, body: big });
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { error: { message: string } }).error.message).toBe('request body too large (limit 1048576 bytes)');
    const broken = await call('/api/tokens', { method: 'POST', headers: { ...bearer(admin), 'content-type': 'application/json' }, body: '{"name": "Jane Doe, 1961-04-02", role' });
    expect(broken.status).toBe(400);
    const text = await broken.text();
    expect(JSON.parse(text).error.message).toBe('invalid JSON body');
    expect(text).not.toContain('Jane');
  });

  it('refuses an unknown file type, an unknown Content-Type and a file over the upload limit, multipart or streamed', async () => {
    const form = (name: string, content: string) => {
      const data = new FormData();
      data.append('file', new Blob([content]), name);
      return data;
    };
    expect((await call('/api/batches', { method: 'POST', headers: bearer(uploader), body: form('notes.pdf', 'x') })).status).toBe(415);
    expect((await call('/api/batches?name=notes.exe', { method: 'POST', headers: { ...bearer(uploader), 'content-type': 'text/csv' }, body: 'x' })).status).toBe(415);
    expect((await call('/api/batches', { method: 'POST', headers: { ...bearer(uploader), 'content-type': 'application/pdf' }, body: 'x' })).status).toBe(415);
    const small = await listen((s) => ({ ...s, config: { ...s.config, uploadMaxBytes: 1000 } }));
    try {
      const body = `${HEADER}\n${'M1,MA,2024-03-01,40,F,25025,25025,A,Fentanyl toxicity,,,,,\n'.repeat(40)}`;
      const multipart = await call('/api/batches', { method: 'POST', headers: bearer(uploader), body: form('big.csv', body) }, small.url);
      expect(multipart.status).toBe(413);
      const streamed = await call('/api/batches?name=big.csv', { method: 'POST', headers: { ...bearer(uploader), 'content-type': 'text/csv' }, body }, small.url);
      expect(streamed.status).toBe(413);
      expect(((await streamed.json()) as { error: { message: string } }).error.message).toMatch(/file too large/);
    } finally {
      small.close();
    }
  });

  it('reads no byte of an upload it will refuse: nothing is stored for a caller without the right', async () => {
    const stored = () => ['raw', 'incoming'].flatMap((dir) => (fs.existsSync(path.join(server.runtime.dataDir, dir)) ? fs.readdirSync(path.join(server.runtime.dataDir, dir), { recursive: true, encoding: 'utf8' }) : []));
    const before = stored();
    const data = new FormData();
    data.append('file', new Blob([`${HEADER}\nM1,MA,2024-03-01,40,F,25025,25025,A,Fentanyl toxicity,,,,,\n`]), 'ma.csv');
    expect((await call('/api/batches', { method: 'POST', body: data })).status).toBe(401);
    const { token: coder } = await createToken(server.runtime.db.connection, { name: 'coder', role: 'coder', createdBy: 'test' });
    expect((await call('/api/batches?name=ma.csv', { method: 'POST', headers: { ...bearer(coder), 'content-type': 'text/csv' }, body: 'x' })).status).toBe(403);
    expect((await call('/api/batches?name=ma.csv&jurisdiction=TX', { method: 'POST', headers: { ...bearer(uploader), 'content-type': 'text/csv' }, body: 'x' })).status).toBe(403);
    expect(stored()).toEqual(before);
    // A file of a refused type, multipart: refused from its name, before anything is written.
    const created: string[] = [];
    const watcher = fs.watch(path.join(server.runtime.dataDir, 'incoming'), (_event, name) => created.push(String(name)));
    try {
      const pdf = new FormData();
      pdf.append('file', new Blob(['%PDF-1.7 '.repeat(200_000)]), 'notes.pdf');
      const refused = await call('/api/batches', { method: 'POST', headers: bearer(uploader), body: pdf });
      expect(refused.status).toBe(415);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/^unsupported file type: "notes.pdf"/);
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      watcher.close();
    }
    expect(created).toEqual([]);
    expect(stored()).toEqual(before);
  });
});

describe('no request value reaches a file path', () => {
  it('keeps an upload named like a path inside the raw store, under the batch id', async () => {
    const csv = `${HEADER}\nP1,MA,2024-03-01,40,F,25025,25025,A,Fentanyl toxicity,,,,,\n`;
    const response = await call(`/api/batches?name=${encodeURIComponent('../../../../tmp/evil.csv')}`, { method: 'POST', headers: { ...bearer(uploader), 'content-type': 'text/csv' }, body: csv });
    expect(response.status).toBe(201);
    const report = (await response.json()) as { batchId: string; fileName: string };
    expect(report.fileName).toBe('evil.csv');
    const [row] = (await server.runtime.db.connection.runAndReadAll('SELECT raw_path FROM batches WHERE batch_id = $id', { id: report.batchId })).getRowObjectsJson();
    const rawPath = String(row!.raw_path);
    expect(rawPath.startsWith(path.join(server.runtime.dataDir, 'raw') + path.sep)).toBe(true);
    expect(path.basename(rawPath)).toBe(`${report.batchId}.csv`);
    const windows = await call(`/api/batches?name=${encodeURIComponent('..\\..\\evil2.csv')}`, { method: 'POST', headers: { ...bearer(uploader), 'content-type': 'text/csv' }, body: csv.replace('P1', 'P2') });
    expect(((await windows.json()) as { fileName: string }).fileName).toBe('evil2.csv');
    const control = await call(`/api/batches?name=${encodeURIComponent('a\nb.csv')}`, { method: 'POST', headers: { ...bearer(uploader), 'content-type': 'text/csv' }, body: csv });
    expect(control.status).toBe(400);
  });

  it('checks batch ids against their shape before anything reads them', async () => {
    // (A bare %2E%2E segment never leaves the client: URL parsing resolves it as "..".)
    for (const id of ['..%2F..%2Fetc%2Fpasswd', '%2E%2E%2Fraw', 'b20240101000000-0000000g', "b1' OR '1'='1"]) {
      const response = await call(`/api/batches/${id}`, { headers: bearer(admin) });
      expect(response.status, id).toBe(400);
    }
  });

  it('serves nothing above the dashboard folder', async () => {
    const dashboardDir = path.join(server.runtime.dataDir, 'dash');
    fs.mkdirSync(dashboardDir, { recursive: true });
    fs.writeFileSync(path.join(dashboardDir, 'index.html'), '<!doctype html><title>ok</title>');
    fs.writeFileSync(path.join(server.runtime.dataDir, 'secret.txt'), 'do not serve');
    const other = await listen((s) => ({ ...s, dashboardDir }));
    try {
      expect((await call('/', {}, other.url)).status).toBe(200);
      for (const route of ['/..%2fsecret.txt', '/%2e%2e/secret.txt', '/dash/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
        const response = await fetch(`${other.url.replace(/\/$/, '')}${route}`);
        expect(response.status, route).toBeGreaterThanOrEqual(400);
        expect(await response.text(), route).not.toContain('do not serve');
      }
    } finally {
      other.close();
    }
  });
});

describe('no SQL from the server', () => {
  it('server code runs named queries (or store functions) only: no SQL text of its own on a connection', () => {
    const files = fs.readdirSync(path.join(ROOT, 'server'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const direct = /\b\w*[cC]onnection\s*\.\s*(?:run|runAndRead\w*|prepare|stream\w*|start\w*)\s*\(/;
    // A call whose SQL is a named query from sql/queries/ is fine: `connection.run(queries.sql('name'), …)`.
    const named = /\.\s*(?:run|runAndRead\w*|prepare|stream\w*|start\w*)\s*\(\s*(?:\w+\.)*queries\.sql\(\s*'[a-z0-9_]+'\s*\)/;
    const offends = (line: string) => direct.test(line) && !named.test(line);
    const offenders = files.flatMap((file) =>
      fs
        .readFileSync(path.join(ROOT, 'server', file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (offends(line) ? [`server/${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
    expect(offends("await db.connection.runAndReadAll('SELECT 1')")).toBe(true);
    expect(offends('await connection.run(`DELETE FROM x WHERE id = ${id}`)')).toBe(true);
    expect(offends("await connection.run(queries.sql('download_parquet'), { a: 1 })")).toBe(false);
  });
});

describe('errors', () => {
  it('answers an internal failure with a bare 500 and the request id, nothing internal', async () => {
    const failing = (s: AppServices) =>
      ({ rows: (connection, name, parameters) => (name === 'schema_version' ? Promise.reject(new Error('secret /path/to/vigil.duckdb is corrupt')) : s.queries.rows(connection, name, parameters)) }) as AppServices['queries'];
    const broken = await listen((s) => ({ ...s, queries: failing(s) }));
    try {
      const response = await call('/api/health', {}, broken.url);
      expect(response.status).toBe(500);
      const body = (await response.json()) as { error: Record<string, unknown> };
      expect(body).toEqual({ error: { status: 500, message: 'Internal Server Error', requestId: response.headers.get('x-request-id') } });
    } finally {
      broken.close();
    }
  });

  it('shows a batch that failed on the server without its internal error', async () => {
    await server.runtime.db.connection.run(
      `INSERT INTO batches (batch_id, kind, format, file_name, raw_path, sha256, bytes, source, jurisdiction, status, received_at, error)
       VALUES ('b20240101000000-0000dead', 'deaths', 'certificate-csv', 'x.csv', '/srv/vigil/raw/x.csv', 'ab', 1, 'upload', 'MA', 'failed', now(), 'IO Error: /srv/vigil/raw/x.csv: disk full')`,
    );
    const response = await call('/api/batches/b20240101000000-0000dead', { headers: bearer(uploader) });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text).error).toMatch(/^the load failed on the server and nothing from it was stored/);
    expect(text).not.toContain('/srv/vigil');
  });
});

describe('request rate limit', () => {
  it('answers an address its 1,200 API requests a minute, then 429 with when to come back', async () => {
    const own = await listen((s) => s); // an app of its own: its limit must not spill into other tests
    try {
      const statuses = new Map<number, number>();
      for (let batch = 0; batch < 12; batch++) {
        const answers = await Promise.all(Array.from({ length: 100 }, () => fetch(new URL('/api/health', own.url)).then(async (r) => (await r.arrayBuffer(), r.status))));
        for (const status of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
      expect(Object.fromEntries(statuses)).toEqual({ 200: 1200 });
      const over = await fetch(new URL('/api/health', own.url));
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      own.close();
    }
  }, 60_000);
});

describe('failed sign-in limit', () => {
  it('answers 429 after 20 failed sign-ins from one address, whatever token it then sends; the public is not locked out', async () => {
    const limited = await listen((s) => s); // a fresh limiter: the default of 20 per 10 minutes
    try {
      for (let i = 0; i < 20; i++) expect((await call('/api/session', { headers: bearer(`vgl_guess${i}`) }, limited.url)).status).toBe(401);
      const locked = await call('/api/session', { headers: bearer('vgl_guess21') }, limited.url);
      expect(locked.status).toBe(429);
      expect(((await locked.json()) as { error: { message: string } }).error.message).toMatch(/too many failed sign-ins/);
      expect((await call('/api/session', { headers: bearer(admin) }, limited.url)).status).toBe(429);
      expect((await call('/api/session', {}, limited.url)).status).toBe(200);
    } finally {
      limited.close();
    }
  });

  it('does not count successful sign-ins', async () => {
    const limited = await listen((s) => ({ ...s, config: { ...s.config, security: { ...s.config.security, authFailureLimit: 3 } } }));
    try {
      for (let i = 0; i < 10; i++) expect((await call('/api/session', { headers: bearer(admin) }, limited.url)).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await call('/api/session', { headers: bearer('bad') }, limited.url)).status).toBe(401);
      expect((await call('/api/session', { headers: bearer('bad') }, limited.url)).status).toBe(429);
    } finally {
      limited.close();
    }
  });
});

describe('failed sign-in limit: what counts', () => {
  /** Starts a GET and drops the connection 50 ms later, while the server is still making the answer: a download given up on. */
  const abandon = (base: string, route: string, token: string) =>
    new Promise<void>((resolve) => {
      const outgoing = http.get(new URL(route, base), { headers: { ...bearer(token), 'accept-encoding': 'identity' } }, () => outgoing.destroy());
      outgoing.on('error', () => undefined); // the socket we closed
      outgoing.on('close', () => resolve());
      setTimeout(() => outgoing.destroy(), 50);
    });

  it('does not count downloads a client abandons: 25 cancelled with a good token, and no 429', async () => {
    // 700 audit entries of 30 KB: a 21 MB answer that takes the server a few hundred milliseconds to make.
    await server.runtime.db.connection.run(
      `INSERT INTO audit_log (logged_at, actor, role, action, target, record_ids, detail, request_id)
       SELECT now(), 'cli:test', 'operator', 'test.bulk', NULL, NULL, CAST(json_object('filler', repeat('x', 30000)) AS JSON), NULL FROM range(700)`,
    );
    // The request log is written when an answer finishes: it shows that none of the downloads did.
    const logged: { url?: string; status?: number }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    const limited = await listen((s) => ({ ...s, logger: log })); // a fresh limiter: the default of 20 per 10 minutes
    try {
      for (let i = 0; i < 25; i++) await abandon(limited.url, '/api/audit?action=test.bulk&limit=700', admin);
      await new Promise((resolve) => setTimeout(resolve, 1000)); // the last answers are made, and go nowhere
      expect(logged.filter((line) => line.url === '/api/audit?action=test.bulk&limit=700')).toEqual([]);
      const after = await call('/api/audit?action=test.bulk&limit=1', { headers: bearer(admin) }, limited.url);
      expect(after.status).toBe(200);
      // The limit still works: refused tokens are counted.
      for (let i = 0; i < 20; i++) expect((await call('/api/session', { headers: bearer(`vgl_guess${i}`) }, limited.url)).status).toBe(401);
      expect((await call('/api/session', { headers: bearer('vgl_guess21') }, limited.url)).status).toBe(429);
    } finally {
      limited.close();
    }
  }, 120_000);

  it("does not count a role's 403: a token that works, used where its role may not go", async () => {
    const limited = await listen((s) => ({ ...s, config: { ...s.config, security: { ...s.config.security, authFailureLimit: 3 } } }));
    try {
      for (let i = 0; i < 10; i++) expect((await call('/api/tokens', { headers: bearer(uploader) }, limited.url)).status).toBe(403);
      expect((await call('/api/session', { headers: bearer(uploader) }, limited.url)).status).toBe(200);
      const locked = await (async () => {
        for (let i = 0; i < 3; i++) await call('/api/session', { headers: bearer('bad') }, limited.url);
        return call('/api/session', { headers: bearer(uploader) }, limited.url);
      })();
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(500);
    } finally {
      limited.close();
    }
  });
});

describe('security configuration', () => {
  it('defaults to CORS closed, 20 failed sign-ins per 10 minutes, and no trusted proxy', () => {
    expect(loadConfig({}).security).toEqual({ corsOrigins: [], authFailureLimit: 20, trustProxy: false });
  });

  it('reads origins, the limit and the proxy setting, and stops at start on a wrong value', () => {
    const config = loadConfig({ VIGIL_CORS_ORIGINS: 'https://dash.health.example.gov, http://localhost:5173', VIGIL_AUTH_FAILURE_LIMIT: '5', VIGIL_TRUST_PROXY: 'loopback' });
    expect(config.security).toEqual({ corsOrigins: ['https://dash.health.example.gov', 'http://localhost:5173'], authFailureLimit: 5, trustProxy: 'loopback' });
    expect(loadConfig({ VIGIL_TRUST_PROXY: '1' }).security.trustProxy).toBe(1);
    for (const [env, message] of [
      [{ VIGIL_CORS_ORIGINS: '*' }, 'VIGIL_CORS_ORIGINS="*": expected comma-separated origins'],
      [{ VIGIL_CORS_ORIGINS: 'https://dash.example.gov/app' }, 'VIGIL_CORS_ORIGINS="https://dash.example.gov/app"'],
      [{ VIGIL_AUTH_FAILURE_LIMIT: '0' }, 'VIGIL_AUTH_FAILURE_LIMIT="0"'],
      [{ VIGIL_TRUST_PROXY: 'true; rm -rf' }, 'VIGIL_TRUST_PROXY="true; rm -rf"'],
    ] as const) {
      expect(() => loadConfig(env), message).toThrowError(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    }
  });

  it('takes the client address from X-Forwarded-For only behind a trusted proxy, so a spoofed header evades no limit', async () => {
    const direct = await listen((s) => ({ ...s, config: { ...s.config, security: { ...s.config.security, authFailureLimit: 2 } } }));
    const proxied = await listen((s) => ({ ...s, config: { ...s.config, security: { ...s.config.security, authFailureLimit: 2, trustProxy: 'loopback' } } }));
    try {
      const fail = (url: string, address: string) => call('/api/session', { headers: { ...bearer('bad'), 'x-forwarded-for': address } }, url).then((r) => r.status);
      expect([await fail(direct.url, '10.0.0.1'), await fail(direct.url, '10.0.0.2'), await fail(direct.url, '10.0.0.3')]).toEqual([401, 401, 429]);
      expect([await fail(proxied.url, '10.0.0.1'), await fail(proxied.url, '10.0.0.2'), await fail(proxied.url, '10.0.0.3')]).toEqual([401, 401, 401]);
      expect([await fail(proxied.url, '10.0.0.1'), await fail(proxied.url, '10.0.0.1')]).toEqual([401, 429]);
    } finally {
      direct.close();
      proxied.close();
    }
  });
});
