/**
 * The authorization matrix: every route the Express app registers × every kind of caller, on
 * the real server with the seeded demo data, against the policy in authz-matrix.ts. Then what
 * the matrix cannot say by status alone: an uploader's batches are its own jurisdictions', an
 * upload's jurisdiction comes from the token, and the public's alerts carry no small counts.
 */
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../pipeline/cli/demo.ts';
import { createToken, revokeToken } from '../pipeline/store/tokens.ts';
import { isSmallSubnationalCount } from '../server/routes/alerts.ts';
import { createApp } from '../server/app.ts';
import { startServer, type RunningServer } from '../server/start.ts';
import { CALLERS, expectedFor, isAllowed, MA_CERTIFICATES, MATRIX, type Caller, type Fixtures } from './authz-matrix.ts';
import { registeredRoutes } from './helpers/routes.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';
import { TEST_DEMO } from './helpers/test-server.ts';

let runtime: TestRuntime;
let server: RunningServer;
let app: Express;
const tokens = {} as Record<Caller, string | null>;
const fixtures = {} as Fixtures;

beforeAll(async () => {
  runtime = await openTestRuntime();
  await loadDemo(runtime, { ...TEST_DEMO });
  // The matrix sends far more refused tokens than the failed sign-in limit allows one address.
  const services = { ...runtime, config: { ...runtime.config, security: { ...runtime.config.security, authFailureLimit: 100_000 } } };
  server = await startServer(services, { port: 0, host: '127.0.0.1' });
  app = await createApp({ ...services, dashboardDir: null });
  const c = runtime.db.connection;
  const make = async (role: 'admin' | 'uploader' | 'coder' | 'epidemiologist', jurisdictions?: string[]) => (await createToken(c, { name: `matrix ${role}`, role, jurisdictions, createdBy: 'test' })).token;
  tokens.admin = await make('admin');
  tokens.uploader = await make('uploader', ['MA']);
  tokens.uploader_other = await make('uploader', ['TX']);
  tokens.coder = await make('coder');
  tokens.epidemiologist = await make('epidemiologist');
  tokens.public = null;
  const revoked = await createToken(c, { name: 'matrix revoked', role: 'admin', createdBy: 'test' });
  await revokeToken(c, revoked.info.tokenId);
  tokens.revoked = revoked.token;
  tokens.malformed = 'not-a-vigil-token';
  fixtures.spareTokenId = (await createToken(c, { name: 'matrix spare', role: 'coder', createdBy: 'test' })).info.tokenId;
  const uploaded = await send('uploader', { path: '/api/batches?name=fixture.csv', body: MA_CERTIFICATES.replaceAll('MX', 'FX'), headers: { 'content-type': 'text/csv' } }, 'POST');
  expect(uploaded.status).toBe(201);
  fixtures.batchId = ((await uploaded.json()) as { batchId: string }).batchId;
}, 300_000);

afterAll(async () => {
  await server?.close();
  runtime?.dispose();
});

function send(caller: Caller, request: { path: string; body?: string; headers?: Record<string, string> }, method: string): Promise<Response> {
  const token = tokens[caller];
  return fetch(new URL(request.path, server.url), {
    method,
    body: request.body,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...request.headers },
  });
}

describe('authorization matrix', () => {
  it('has a policy for every route the app registers, and no policy for a route that is gone', () => {
    const registered = registeredRoutes(app);
    const policies = MATRIX.map((p) => p.route);
    const missing = registered.filter((route) => !policies.includes(route));
    const stale = policies.filter((route) => !registered.includes(route));
    expect(missing, `routes without a line in test/authz-matrix.ts: ${missing.join(', ')}`).toEqual([]);
    expect(stale, `lines in test/authz-matrix.ts for routes the app does not register: ${stale.join(', ')}`).toEqual([]);
    expect(new Set(policies).size, 'a route listed twice in test/authz-matrix.ts').toBe(policies.length);
    expect(registered.length).toBeGreaterThanOrEqual(16);
  });

  let cases = 0;
  afterAll(() => {
    // The figure the README quotes: routes × callers actually sent.
    process.stderr.write(`authorization matrix: ${cases} route × caller cases (${MATRIX.length} routes × ${CALLERS.length} callers)\n`);
  });

  for (const policy of MATRIX) {
    for (const caller of CALLERS) {
      const expected = expectedFor(policy, caller);
      it(`${policy.route} as ${caller}: ${expected === 'allow' ? 'allowed' : `denied with ${expected}`}`, async () => {
        const [method, routePath] = policy.route.split(' ') as [string, string];
        const response = await send(caller, policy.request?.(fixtures) ?? { path: routePath }, method);
        const body = await response.text();
        cases++;
        if (expected === 'allow') expect(isAllowed(response.status), `${response.status} ${body.slice(0, 300)}`).toBe(true);
        else {
          expect(response.status, body.slice(0, 300)).toBe(expected);
          // A denial says nothing of what it guards.
          expect(body).not.toContain('FX1');
        }
      });
    }
  }
});

