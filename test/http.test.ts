/**
 * The upload and aggregate paths in-process over real HTTP (uploads with an admin token: the
 * files hold several jurisdictions' records; authorization itself is authz.test.ts's).
 */
import fs from 'node:fs';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS } from '../pipeline/jobs/job-list.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const HEADER = 'certificate_id,jurisdiction,death_date,age,sex,residence_county_fips,occurrence_county_fips,manner,part1_a,part1_b,part1_c,part1_d,part2,how_injury';
const SAMPLE = new URL('../fixtures/samples/certificates-small.csv', import.meta.url).pathname;

// The newest migration in sql/schema/ is the version a fresh database reports.
const SCHEMA_VERSION = Math.max(...fs.readdirSync(new URL('../sql/schema/', import.meta.url)).filter((f) => /^\d{3}_.*\.sql$/.test(f)).map((f) => Number(f.slice(0, 3))));

let server: TestServer;
let auth: { authorization: string };
beforeAll(async () => {
  server = await startTestServer({ demo: false });
  const { token } = await createToken(server.runtime.db.connection, { name: 'http test', role: 'admin', createdBy: 'test' });
  auth = { authorization: `Bearer ${token}` };
});
afterAll(() => server.close());

const api = (route: string) => new URL(route, server.url).toString();
/** fetch as the admin. */
const signed = (route: string, init: RequestInit = {}) => fetch(api(route), { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } });

async function upload(name: string, content: string | Blob) {
  const form = new FormData();
  form.append('file', typeof content === 'string' ? new Blob([content], { type: 'text/csv' }) : content, name);
  const response = await signed('/api/batches', { method: 'POST', body: form });
  return { status: response.status, location: response.headers.get('location'), body: (await response.json()) as Record<string, any> };
}

