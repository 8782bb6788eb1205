/**
 * Reliability under concurrent load (issue 8): the real server on a real DuckDB file, coding in
 * worker threads; four uploaders, each scoped to its own jurisdiction, upload at the same time
 * (CSV and IJE, raw and multipart, waiting and async; records resent unchanged, amended, repeated
 * inside a file, a whole file resent, a bad record) while two clients keep querying the
 * aggregates and the dashboard's other routes; one corrupt upload lands in the middle of one
 * jurisdiction's good ones. Afterwards: exactly the records sent, per jurisdiction, none lost and
 * none twice; the corrupt file rejected with its line and nothing of it stored; every answer seen
 * during the load counted whole batches only; the aggregates after a refresh equal a direct count.
 * (Killed during ingest / during a correction: ingest-restart.test.ts, review-restart.test.ts.)
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaceField } from '../pipeline/formats/ije/fields.ts';
import { nchsRecordId } from '../pipeline/ingest/death-records.ts';
import { jobNamed } from '../pipeline/jobs/job-list.ts';
import { CERTIFICATE_COLUMNS } from '../pipeline/records/certificate.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

/** Jurisdiction → its state FIPS and the county (of residence and of death) its records use. */
const JURISDICTIONS = { OH: { state: '39', county: '061' }, KY: { state: '21', county: '111' }, WV: { state: '54', county: '039' }, PA: { state: '42', county: '003' } } as const;
type Jurisdiction = keyof typeof JURISDICTIONS;
const CORRUPT_IN: Jurisdiction = 'KY';

const CAUSES: readonly [string, string][] = [
  ['Acute fentanyl toxicity', 'A'],
  ['Combined fentanyl and methamphetamine toxicity', 'A'],
  ['Heroin overdose', 'A'],
  ['Cocaine toxicity', 'A'],
  ['Atherosclerotic cardiovascular disease', 'N'],
  ['Sepsis', 'N'],
  ['Chronic obstructive pulmonary disease', 'N'],
  ['Metastatic lung cancer', 'N'],
  ['Gunshot wound of chest', 'H'],
  ['Hypertensive heart disease', 'N'],
];
const AMENDED_CAUSE = 'Acute fentanyl and xylazine toxicity';

const deathDate = (n: number) => `2024-0${(n % 4) + 1}-${String((n % 28) + 1).padStart(2, '0')}`;

// --- Certificate CSV template ---------------------------------------------------------------
const csvId = (j: Jurisdiction, n: number) => `${j}-C${String(n).padStart(4, '0')}`;
function csvLine(j: Jurisdiction, n: number, cause = CAUSES[n % CAUSES.length]!): string {
  const fips = JURISDICTIONS[j].state + JURISDICTIONS[j].county;
  return `${csvId(j, n)},${j},${deathDate(n)},${20 + (n % 70)},${n % 2 ? 'M' : 'F'},${fips},${fips},${cause[1]},${cause[0]},,,,,`;
}
const csvFile = (lines: readonly string[]) => `${CERTIFICATE_COLUMNS.join(',')}\n${lines.join('\n')}\n`;

// --- IJE mortality records, from a conformance record with our fields in place ---------------
const IJE_TEMPLATE = fs.readFileSync(new URL('../fixtures/conformance/vrdr-dotnet/ije/CODandCOUNTYCOther.ije', import.meta.url), 'latin1');
const ijeId = (j: Jurisdiction, n: number) => nchsRecordId(2024, j, String(n).padStart(6, '0'));
function ijeRecord(j: Jurisdiction, n: number): string {
  const [text, manner] = CAUSES[n % CAUSES.length]!;
  const date = deathDate(n);
  const fields: [Parameters<typeof replaceField>[1], string][] = [
    ['FILENO', String(n).padStart(6, '0')], ['DSTATE', j], ['STATEC', j], ['COUNTYC', JURISDICTIONS[j].county], ['COD', JURISDICTIONS[j].county],
    ['DOD_YR', '2024'], ['DOD_MO', date.slice(5, 7)], ['DOD_DY', date.slice(8, 10)], ['MANNER', manner],
    ['COD1A', text.padEnd(120)], ['COD1B', ''.padEnd(120)], ['COD1C', ''.padEnd(120)], ['COD1D', ''.padEnd(120)],
  ];
  return fields.reduce((record, [name, value]) => replaceField(record, name, value), IJE_TEMPLATE);
}
const ijeFile = (records: readonly string[]) => records.join('\n') + '\n';
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** One upload as an uploader sends it, and what its report must say. */
interface Upload {
  name: string;
  text: string;
  how: 'raw' | 'multipart' | 'async';
  expect: { http: number; status: string; loaded: number; unchanged: number; rejected: number; duplicateOf?: string };
  /** Certificates this upload adds (new ids), for the counts a reader may see between batches. */
  adds: number;
}

