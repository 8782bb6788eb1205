import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkToken, createToken, findToken, hasLiveAdmin, listTokens, revokeToken, verifyToken } from '../pipeline/store/tokens.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

describe('API tokens', () => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await openTestRuntime();
  });
  afterAll(() => runtime.dispose());

  it('verifies a created token, stores only a hash, and stops accepting it once revoked', async () => {
    const c = runtime.db.connection;
    const { token, info } = await createToken(c, { name: 'MA uploads', role: 'uploader', jurisdictions: ['MA', 'RI'], createdBy: 'test' });
    expect(token).toMatch(/^vgl_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect((await verifyToken(c, token))?.jurisdictions).toEqual(['MA', 'RI']);
    const stored = (await c.runAndReadAll('SELECT * FROM api_tokens WHERE token_id = $id', { id: info.tokenId })).getRowObjectsJson();
    const secret = token.slice(`vgl_${info.tokenId}_`.length);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(String(stored[0]!.secret_sha256)).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyToken(c, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(await verifyToken(c, 'vgl_nonsense')).toBeNull();
    const revoked = await revokeToken(c, info.tokenId);
    expect(revoked?.revokedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await verifyToken(c, token)).toBeNull();
    // Revoking again keeps the first time.
    expect((await revokeToken(c, info.tokenId))?.revokedAt).toBe(revoked?.revokedAt);
    expect((await listTokens(c)).find((t) => t.tokenId === info.tokenId)?.revokedAt).toBe(revoked?.revokedAt);
    expect(await revokeToken(c, 'nosuchtoken0')).toBeNull();
  });

  it('says why a token was refused, naming the token id only when it names a stored token', async () => {
    const c = runtime.db.connection;
    const { token, info } = await createToken(c, { name: 'epi', role: 'epidemiologist', createdBy: 'test' });
    const wrongSecret = `vgl_${info.tokenId}_${'A'.repeat(43)}`;
    expect(await checkToken(c, 'Bearer nonsense')).toEqual({ ok: false, reason: 'malformed' });
    expect(await checkToken(c, `vgl_000000000000_${'A'.repeat(43)}`)).toEqual({ ok: false, reason: 'unknown' });
    expect(await checkToken(c, wrongSecret)).toEqual({ ok: false, reason: 'wrong-secret', tokenId: info.tokenId });
    expect(await checkToken(c, token)).toMatchObject({ ok: true, tokenId: info.tokenId, role: 'epidemiologist', jurisdictions: null });
    await revokeToken(c, info.tokenId);
    expect(await checkToken(c, token)).toEqual({ ok: false, reason: 'revoked', tokenId: info.tokenId });
    // A wrong secret for a revoked token is a wrong secret: "revoked" is told only to its holder.
    expect(await checkToken(c, wrongSecret)).toEqual({ ok: false, reason: 'wrong-secret', tokenId: info.tokenId });
  });

  // checkToken keeps the rows it read (tokens.ts: storedToken says why): a revocation, on any
  // connection, must still refuse the token at once.
  it('refuses a token the moment it is revoked, on any connection, though it was checked just before', async () => {
    const c = runtime.db.connection;
    const other = await runtime.db.connect();
    try {
      const { token, info } = await createToken(c, { name: 'kept', role: 'epidemiologist', createdBy: 'test' });
      for (let i = 0; i < 3; i++) expect(await checkToken(c, token)).toMatchObject({ ok: true, role: 'epidemiologist' });
      // A change made around tokens.ts is not seen while the row is kept...
      await c.run(`UPDATE api_tokens SET name = 'renamed by hand' WHERE token_id = $id`, { id: info.tokenId });
      expect(await checkToken(c, token)).toMatchObject({ ok: true, name: 'kept' });
      // ...but any revocation, of this token on another connection, is.
      await revokeToken(other, info.tokenId);
      expect(await checkToken(c, token)).toEqual({ ok: false, reason: 'revoked', tokenId: info.tokenId });
      // And a revocation of another token makes the kept rows be read again.
      const second = await createToken(c, { name: 'second', role: 'coder', createdBy: 'test' });
      const third = await createToken(c, { name: 'third', role: 'coder', createdBy: 'test' });
      expect(await checkToken(c, second.token)).toMatchObject({ ok: true, name: 'second' });
      await c.run(`UPDATE api_tokens SET name = 'second, renamed' WHERE token_id = $id`, { id: second.info.tokenId });
      await revokeToken(c, third.info.tokenId);
      expect(await checkToken(c, second.token)).toMatchObject({ ok: true, name: 'second, renamed' });
    } finally {
      other.closeSync();
    }
  });

  it('records when a token was last used', async () => {
    const c = runtime.db.connection;
    const { token, info } = await createToken(c, { name: 'coder', role: 'coder', createdBy: 'test' });
    expect((await findToken(c, info.tokenId))?.lastUsedAt).toBeNull();
    await verifyToken(c, token);
    const used = (await findToken(c, info.tokenId))?.lastUsedAt;
    expect(Date.now() - Date.parse(used!)).toBeLessThan(60_000);
  });

  it('refuses an uploader without jurisdictions, a malformed jurisdiction, an unknown role and an empty name', async () => {
    const c = runtime.db.connection;
    await expect(createToken(c, { name: 'x', role: 'uploader', createdBy: 'test' })).rejects.toThrow(/at least one jurisdiction/);
    await expect(createToken(c, { name: 'x', role: 'uploader', jurisdictions: ['Mass'], createdBy: 'test' })).rejects.toThrow(/invalid jurisdiction "Mass"/);
    await expect(createToken(c, { name: 'x', role: 'superuser' as never, createdBy: 'test' })).rejects.toThrow(/invalid role "superuser"/);
    await expect(createToken(c, { name: '  ', role: 'coder', createdBy: 'test' })).rejects.toThrow(/needs a name/);
    const epi = await createToken(c, { name: 'epi', role: 'epidemiologist', jurisdictions: ['MA'], createdBy: 'test' });
    expect(epi.info.jurisdictions).toBeNull();
  });

  it('knows whether a live admin token exists', async () => {
    const c = runtime.db.connection;
    expect(await hasLiveAdmin(c)).toBe(false);
    const admin = await createToken(c, { name: 'ops', role: 'admin', createdBy: 'test' });
    expect(await hasLiveAdmin(c)).toBe(true);
    await revokeToken(c, admin.info.tokenId);
    expect(await hasLiveAdmin(c)).toBe(false);
  });
});