describe('HTTP API', () => {
  it('answers health with the schema version', async () => {
    const response = await fetch(api('/api/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', schemaVersion: SCHEMA_VERSION });
  });

  it('loads a good file and answers with the batch id and report', async () => {
    const { status, location, body } = await upload('good.csv', fs.readFileSync(SAMPLE, 'utf8'));
    expect(status).toBe(201);
    expect(body).toMatchObject({ status: 'loaded', recordsRead: 10, recordsLoaded: 10, recordsRejected: 0, errors: [], duplicateOf: null });
    expect(location).toBe(`/api/batches/${body.batchId}`);
    const again = await signed(location!);
    expect(await again.json()).toMatchObject({ batchId: body.batchId, status: 'loaded', recordsLoaded: 10 });
  });

  it('answers a resent file with the earlier batch, loading nothing', async () => {
    const { status, body } = await upload('good-again.csv', fs.readFileSync(SAMPLE, 'utf8'));
    expect(status).toBe(200);
    expect(body.duplicateOf).toBe(body.batchId);
  });

  it('loads the good rows of a file with bad rows and names each bad line and field', async () => {
    const { status, body } = await upload(
      'mixed.csv',
      `${HEADER}\nH1,TX,2024-03-01,33,M,48201,48201,A,Fentanyl toxicity,,,,,\nH2,TX,2024-03-01,thirty,M,48201,48201,A,Heroin toxicity,,,,,\nH3,TX,2024-03-01,33,M,48201,48201,Z,Heroin toxicity,,,,,\n`,
    );
    expect(status).toBe(201);
    expect(body).toMatchObject({
      status: 'loaded',
      recordsLoaded: 1,
      recordsRejected: 2,
      errors: [
        { line: 3, recordId: 'H2', field: 'age', message: 'not an age in whole years (0-130)' },
        { line: 4, recordId: 'H3', field: 'manner', message: 'not a manner of death code (N, A, S, H, P, C)' },
      ],
    });
  });

  it('rejects an empty file with a 422 that says so', async () => {
    const { status, body } = await upload('empty.csv', '');
    expect(status).toBe(422);
    expect(body).toMatchObject({ status: 'rejected', recordsLoaded: 0 });
    expect(body.error).toMatch(/the file is empty/);
  });

  it('rejects a file with the wrong columns, naming the missing ones', async () => {
    const { status, body } = await upload('wrong.csv', 'id,state,date\n1,OH,2024-01-01\n');
    expect(status).toBe(422);
    expect(body.error).toBe('line 1: the first line is not the certificate template header; it must start with: ' + HEADER);
    const partial = await upload('partial.csv', 'certificate_id,jurisdiction,death_date,age,sex,manner,part1_a\nX,OH,2024-01-01,1,M,A,x\n');
    expect(partial.body.error).toBe('line 1: missing required columns: residence_county_fips, occurrence_county_fips, part1_b, part1_c, part1_d, part2, how_injury');
  });

  it('answers 202 at once with ?async=true, shows progress while loading, then the report; errors as CSV', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `A${i},TX,2024-03-01,33,M,48201,48201,A,Fentanyl toxicity,,,,,`);
    rows[10] = 'BAD1,TX,2024-03-01,thirty,M,48201,48201,A,Heroin toxicity,,,,,';
    const response = await signed('/api/batches?async=true&name=async.csv', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: `${HEADER}\n${rows.join('\n')}\n` });
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { batchId: string; status: string };
    expect(accepted.status).toBe('processing');
    expect(response.headers.get('location')).toBe(`/api/batches/${accepted.batchId}`);
    const seen: string[] = [];
    let report: Record<string, any> = {};
    for (let i = 0; i < 600; i++) {
      report = (await (await signed(`/api/batches/${accepted.batchId}`)).json()) as Record<string, any>;
      seen.push(report.status);
      if (report.status === 'loaded') break;
      expect(report.progress).toMatchObject({ batchId: accepted.batchId, fileName: 'async.csv', bytes: expect.any(Number) });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(seen).toContain('processing');
    expect(report).toMatchObject({ status: 'loaded', recordsRead: 30_000, recordsLoaded: 29_999, recordsRejected: 1, progress: null });
    const csv = await signed(`/api/batches/${accepted.batchId}/errors.csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await csv.text()).toBe('line,record_id,field,message\n12,BAD1,age,not an age in whole years (0-130)\n');
  });

  it('lists the scheduled jobs and their recent runs', async () => {
    const response = await signed('/api/jobs');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { enabled: boolean; timeZone: string; jobs: { name: string; schedule: string }[]; runs: unknown[] };
    // Every job of the job list, with its configured schedule; the first three by their defaults.
    expect(body.jobs.map((j) => [j.name, j.schedule])).toEqual(JOBS.map((job) => [job.name, job.schedule(server.runtime.config)]));
    expect(body.jobs.slice(0, 3).map((j) => [j.name, j.schedule])).toEqual([
      ['inbox', '*/5 * * * *'],
      ['recode', '15 3 * * *'],
      ['detect', '45 4 * * *'],
    ]);
    expect(body.timeZone).toBe('America/New_York');
    expect(Array.isArray(body.runs)).toBe(true);
  });

  it('refuses other file types and requests without a file', async () => {
    expect((await upload('notes.pdf', 'x')).status).toBe(415);
    const response = await signed('/api/batches', { method: 'POST', body: new FormData() });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.message).toMatch(/no file/);
  });

  it('loads a 50 MB file, as multipart and as a streamed body', async () => {
    const file = path.join(server.runtime.dataDir, 'big.csv');
    const out = fs.createWriteStream(file);
    out.write(`${HEADER}\n`);
    let rows = 0;
    let bytes = 0;
    while (bytes < 50 * 1024 * 1024) {
      const line = `BIG${rows},OH,2024-0${(rows % 9) + 1}-15,${rows % 90},F,39061,39061,A,Acute combined fentanyl and methamphetamine toxicity,Opioid use disorder,,,Hypertensive cardiovascular disease,Decedent used illicit drugs at home\n`;
      if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      bytes += line.length;
      rows++;
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));
    const multipart = await upload('big.csv', await fs.openAsBlob(file));
    expect(multipart.status).toBe(201);
    expect(multipart.body).toMatchObject({ status: 'loaded', recordsRead: rows, recordsLoaded: rows, recordsRejected: 0 });

    // The same certificates again, amended, as a raw body: every one becomes version 2.
    const amended = fs.readFileSync(file, 'utf8').replaceAll('Decedent used illicit drugs at home', 'Used drugs');
    const streamed = await signed('/api/batches?name=big-amended.csv', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: amended });
    expect(streamed.status).toBe(201);
    expect(await streamed.json()).toMatchObject({ recordsLoaded: rows, recordsUnchanged: 0 });
    const [count] = (
      await server.runtime.db.connection.runAndReadAll(
        `SELECT count(*)::INTEGER AS versions, count(*) FILTER (WHERE is_current)::INTEGER AS current FROM certificates WHERE certificate_id LIKE 'BIG%'`,
      )
    ).getRowObjectsJson();
    expect(count).toEqual({ versions: rows * 2, current: rows });
  }, 180_000);

  // As the admin: unsuppressed counts (the public's are suppressed below 10; see aggregates tests).
  it('serves aggregates as JSON and as the same rows in Arrow IPC', async () => {
    // Cocaine: none of the 50 MB file's certificates name it, so only the sample file counts.
    const query = 'measure=cocaine&geography=county&unit=month&from=2024-01&to=2024-02';
    const json = (await (await signed(`/api/aggregates?${query}`)).json()) as { rows: Record<string, unknown>[] };
    expect(json.rows.map((r) => [r.geography, r.period, r.deaths])).toEqual([
      ['21111', '2024-01', 1],
      ['39061', '2024-01', 1],
    ]);
    const response = await signed(`/api/aggregates?${query}&format=arrow`);
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await response.arrayBuffer()));
    // The columns the dashboard reads (the aggregates tests own the rest).
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(expect.arrayContaining(['geography:Utf8', 'period:Utf8', 'deaths:Int32', 'population:Float64', 'rate_per_100k:Float64']));
    expect(table.toArray().map((row) => row.toJSON())).toEqual(json.rows);
    // Without from/to, the range is the data's: January (sample) to September (the 50 MB file).
    const defaults = (await (await signed('/api/aggregates?measure=cocaine&geography=nation&unit=total')).json()) as Record<string, unknown>;
    expect(defaults).toMatchObject({ from: '2024-01', to: '2024-09', rows: [{ geography: 'US', period: null, deaths: 2 }] });
    const accept = await signed(`/api/aggregates?${query}`, { headers: { accept: 'application/vnd.apache.arrow.stream' } });
    expect(accept.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
  });

  it('answers a bad parameter with a 400 that names it and its value', async () => {
    const cases: [string, string][] = [
      ['measure=fentanil', 'invalid measure: "fentanil"'],
      ['from=2024-13', 'invalid from: "2024-13" (expected a month as YYYY-MM'],
      ['geography=planet', 'invalid geography: "planet"'],
      ['sql=drop', 'sql'],
      ['from=2024-05&to=2024-01', 'invalid from: "2024-05" is after to "2024-01"'],
    ];
    for (const [query, message] of cases) {
      const response = await signed(`/api/aggregates?${query}`);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as any).error.message).toContain(message);
    }
    expect((await signed('/api/batches/not-a-batch')).status).toBe(400);
    expect((await signed('/api/batches/b20240101000000-00000000')).status).toBe(404);
    expect((await fetch(api('/api/nothing'))).status).toBe(404);
  });
});