/** A jurisdiction's uploads in order; the ids every one of its current certificates must have. */
/** Per jurisdiction: certificates of each file (new ones), resent unchanged, amended, repeated inside a file. */
const SIZE = { csv1: 3000, ije2: 1000, csv3: 2400, ije4: 1000, csv5: 1800, csv6: 1500, ije7: 600, resentCsv: 200, resentIje: 50, amended: 25, repeated: 60 } as const;

function plan(j: Jurisdiction): { uploads: Upload[]; ids: string[]; versions: number } {
  const { csv1, ije2, csv3, ije4, csv5, csv6, ije7, resentCsv, resentIje, amended, repeated } = SIZE;
  const csvNew = csv1 + csv3 + csv5;
  const bad = `${j}-BAD,${j},2024-02-30,40,F,${JURISDICTIONS[j].state}${JURISDICTIONS[j].county},,A,Acute fentanyl toxicity,,,,,`;
  const first = csvFile(range(0, csv1).map((n) => csvLine(j, n)));
  const uploads: Upload[] = [
    { name: `${j}-1.csv`, text: first, how: 'raw', expect: { http: 201, status: 'loaded', loaded: csv1, unchanged: 0, rejected: 0 }, adds: csv1 },
    { name: `${j}-2.ije`, text: ijeFile(range(1, ije2 + 1).map((n) => ijeRecord(j, n))), how: 'async', expect: { http: 202, status: 'loaded', loaded: ije2, unchanged: 0, rejected: 0 }, adds: ije2 },
    // New ones, some of the first file's resent unchanged, some amended (new versions of stored certificates).
    {
      name: `${j}-3.csv`, how: 'multipart', adds: csv3,
      text: csvFile([
        ...range(csv1, csv1 + csv3).map((n) => csvLine(j, n)),
        ...range(0, resentCsv).map((n) => csvLine(j, n)),
        ...range(resentCsv, resentCsv + amended).map((n) => csvLine(j, n, [AMENDED_CAUSE, 'A'])),
      ]),
      expect: { http: 201, status: 'loaded', loaded: csv3 + amended, unchanged: resentCsv, rejected: 0 },
    },
    // The first file again, byte for byte: nothing is loaded (the report is the first one's).
    { name: `${j}-1-again.csv`, text: first, how: 'raw', expect: { http: 200, status: 'loaded', loaded: csv1, unchanged: 0, rejected: 0, duplicateOf: `${j}-1.csv` }, adds: 0 },
    // New ones and some of the first IJE file's resent unchanged.
    {
      name: `${j}-4.ije`, how: 'async', adds: ije4,
      text: ijeFile([...range(ije2 + 1, ije2 + ije4 + 1), ...range(1, resentIje + 1)].map((n) => ijeRecord(j, n))),
      expect: { http: 202, status: 'loaded', loaded: ije4, unchanged: resentIje, rejected: 0 },
    },
    // New ones, some of them repeated within the file, and one record with an impossible date.
    {
      name: `${j}-5.csv`, how: 'raw', adds: csv5,
      text: csvFile([...range(csv1 + csv3, csv1 + csv3 + csv5).map((n) => csvLine(j, n)), bad, ...range(csv1 + csv3, csv1 + csv3 + repeated).map((n) => csvLine(j, n))]),
      expect: { http: 201, status: 'loaded', loaded: csv5, unchanged: repeated, rejected: 1 },
    },
    { name: `${j}-6.csv`, text: csvFile(range(csvNew, csvNew + csv6).map((n) => csvLine(j, n))), how: 'async', expect: { http: 202, status: 'loaded', loaded: csv6, unchanged: 0, rejected: 0 }, adds: csv6 },
    { name: `${j}-7.ije`, text: ijeFile(range(ije2 + ije4 + 1, ije2 + ije4 + ije7 + 1).map((n) => ijeRecord(j, n))), how: 'raw', expect: { http: 201, status: 'loaded', loaded: ije7, unchanged: 0, rejected: 0 }, adds: ije7 },
  ];
  if (j === CORRUPT_IN) {
    // Between good ones: a quote opened on record 150 and never closed. The whole file is refused.
    const fips = JURISDICTIONS[j].state + JURISDICTIONS[j].county;
    const lines = range(0, 300).map((n) => `${j}-X${n},${j},2024-03-01,40,F,${fips},${fips},A,Acute fentanyl toxicity,,,,,`);
    lines[149] = `${j}-X149,${j},2024-03-01,40,F,${fips},${fips},A,"Acute fentanyl toxicity,,,,,`;
    uploads.splice(2, 0, { name: `${j}-corrupt.csv`, text: csvFile(lines), how: 'raw', expect: { http: 422, status: 'rejected', loaded: 0, unchanged: 0, rejected: 0 }, adds: 0 });
  }
  const ids = range(0, csvNew + csv6).map((n) => csvId(j, n)).concat(range(1, ije2 + ije4 + ije7 + 1).map((n) => ijeId(j, n)));
  return { uploads, ids, versions: ids.length + amended };
}