describe('jurisdiction scope', () => {
  const upload = (caller: Caller, query: string, csv = MA_CERTIFICATES) => send(caller, { path: `/api/batches?name=scope.csv${query}`, body: csv, headers: { 'content-type': 'text/csv' } }, 'POST');

  it('lists an uploader its own jurisdictions batches only, and an admin all of them', async () => {
    const ids = async (caller: Caller) => ((await (await send(caller, { path: '/api/batches?limit=1000' }, 'GET')).json()) as { batches: { batch_id: string; jurisdiction: string | null }[] }).batches;
    const own = await ids('uploader');
    expect(own.map((b) => b.batch_id)).toContain(fixtures.batchId);
    expect(own.every((b) => b.jurisdiction === 'MA')).toBe(true);
    expect((await ids('uploader_other')).map((b) => b.batch_id)).not.toContain(fixtures.batchId);
    const all = await ids('admin');
    expect(all.map((b) => b.batch_id)).toContain(fixtures.batchId);
    expect(all.some((b) => b.jurisdiction === null)).toBe(true); // the demo's batches
  });

  it('answers another jurisdictions batch exactly as a batch that does not exist', async () => {
    const other = await send('uploader_other', { path: `/api/batches/${fixtures.batchId}` }, 'GET');
    const none = await send('uploader_other', { path: '/api/batches/b20000101000000-00000000' }, 'GET');
    expect([other.status, none.status]).toEqual([404, 404]);
    const message = (r: unknown) => (r as { error: { message: string } }).error.message.replace(/b\d{14}-[0-9a-f]{8}/, 'ID');
    expect(message(await other.json())).toBe(message(await none.json()));
  });

  it('takes the batch jurisdiction from the token and rejects each record of another, naming line, record and field', async () => {
    const csv = `${MA_CERTIFICATES.replaceAll('MX', 'SX')}SX3,TX,2024-03-03,30,M,48201,48201,A,Cocaine toxicity,,,,,\n`;
    const response = await upload('uploader', '', csv);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      jurisdiction: 'MA',
      recordsLoaded: 2,
      recordsRejected: 1,
      errors: [{ line: 4, recordId: 'SX3', field: 'jurisdiction', message: 'the record is for TX; this batch may hold MA records only' }],
    });
  });

  it("gives record-level roles every jurisdiction's line list, and no uploader any, its own included", async () => {
    // FX1 and FX2, the fixture batch's MA overdoses of 2024-03-01 and 02 (FIPS 25); and Texas (48), the other uploader's.
    const list = (caller: Caller, fips: string) => send(caller, { path: `/api/records?measure=all_overdose&geography=${fips}&from=2024-03-01&to=2024-03-02&limit=1000` }, 'GET');
    for (const caller of ['admin', 'coder', 'epidemiologist'] as const) {
      const ma = await list(caller, '25');
      expect(ma.status, caller).toBe(200);
      const ids = ((await ma.json()) as { records: { certificate_id: string; jurisdiction: string }[] }).records.map((r) => r.certificate_id);
      expect(ids, caller).toEqual(expect.arrayContaining(['FX1', 'FX2']));
      // Texas over the demo's four months: every record Texan, as many as the aggregates count there.
      const tx = await send(caller, { path: '/api/records?measure=all_overdose&geography=48&from=2024-01&to=2024-04&limit=1000' }, 'GET');
      expect(tx.status, caller).toBe(200);
      const texas = (await tx.json()) as { total: number; records: { residence_county_fips: string }[] };
      expect(texas.total, caller).toBeGreaterThan(0);
      expect(texas.records.every((r) => r.residence_county_fips.startsWith('48')), caller).toBe(true);
      const cell = await send(caller, { path: '/api/aggregates?measure=all_overdose&geography=state&state=48&unit=total&from=2024-01&to=2024-04' }, 'GET');
      expect(((await cell.json()) as { rows: { count: number }[] }).rows[0]!.count, caller).toBe(texas.total);
    }
    for (const [caller, fips] of [['uploader', '25'], ['uploader', '48'], ['uploader_other', '48'], ['uploader_other', '25']] as const) {
      const denied = await list(caller, fips);
      expect(denied.status, `${caller} ${fips}`).toBe(403);
      expect(await denied.text()).not.toContain('FX1');
    }
    expect((await list('public', '25')).status).toBe(401);
  });

  it('makes an uploader of several jurisdictions name one within its scope; an admin may name any, or none', async () => {
    const several = (await createToken(runtime.db.connection, { name: 'New England', role: 'uploader', jurisdictions: ['MA', 'RI'], createdBy: 'test' })).token;
    const other = tokens.uploader_other;
    tokens.uploader_other = several; // borrowed for these requests
    try {
      const missing = await upload('uploader_other', '');
      expect(missing.status).toBe(400);
      expect(((await missing.json()) as { error: { message: string } }).error.message).toBe('missing jurisdiction: this token uploads for MA, RI; name one with ?jurisdiction=');
      expect((await upload('uploader_other', '&jurisdiction=TX')).status).toBe(403);
      expect((await upload('uploader_other', '&jurisdiction=ma')).status).toBe(400);
      const named = await upload('uploader_other', '&jurisdiction=RI', MA_CERTIFICATES.replaceAll('MX', 'RX'));
      expect(await named.json()).toMatchObject({ jurisdiction: 'RI', recordsLoaded: 0, recordsRejected: 2 });
    } finally {
      tokens.uploader_other = other;
    }
    const none = await upload('admin', '', MA_CERTIFICATES.replaceAll('MX', 'AX'));
    expect(await none.json()).toMatchObject({ jurisdiction: null, recordsLoaded: 2 });
    const tx = await upload('admin', '&jurisdiction=TX', MA_CERTIFICATES.replaceAll('MX', 'TX'));
    expect(await tx.json()).toMatchObject({ jurisdiction: 'TX', recordsLoaded: 0, recordsRejected: 2 });
  });
});

