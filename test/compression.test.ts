/**
 * Compression over real HTTP (server/compression.ts): gzip for large JSON, CSV and Arrow answers
 * and the dashboard's files when the client accepts it, byte-for-byte the same once unzipped;
 * never for Parquet, the upload route, small answers, a 206 range or a 304; and Vary:
 * Accept-Encoding wherever it could be either. Requests go through node:http, which (unlike fetch)
 * neither asks for gzip nor unzips on its own.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../pipeline/store/tokens.ts';
import { createApp } from '../server/app.ts';
import { COMPRESSION_THRESHOLD, isCompressible } from '../server/compression.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const HEADER = 'certificate_id,jurisdiction,death_date,age,sex,residence_county_fips,occurrence_county_fips,manner,part1_a,part1_b,part1_c,part1_d,part2,how_injury';
const OHIO = ['39049', '39061', '39035', '39113', '39153', '39095', '39099', '39017', '39025', '39165'];

let server: TestServer;
let token: string;
let staticApp: { url: string; close(): void };
let staticDir: string;
let bundle: Buffer;

beforeAll(async () => {
  server = await startTestServer({ demo: false });
  // 1,200 certificates: one a day for 120 days in each of ten Ohio counties, a county × day table of 1,200 rows.
  const lines = Array.from({ length: 1200 }, (_, i) => {
    const day = new Date(Date.UTC(2024, 0, 1) + (i % 120) * 86_400_000).toISOString().slice(0, 10);
    const county = OHIO[Math.floor(i / 120) % OHIO.length]!;
    return `Z${i},OH,${day},${30 + (i % 50)},${i % 2 ? 'M' : 'F'},${county},${county},A,Fentanyl toxicity,,,,,`;
  });
  const file = path.join(server.runtime.dataDir, 'ohio.csv');
  fs.writeFileSync(file, `${HEADER}\n${lines.join('\n')}\n`);
  expect(await server.runtime.ingest.ingestFile(file, { source: 'cli' })).toMatchObject({ status: 'loaded', recordsLoaded: 1200 });
  ({ token } = await createToken(server.runtime.db.connection, { name: 'compression', role: 'admin', createdBy: 'test' }));
  // A dashboard build of one large script, served by the same app.
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-static-'));
  bundle = Buffer.from(Array.from({ length: 60_000 }, (_, i) => `export const value${i} = ${i * 31};\n`).join(''));
  fs.writeFileSync(path.join(staticDir, 'main.js'), bundle);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>vigil</title>');
  const app = await createApp({ ...server.runtime, logger: pino({ level: 'silent' }), dashboardDir: staticDir });
  const listener = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => listener.once('listening', resolve));
  staticApp = { url: `http://127.0.0.1:${(listener.address() as AddressInfo).port}`, close: () => listener.close() };
}, 120_000);
afterAll(async () => {
  staticApp?.close();
  fs.rmSync(staticDir, { recursive: true, force: true });
  await server.close();
});

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method: options.method ?? 'GET', headers: { authorization: `Bearer ${token}`, ...options.headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}
const api = (route: string, options: Parameters<typeof request>[1] = {}) => request(new URL(route, server.url).toString(), options);
const gzip = { 'accept-encoding': 'gzip, deflate, br' };
const AGGREGATE = '/api/aggregates?measure=all_overdose&geography=county&state=39&unit=day&from=2024-01&to=2024-04';

describe('compression', () => {
  it('gzips a large JSON aggregate for a client that accepts gzip: the same JSON, a fraction of the bytes', async () => {
    const plain = await api(AGGREGATE);
    const zipped = await api(AGGREGATE, { headers: gzip });
    expect(plain.status).toBe(200);
    expect(zipped.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    for (const answer of [plain, zipped]) expect(answer.headers.vary).toMatch(/Accept-Encoding/i);
    const rows = (JSON.parse(plain.body.toString()) as { rows: unknown[] }).rows;
    expect(rows.length).toBeGreaterThan(1000);
    expect(plain.body.length).toBeGreaterThan(300_000);
    // The same answer (figures counted from the records say when they were counted: now).
    const withoutTime = (body: Buffer) => ({ ...(JSON.parse(body.toString()) as object), data_as_of: null });
    expect(withoutTime(zlib.gunzipSync(zipped.body))).toEqual(withoutTime(plain.body));
    expect(zipped.body.length).toBeLessThan(plain.body.length / 8);
  });

  it('gzips CSV and Arrow IPC too, to the same bytes unzipped, but never Parquet, which is compressed inside', async () => {
    for (const format of ['csv', 'arrow']) {
      const plain = await api(`${AGGREGATE}&format=${format}`);
      const zipped = await api(`${AGGREGATE}&format=${format}`, { headers: gzip });
      expect(zipped.headers['content-encoding'], format).toBe('gzip');
      expect(zlib.gunzipSync(zipped.body).equals(plain.body), format).toBe(true);
      expect(zipped.body.length, format).toBeLessThan(plain.body.length / 3);
    }
    const parquet = await api(`${AGGREGATE}&format=parquet`, { headers: gzip });
    expect(parquet.status).toBe(200);
    expect(parquet.headers['content-type']).toBe('application/vnd.apache.parquet');
    expect(parquet.headers['content-encoding']).toBeUndefined();
    expect(parquet.body.subarray(0, 4).toString()).toBe('PAR1');
    expect(parquet.body.length).toBeGreaterThan(COMPRESSION_THRESHOLD);
  });

  it('leaves small answers alone, and honours a client that does not take gzip', async () => {
    const health = await api('/api/health', { headers: gzip });
    expect(health.body.length).toBeLessThan(COMPRESSION_THRESHOLD);
    expect(health.headers['content-encoding']).toBeUndefined();
    expect(health.headers.vary).toMatch(/Accept-Encoding/i);
    const refused = await api(AGGREGATE, { headers: { 'accept-encoding': 'gzip;q=0, br' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(refused.body.toString())).toHaveProperty('rows');
  });

  it('never compresses the upload route, even a large answer', async () => {
    // 400 bad lines: a report of 400 errors, far above the threshold.
    const csv = `${HEADER}\n${Array.from({ length: 400 }, (_, i) => `U${i},OH,2024-01-01,old,M,39049,39049,A,Fentanyl toxicity,,,,,`).join('\n')}\n`;
    const upload = await api('/api/batches?name=bad-ages.csv', { method: 'POST', headers: { ...gzip, 'content-type': 'text/csv' }, body: csv });
    expect([201, 422]).toContain(upload.status);
    expect(upload.body.length).toBeGreaterThan(10 * COMPRESSION_THRESHOLD);
    expect(upload.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(upload.body.toString())).toMatchObject({ recordsRejected: 400 });
  });

  it("gzips the dashboard's files as they stream from disk, but not a range of one, nor a 304", async () => {
    const url = `${staticApp.url}/main.js`;
    const zipped = await request(url, { headers: gzip });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-type']).toMatch(/javascript/);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(zipped.body).equals(bundle)).toBe(true);
    expect(zipped.body.length).toBeLessThan(bundle.length / 3);
    const range = await request(url, { headers: { ...gzip, range: 'bytes=0-99' } });
    expect(range.status).toBe(206);
    expect(range.headers['content-encoding']).toBeUndefined();
    expect(range.body.equals(bundle.subarray(0, 100))).toBe(true);
    const again = await request(url, { headers: { ...gzip, 'if-none-match': String(zipped.headers.etag) } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers['content-encoding']).toBeUndefined();
  });

  it('compresses what is text at heart, and Arrow; not Parquet, PNG or what is already encoded', () => {
    for (const type of ['application/json; charset=utf-8', 'text/csv; charset=utf-8; header=present', 'text/html', 'application/javascript', 'text/css', 'image/svg+xml', 'application/problem+json', 'application/vnd.apache.arrow.stream']) {
      expect(isCompressible(type), type).toBe(true);
    }
    for (const type of ['application/vnd.apache.parquet', 'image/png', 'application/octet-stream', 'application/gzip', '']) expect(isCompressible(type), type).toBe(false);
  });
});