const PLANS = Object.fromEntries((Object.keys(JURISDICTIONS) as Jurisdiction[]).map((j) => [j, plan(j)])) as Record<Jurisdiction, ReturnType<typeof plan>>;
/** The number of current certificates a reader may see for a jurisdiction: a whole number of its batches. */
const PREFIX_COUNTS = Object.fromEntries(
  Object.entries(PLANS).map(([j, p]) => [JURISDICTIONS[j as Jurisdiction].state, new Set(p.uploads.reduce((sums, u) => [...sums, sums.at(-1)! + u.adds], [0]))]),
) as Record<string, Set<number>>;

let server: TestServer;
const tokens: Record<string, string> = {};
const tried = { uploads: 0, polls: 0, queries: 0, recordsSent: 0 };
/** How long each query took (ms), for the summary line. */
const latencies: number[] = [];

async function request(token: string | null, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(new URL(path, server.url), { ...init, headers });
}

/** Sends one upload the way it says; resolves with the HTTP status and the finished batch report. */
async function send(token: string, upload: Upload): Promise<{ http: number; report: any }> {
  tried.uploads++;
  tried.recordsSent += upload.text.trimEnd().split('\n').length - (upload.name.endsWith('.csv') ? 1 : 0);
  const path = `/api/batches?name=${encodeURIComponent(upload.name)}`;
  if (upload.how === 'multipart') {
    const form = new FormData();
    form.append('file', new Blob([upload.text], { type: 'text/csv' }), upload.name);
    const response = await request(token, path, { method: 'POST', body: form });
    return { http: response.status, report: await response.json() };
  }
  const type = upload.name.endsWith('.ije') ? 'text/plain' : 'text/csv';
  const response = await request(token, upload.how === 'async' ? `${path}&async=true` : path, { method: 'POST', body: upload.text, headers: { 'content-type': type } });
  const body = (await response.json()) as any;
  if (upload.how !== 'async' || response.status !== 202) return { http: response.status, report: body };
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    tried.polls++;
    const polled = await request(token, `/api/batches/${body.batchId}`);
    expect(polled.status).toBe(200);
    const report = (await polled.json()) as any;
    if (report.status !== 'processing' && report.status !== 'received') return { http: response.status, report };
  }
}