describe('what each caller is shown', () => {
  it('tells a caller who it is', async () => {
    expect(await (await send('public', { path: '/api/session' }, 'GET')).json()).toEqual({ role: 'public' });
    expect(await (await send('uploader', { path: '/api/session' }, 'GET')).json()).toMatchObject({ role: 'uploader', name: 'matrix uploader', jurisdictions: ['MA'], tokenId: expect.stringMatching(/^[a-z0-9]{12}$/) });
  });

  it('leaves out of the public and uploader alerts every sub-national alert with 1-9 cases', async () => {
    const alerts = async (caller: Caller) =>
      ((await (await send(caller, { path: '/api/alerts?status=alert,warning,none,insufficient&min_observed=0' }, 'GET')).json()) as { alerts: Record<string, unknown>[] }).alerts;
    const full = await alerts('epidemiologist');
    const small = full.filter(isSmallSubnationalCount);
    expect(small.length, 'the demo detection run has small sub-national counts to hide').toBeGreaterThan(0);
    const key = (a: Record<string, unknown>) => `${a.source}|${a.measure}|${a.level}|${a.geography}|${a.period}|${a.method}`;
    for (const caller of ['public', 'uploader'] as const) {
      const shown = await alerts(caller);
      expect(shown.filter(isSmallSubnationalCount)).toEqual([]);
      expect(shown.map(key)).toEqual(full.filter((a) => !isSmallSubnationalCount(a)).map(key));
    }
    expect(await alerts('coder')).toEqual(full);
  });
});
