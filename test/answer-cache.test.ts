/**
 * The cache of rendered aggregate answers (server/answer-cache.ts): an answer is served again only
 * under the data version it was built from, byte for byte, gzipped when asked, 304 when the client
 * has it; a load makes every kept answer stale at once; a new version re-answers the questions
 * asked most; the byte budget evicts least recently used answers.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshAggregates } from '../pipeline/jobs/refresh-aggregates.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { AnswerCache } from '../server/answer-cache.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

/** A GET with exactly these headers; the body as sent (not decoded). */
function raw(url: string, headers: Record<string, string>): Promise<{ status: number; encoding: string | undefined; kept: string | undefined; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, encoding: response.headers['content-encoding'], kept: response.headers['x-vigil-answer'] as string | undefined, bytes: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

const answer = (text: string) => ({ headers: { 'Content-Type': 'text/plain' }, body: Buffer.from(text) });

describe('AnswerCache', () => {
  it('serves an entry only under its version and evicts the least recently used past its budget', () => {
    const cache = new AnswerCache<string>(40);
    cache.set('a', 'v1', answer('0123456789'));
    cache.set('b', 'v1', answer('0123456789'));
    expect(cache.get('a', 'v1', 'a')?.body.toString()).toBe('0123456789');
    expect(cache.get('a', 'v2', 'a')).toBeUndefined();
    cache.set('c', 'v1', answer('0123456789'));
    cache.set('d', 'v1', answer('0123456789')); // 40 bytes: all four fit
    expect(cache.size).toBe(40);
    cache.set('e', 'v1', answer('0123456789')); // b is the least recently used ('a' was read)
    expect(cache.get('b', 'v1', 'b')).toBeUndefined();
    expect(cache.get('a', 'v1', 'a')).toBeDefined();
    expect(cache.size).toBe(40);
    cache.set('huge', 'v1', answer('x'.repeat(11))); // more than a quarter of the budget: not kept
    expect(cache.get('huge', 'v1', 'huge')).toBeUndefined();
  });

  it('keeps nothing with a budget of 0', () => {
    const cache = new AnswerCache<string>(0);
    cache.set('a', 'v1', answer('x'));
    expect(cache.get('a', 'v1', 'a')).toBeUndefined();
    expect(cache.enabled).toBe(false);
  });

  it('warms the questions asked most, once per version', async () => {
    const cache = new AnswerCache<string>(1_000);
    for (const [key, times] of [['often', 5], ['sometimes', 2], ['once', 1]] as const) for (let i = 0; i < times; i++) cache.get(key, 'v1', key);
    const built: string[] = [];
    const build = async (q: string) => {
      built.push(q);
      return { key: q, answer: answer(`${q} under v2`) };
    };
    expect(await cache.warm('v2', () => true, build, 2)).toBe(2);
    expect(built).toEqual(['often', 'sometimes']);
    expect(cache.get('often', 'v2', 'often')?.body.toString()).toBe('often under v2');
    expect(await cache.warm('v2', () => true, build, 2)).toBe(1); // 'once' is left; the others are done
    expect(built).toEqual(['often', 'sometimes', 'once']);
    expect(await cache.warm('v3', (q) => q !== 'often', build, 5)).toBe(2);
  });
});

describe('GET /api/aggregates through the answer cache', () => {
  let server: TestServer;
  let epidemiologist = '';
  const url = () => `${new URL('/api/aggregates', server.url).href}?source=deaths&measure=all_overdose&geography=county&state=39&unit=month&from=2024-01&to=2024-04`;
  beforeAll(async () => {
    server = await startTestServer({ demo: true });
    ({ token: epidemiologist } = await createToken(server.runtime.db.connection, { name: 'answer cache test', role: 'epidemiologist', createdBy: 'test' }));
    await refreshAggregates(server.runtime.db);
  }, 240_000);
  afterAll(() => server?.close());

  it('gives the same bytes again, with an ETag, a 304 for it, and gzip when asked', async () => {
    const first = await fetch(url(), { headers: { 'Accept-Encoding': 'identity' } });
    expect(first.status).toBe(200);
    const body = Buffer.from(await first.arrayBuffer());
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get('x-vigil-answer')).toBe('built');
    const again = await fetch(url(), { headers: { 'Accept-Encoding': 'identity' } });
    expect(again.headers.get('x-vigil-answer')).toBe('kept');
    expect(again.headers.get('etag')).toBe(etag);
    expect(Buffer.from(await again.arrayBuffer()).equals(body)).toBe(true);
    // node:http, not fetch: fetch adds "Cache-Control: no-cache" to a conditional request.
    expect((await raw(url(), { 'If-None-Match': etag! })).status).toBe(304);
    const gzipped = await raw(url(), { 'Accept-Encoding': 'gzip' });
    expect(gzipped.status).toBe(200);
    expect(gzipped.encoding).toBe('gzip');
    expect(gzipped.bytes.length).toBeLessThan(body.length / 3);
    expect(zlib.gunzipSync(gzipped.bytes).equals(body)).toBe(true);
    expect(JSON.parse(body.toString()).figures_from).toBe('cache');
  });

  it('never serves a kept answer after the data changes', async () => {
    // Unsuppressed figures (an epidemiologist), so the changed cell is shown before and after.
    const get = () => fetch(url(), { headers: { authorization: `Bearer ${epidemiologist}` } });
    const before = await (await get()).json() as { rows: { geography: string; period: string; count: number | null }[]; data_as_of: string };
    const cell = before.rows.find((r) => r.count !== null && r.count > 0)!;
    const csv = path.join(server.runtime.dataDir, 'one-more.csv');
    const month = cell.period.slice(0, 7);
    fs.writeFileSync(
      csv,
      'certificate_id,jurisdiction,death_date,age,sex,residence_county_fips,occurrence_county_fips,manner,part1_a,part1_b,part1_c,part1_d,part2,how_injury\n' +
        `ANSWER-CACHE-1,OH,${month}-15,40,M,${cell.geography},${cell.geography},A,acute fentanyl intoxication,,,,,used drugs\n`,
    );
    const loaded = await server.runtime.ingest.ingestFile(csv, { source: 'cli' });
    expect(loaded).toMatchObject({ status: 'loaded', recordsLoaded: 1 });
    const stale = await (await get()).json() as typeof before & { figures_from: string };
    expect(stale.figures_from).toBe('records'); // counted now, not the kept answer
    await refreshAggregates(server.runtime.db);
    const after = await (await get()).json() as typeof stale;
    expect(after.figures_from).toBe('cache');
    const sameCell = after.rows.find((r) => r.geography === cell.geography && r.period === cell.period)!;
    expect(sameCell.count).toBe(cell.count! + 1);
    expect(after.data_as_of).not.toBe(before.data_as_of);
  });
});