/** Each uploader sends its batches one after another; the jurisdictions go at the same time. */
async function uploadAll(): Promise<Record<Jurisdiction, { http: number; report: any }[]>> {
  const entries = await Promise.all(
    (Object.keys(PLANS) as Jurisdiction[]).map(async (j) => {
      const results = [];
      for (const upload of PLANS[j].uploads) results.push(await send(tokens[j]!, upload));
      return [j, results] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Jurisdiction, { http: number; report: any }[]>;
}

/** What a reader saw of the per-state totals while the uploads ran. */
const observed: Record<string, number>[] = [];

const STATE_TOTALS = '/api/aggregates?measure=all_deaths&geography=state&unit=total&from=2024-01&to=2024-04';

/**
 * A dashboard-like client: its routes, round after round, until `done`; every answer must be a
 * 200. With a token (an epidemiologist: unsuppressed counts) it reads the state totals between
 * any two other requests, to catch a batch half-visible.
 */
async function keepQuerying(token: string | null, done: () => boolean, failures: string[]): Promise<void> {
  const routes = [
    '/api/aggregates?measure=all_overdose&geography=state&unit=month',
    '/api/aggregates?measure=any_opioid&geography=county&state=39&unit=month&format=arrow',
    '/api/aggregates?measure=all_overdose&geography=nation&unit=week&by=sex',
    '/api/aggregates?measure=all_overdose&geography=county&state=21&unit=total',
    '/api/meta',
    '/api/alerts',
    '/api/combinations',
    '/api/session',
    '/',
    ...(token ? ['/api/clusters'] : []),
  ].flatMap((route) => (token ? [route, STATE_TOTALS] : [route]));
  while (!done()) {
    for (const route of routes) {
      if (done()) break;
      tried.queries++;
      const asked = performance.now();
      const response = await request(token, route);
      if (response.status !== 200) failures.push(`${route}: ${response.status} ${await response.text()}`);
      else if (route === STATE_TOTALS) {
        const body = (await response.json()) as { rows: { geography: string; count: number | null }[] };
        observed.push(Object.fromEntries(body.rows.map((r) => [r.geography, r.count ?? 0])));
      } else await response.arrayBuffer();
      latencies.push(performance.now() - asked);
      // Paced, so the whole test stays under the API's rate limit (1,200 requests a minute).
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

const read = async (sql: string) => (await server.runtime.db.connection.runAndReadAll(sql)).getRowObjectsJson();

beforeAll(async () => {
  server = await startTestServer({ demo: false, codingWorkers: 2 });
  const db = server.runtime.db.connection;
  for (const j of Object.keys(JURISDICTIONS)) tokens[j] = (await createToken(db, { name: `${j} uploads`, role: 'uploader', jurisdictions: [j], createdBy: 'test' })).token;
  tokens.epidemiologist = (await createToken(db, { name: 'epi', role: 'epidemiologist', createdBy: 'test' })).token;
}, 120_000);
afterAll(() => server?.close());

describe('concurrent uploads from four jurisdictions while the dashboard is queried', () => {
  let results: Awaited<ReturnType<typeof uploadAll>>;
  const failures: string[] = [];

  it('every upload gets the report it should, while every query is answered', async () => {
    const started = performance.now();
    let uploading = true;
    const readers = [keepQuerying(tokens.epidemiologist!, () => !uploading, failures), keepQuerying(null, () => !uploading, failures)];
    try {
      results = await uploadAll();
    } finally {
      uploading = false;
      await Promise.all(readers);
    }
    expect(failures).toEqual([]);
    for (const [j, sent] of Object.entries(results) as [Jurisdiction, { http: number; report: any }[]][]) {
      const byName = new Map(sent.map((r, i) => [PLANS[j].uploads[i]!.name, r.report]));
      sent.forEach(({ http, report }, i) => {
        const { name, expect: wanted } = PLANS[j].uploads[i]!;
        expect({ name, http, status: report.status, loaded: report.recordsLoaded, unchanged: report.recordsUnchanged, rejected: report.recordsRejected }).toEqual({
          name, http: wanted.http, status: wanted.status, loaded: wanted.loaded, unchanged: wanted.unchanged, rejected: wanted.rejected,
        });
        if (wanted.duplicateOf) expect(report.duplicateOf).toBe(byName.get(wanted.duplicateOf).batchId);
      });
      // The bad record: its line (the header, then the new ones), id and field.
      const fifth = byName.get(`${j}-5.csv`);
      expect(fifth.errors).toEqual([{ line: SIZE.csv5 + 2, recordId: `${j}-BAD`, field: 'death_date', message: 'not a calendar date in YYYY-MM-DD form' }]);
    }
    const corrupt = results[CORRUPT_IN].find((r) => r.report.fileName === `${CORRUPT_IN}-corrupt.csv`)!.report;
    expect(corrupt).toMatchObject({ status: 'rejected', recordsLoaded: 0, error: 'line 151: a quoted field is never closed' });
    const sorted = [...latencies].sort((a, b) => a - b);
    console.info(
      `reliability: ${tried.uploads} uploads (${tried.recordsSent} records sent), ${tried.polls} progress polls, ${tried.queries} queries ` +
        `(median ${Math.round(sorted[sorted.length >> 1] ?? 0)} ms, max ${Math.round(sorted.at(-1) ?? 0)} ms; ` +
        `${observed.length} state totals read during the load, ${new Set(observed.map((o) => JSON.stringify(o))).size} distinct) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 90_000);

  it('no record lost, none stored twice: exactly what each jurisdiction sent', async () => {
    const current = await read(`SELECT jurisdiction, list(certificate_id ORDER BY certificate_id) AS ids FROM certificates WHERE is_current GROUP BY 1 ORDER BY 1`);
    expect(current).toEqual(
      (Object.keys(PLANS) as Jurisdiction[]).sort().map((j) => ({ jurisdiction: j, ids: [...PLANS[j].ids].sort() })),
    );
    const versions = await read(`SELECT jurisdiction, count(*)::INTEGER AS n, count(*) FILTER (version = 2)::INTEGER AS amended, max(version)::INTEGER AS top FROM certificates GROUP BY 1 ORDER BY 1`);
    expect(versions).toEqual((Object.keys(PLANS) as Jurisdiction[]).sort().map((j) => ({ jurisdiction: j, n: PLANS[j].versions, amended: SIZE.amended, top: 2 })));
    // Every version is coded exactly once, and its one coding is current.
    expect(await read(`SELECT count(*)::INTEGER AS n FROM certificates c LEFT JOIN coded_deaths d USING (record_id) WHERE d.record_id IS NULL`)).toEqual([{ n: 0 }]);
    expect(await read(`SELECT count(*)::INTEGER AS n FROM coded_deaths GROUP BY record_id HAVING count(*) <> 1 OR NOT bool_and(is_current)`)).toEqual([]);
    // Amended certificates: the later text is current.
    expect(await read(`SELECT count(*)::INTEGER AS n FROM certificates WHERE is_current AND version = 2 AND part1_a = '${AMENDED_CAUSE}'`)).toEqual([{ n: 4 * SIZE.amended }]);
    // Nothing of the corrupt file; its batch is recorded as rejected with its raw file kept.
    expect(await read(`SELECT count(*)::INTEGER AS n FROM certificates WHERE certificate_id LIKE '%-X%'`)).toEqual([{ n: 0 }]);
    expect(await read(`SELECT jurisdiction, status, count(*)::INTEGER AS n FROM batches GROUP BY ALL ORDER BY 1, 2`)).toEqual(
      (Object.keys(PLANS) as Jurisdiction[]).sort().flatMap((j) => [{ jurisdiction: j, status: 'loaded', n: 7 }, ...(j === CORRUPT_IN ? [{ jurisdiction: j, status: 'rejected', n: 1 }] : [])]),
    );
  });

  it('every answer read during the load counted whole batches only, never fewer than before', () => {
    expect(observed.length).toBeGreaterThan(0);
    const last: Record<string, number> = {};
    for (const totals of observed) {
      for (const [state, allowed] of Object.entries(PREFIX_COUNTS)) {
        const seen = totals[state] ?? 0;
        expect(allowed.has(seen), `state ${state}: ${seen} is not a whole number of batches (${[...allowed].join(', ')})`).toBe(true);
        expect(seen).toBeGreaterThanOrEqual(last[state] ?? 0);
        last[state] = seen;
      }
    }
  });

  it('after a refresh the aggregates, from the cache, equal a direct count of the records', async () => {
    await jobNamed('refresh-aggregates')!.run(server.runtime);
    const direct = await read(
      `SELECT left(c.residence_county_fips, 2) AS state, count(*)::INTEGER AS deaths, count(*) FILTER (d.is_drug_overdose)::INTEGER AS overdoses
       FROM certificates c JOIN coded_deaths d ON d.record_id = c.record_id AND d.is_current
       WHERE c.is_current AND NOT c.voided GROUP BY 1 ORDER BY 1`,
    );
    expect(direct.map((r) => [r.state, r.deaths])).toEqual(
      (Object.keys(PLANS) as Jurisdiction[]).map((j) => [JURISDICTIONS[j].state, PLANS[j].ids.length]).sort(),
    );
    for (const [measure, column] of [['all_deaths', 'deaths'], ['all_overdose', 'overdoses']] as const) {
      const response = await request(tokens.epidemiologist!, `/api/aggregates?measure=${measure}&geography=state&unit=total&from=2024-01&to=2024-04`);
      const body = (await response.json()) as { figures_from: string; rows: { geography: string; count: number }[] };
      expect(body.figures_from).toBe('cache');
      expect(body.rows.filter((r) => r.count > 0).map((r) => [r.geography, r.count]).sort()).toEqual(direct.map((r) => [r.state, r[column]]));
    }
    const overdoses = direct.reduce((sum, r) => sum + Number(r.overdoses), 0);
    expect(overdoses).toBeGreaterThan(0);
  });
});
