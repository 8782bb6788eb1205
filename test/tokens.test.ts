import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, listTokens, revokeToken, verifyToken } from '../pipeline/store/tokens.ts';
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
    expect(token).toMatch(/^vgl_[a-z0-9]{12}_/);
    expect((await verifyToken(c, token))?.jurisdictions).toEqual(['MA', 'RI']);
    const stored = (await c.runAndReadAll('SELECT secret_sha256 FROM api_tokens WHERE token_id = $id', { id: info.tokenId })).getRowObjects();
    expect(String(stored[0]!.secret_sha256)).not.toContain(token.split('_')[2]!);
    expect(await verifyToken(c, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(await verifyToken(c, 'vgl_nonsense')).toBeNull();
    expect(await revokeToken(c, info.tokenId)).toBe(true);
    expect(await verifyToken(c, token)).toBeNull();
    expect((await listTokens(c)).find((t) => t.tokenId === info.tokenId)?.revokedAt).not.toBeNull();
    expect(await revokeToken(c, 'nosuchtoken0')).toBe(false);
  });

  it('refuses an uploader without jurisdictions and a malformed jurisdiction', async () => {
    const c = runtime.db.connection;
    await expect(createToken(c, { name: 'x', role: 'uploader', createdBy: 'test' })).rejects.toThrow(/at least one jurisdiction/);
    await expect(createToken(c, { name: 'x', role: 'uploader', jurisdictions: ['Mass'], createdBy: 'test' })).rejects.toThrow(/invalid jurisdiction "Mass"/);
    const epi = await createToken(c, { name: 'epi', role: 'epidemiologist', jurisdictions: ['MA'], createdBy: 'test' });
    expect(epi.info.jurisdictions).toBeNull();
  });
});
