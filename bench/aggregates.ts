/**
 * Aggregates benchmark: 10,000,000 coded deaths and 10,000,000 ED visits in a fresh database file,
 * the aggregate cache refreshed, then GET /api/aggregates measured over real HTTP.
 *
 *   npx tsx bench/aggregates.ts [--deaths 10000000] [--visits 10000000] [--requests 200] [--wrk-seconds 15] [--keep DIR]
 *
 * The records are generated directly in DuckDB with SQL (generate_series): they bypass parsing,
 * validation and the coders (bench/ingest.ts measures those), so that tens of millions of rows can
 * be loaded in a minute. Distributions are realistic where the aggregates care: counties drawn by
 * their 2024 population, a county-level overdose propensity (0.4-2x), 3.5% of deaths overdoses with
 * NCHS-like drug mixes (fentanyl ~68%, psychostimulants ~30%, T50.9 alone ~5%), ages and sexes as
 * deaths and overdoses have them, 2022-2024 with a winter excess; ED visits through 2024 with
 * ~1.2% meeting the all-drug overdose syndrome.
 *
 * Prints: load and refresh times; per endpoint variant p50/p95 latency over --requests sequential
 * requests (after warm-up; the first, cold request separately) against the real server (`startServer`,
 * rate limits and all: requests come from rotating loopback addresses, as many clients would), where
 * a repeated question is served from the answer cache (server/answer-cache.ts) and only the cold
 * request builds it; the same variants with the answer cache off (every request counts, suppresses
 * and serialises: what a question costs the first time after each refresh); then throughput with 32 concurrent connections using wrk, against the same routes mounted
 * without the per-address rate limit (one address is allowed 1,200 requests a minute, which wrk
 * would exhaust in a second); and the machine.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import express from 'express';
import helmet from 'helmet';
import pino from 'pino';
import { loadConfig } from '../pipeline/config.ts';
import { refreshAggregates } from '../pipeline/jobs/refresh-aggregates.ts';
import { openRuntime } from '../pipeline/runtime.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { authenticate } from '../server/auth/authenticate.ts';
import { errorHandler, notFound } from '../server/errors.ts';
import { aggregateRoutes } from '../server/routes/aggregates.ts';
import { BackgroundWork } from '../server/background.ts';
import { startServer } from '../server/start.ts';
import { machineDescription } from './machine.ts';

const { values } = parseArgs({
  options: {
    deaths: { type: 'string', default: '10000000' },
    visits: { type: 'string', default: '10000000' },
    requests: { type: 'string', default: '200' },
    'wrk-seconds': { type: 'string', default: '15' },
    keep: { type: 'string' },
  },
});
const deaths = Number(values.deaths);
const visits = Number(values.visits);
const requests = Number(values.requests);
const wrkSeconds = Number(values['wrk-seconds']);
for (const [name, n] of [['deaths', deaths], ['visits', visits], ['requests', requests], ['wrk-seconds', wrkSeconds]] as const) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
}

// u(i, k): a uniform number in [0, 1) for row i and draw k, from DuckDB's hash (seeded by k).
const U = (k: number, i = 'i') => `((hash(${i}, ${k}) % 1000000007) / 1000000007.0)`;

/** Deaths, 2022-2024. The county-level overdose propensity is a hash of the county, so places differ. */
const GENERATE_DEATHS = `
CREATE TEMP TABLE county_cdf AS
SELECT fips, coalesce(sum(population) OVER (ORDER BY fips ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) / sum(population) OVER () AS before,
  0.4 + 1.6 * ((hash(fips) % 1000) / 1000.0) AS overdose_propensity
FROM populations WHERE year = 2024 AND age_group = 'all' AND sex = 'all';

CREATE TEMP TABLE bench_deaths AS
WITH draws AS (
  SELECT i, ${U(1)} AS u_county, ${U(2)} AS u_day, ${U(3)} AS u_od, ${U(4)} AS u_age, ${U(5)} AS u_sex, ${U(6)} AS u_manner, ${U(7)} AS u_winter
  FROM range($deaths) t(i)
)
SELECT d.i, c.fips,
  -- A tenth of the deaths in January-February on top: the winter excess of all-cause mortality.
  CASE WHEN d.u_winter < 0.1 THEN make_date(2022 + CAST(floor(d.u_day * 3) AS INTEGER), 1, 1) + CAST(floor(d.u_day * 100000) % 59 AS INTEGER)
       ELSE DATE '2022-01-01' + CAST(floor(d.u_day * 1096) AS INTEGER) END AS death_date,
  d.u_od < 0.035 * c.overdose_propensity / 1.2 AS overdose, d.u_age, d.u_sex, d.u_manner
FROM draws d ASOF JOIN county_cdf c ON d.u_county >= c.before;

INSERT INTO batches VALUES ('bench', 'deaths', 'certificate-csv', 'bench (generated in SQL)', '', '', 0, 'cli', NULL, 'loaded', now(), now(), $deaths, $deaths, 0, 0, NULL);

INSERT INTO certificates (record_id, jurisdiction, certificate_id, version, is_current, voided, content_hash, batch_id, loaded_at, death_date, age, sex, residence_county_fips, occurrence_county_fips, manner)
SELECT i + 1, substr(fips, 1, 2), 'B' || i, 1, true, false, 0, 'bench', now(), death_date,
  CAST(CASE WHEN overdose THEN
      CASE WHEN u_age < 0.07 THEN 15 + u_age * 100 WHEN u_age < 0.31 THEN 25 + (u_age - 0.07) * 40 WHEN u_age < 0.58 THEN 35 + (u_age - 0.31) * 37
           WHEN u_age < 0.78 THEN 45 + (u_age - 0.58) * 50 WHEN u_age < 0.94 THEN 55 + (u_age - 0.78) * 62 ELSE 65 + (u_age - 0.94) * 300 END
    ELSE
      CASE WHEN u_age < 0.007 THEN 0 WHEN u_age < 0.009 THEN 1 + (u_age - 0.007) * 1500 WHEN u_age < 0.012 THEN 5 + (u_age - 0.009) * 3000
           WHEN u_age < 0.025 THEN 15 + (u_age - 0.012) * 769 WHEN u_age < 0.05 THEN 25 + (u_age - 0.025) * 400 WHEN u_age < 0.085 THEN 35 + (u_age - 0.05) * 285
           WHEN u_age < 0.145 THEN 45 + (u_age - 0.085) * 166 WHEN u_age < 0.275 THEN 55 + (u_age - 0.145) * 77 WHEN u_age < 0.475 THEN 65 + (u_age - 0.275) * 50
           WHEN u_age < 0.705 THEN 75 + (u_age - 0.475) * 43 ELSE 85 + (u_age - 0.705) * 50 END
  END AS SMALLINT),
  CASE WHEN u_sex < (CASE WHEN overdose THEN 0.69 ELSE 0.51 END) THEN 'M' WHEN u_sex < 0.999 THEN 'F' ELSE NULL END,
  fips, fips,
  CASE WHEN overdose THEN CASE WHEN u_manner < 0.92 THEN 'A' WHEN u_manner < 0.97 THEN 'S' ELSE 'C' END
       ELSE CASE WHEN u_manner < 0.92 THEN 'N' WHEN u_manner < 0.965 THEN 'A' WHEN u_manner < 0.978 THEN 'S' WHEN u_manner < 0.984 THEN 'H' WHEN u_manner < 0.996 THEN 'P' ELSE 'C' END END
FROM bench_deaths;

INSERT INTO coded_deaths
SELECT i + 1, 'bench', 'bench', now(), true,
  CASE WHEN overdose THEN CASE WHEN u_manner < 0.92 THEN 'X42' WHEN u_manner < 0.97 THEN 'X62' ELSE 'Y12' END
       WHEN u_manner >= 0.984 AND u_manner < 0.996 THEN 'R99' ELSE (['I25.1', 'C34.9', 'J44.9', 'G30.9', 'I64', 'E14.9'])[CAST(floor(u_age * 6) AS INTEGER) + 1] END,
  overdose,
  CASE WHEN overdose THEN coalesce(nullif(drugs, []), ['T50.9']) ELSE [] END,
  '[]', '[]', NULL, false, [], '[]'
FROM (
  SELECT *, list_filter([
      CASE WHEN ${U(11)} < 0.68 THEN 'T40.4' END, CASE WHEN ${U(12)} < 0.30 THEN 'T43.6' END, CASE WHEN ${U(13)} < 0.22 THEN 'T40.5' END,
      CASE WHEN ${U(14)} < 0.08 THEN 'T40.1' END, CASE WHEN ${U(15)} < 0.12 THEN 'T40.2' END, CASE WHEN ${U(16)} < 0.10 THEN 'T42.4' END,
      CASE WHEN ${U(17)} < 0.03 THEN 'T40.3' END], x -> x IS NOT NULL) AS drugs
  FROM bench_deaths
);
`;

/** ED visits through 2024; the built-in syndromes at NSSP-like shares. */
const GENERATE_VISITS = `
INSERT INTO batches VALUES ('bench-ed', 'ed', 'ed-csv', 'bench (generated in SQL)', '', '', 0, 'cli', NULL, 'loaded', now(), now(), $visits, $visits, 0, 0, NULL);

CREATE TEMP TABLE bench_visits AS
SELECT i, c.fips, TIMESTAMP '2024-01-01' + to_seconds(CAST(floor(${U(21)} * 366 * 86400) AS BIGINT)) AS visit_at, ${U(22)} AS u_age, ${U(23)} AS u_sex, ${U(24)} AS u_drug
FROM (SELECT i, ${U(20)} AS u_county FROM range($visits) t(i)) d ASOF JOIN county_cdf c ON d.u_county >= c.before;

INSERT INTO ed_visits (record_id, facility_id, visit_id, version, is_current, content_hash, batch_id, loaded_at, visit_datetime, age, sex, patient_county_fips, chief_complaint, discharge_diagnoses)
SELECT 100000000 + i, 'F' || substr(fips, 1, 2), 'V' || i, 1, true, 0, 'bench-ed', now(), visit_at, CAST(floor(u_age * 90) AS SMALLINT),
  CASE WHEN u_sex < 0.48 THEN 'M' WHEN u_sex < 0.995 THEN 'F' ELSE 'U' END, fips, 'generated', []
FROM bench_visits;

INSERT INTO coded_ed_visits
SELECT 100000000 + i, 'bench', 'bench', 'bench', now(), true, [], '[]', [],
  CASE WHEN u_drug < 0.012 THEN list_filter(['all_drug',
      CASE WHEN u_drug < 0.0054 THEN 'opioid' END, CASE WHEN u_drug < 0.0024 THEN 'fentanyl' END, CASE WHEN u_drug < 0.0012 THEN 'heroin' END,
      CASE WHEN u_drug >= 0.0084 THEN 'stimulant' END, CASE WHEN u_drug >= 0.0108 THEN 'cocaine' END,
      CASE WHEN u_drug >= 0.0060 AND u_drug < 0.0070 THEN 'benzodiazepine' END], x -> x IS NOT NULL) ELSE [] END,
  [], NULL, false, []
FROM bench_visits;
`;

/** 1,000 more certificates, all in October 2024 (a late batch of one jurisdiction's month). */
const ADD_BATCH = `
SET VARIABLE late_batch = 'late-' || epoch_ms(now());
INSERT INTO certificates (record_id, jurisdiction, certificate_id, version, is_current, voided, content_hash, batch_id, loaded_at, death_date, age, sex, residence_county_fips, occurrence_county_fips, manner)
SELECT m.top + i + 1, '39', getvariable('late_batch') || '-' || i, 1, true, false, 0, getvariable('late_batch'), now(), DATE '2024-10-01' + CAST(i % 31 AS INTEGER), CAST(20 + i % 60 AS SMALLINT), 'M', '39061', '39061', 'A'
FROM range(1000) t(i), (SELECT max(record_id) AS top FROM certificates) m;
INSERT INTO coded_deaths
SELECT record_id, 'bench', 'bench', now(), true, 'X42', true, ['T40.4'], '[]', '[]', NULL, false, [], '[]'
FROM certificates WHERE batch_id = getvariable('late_batch');
`;

interface Variant {
  name: string;
  query: string;
  token?: string;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/** One GET over a fresh connection from `localAddress`; resolves with the status and milliseconds. */
function timedGet(url: URL, localAddress: string, token?: string): Promise<{ status: number; ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.get({ host: url.hostname, port: url.port, path: url.pathname + url.search, localAddress, agent: false, headers: token ? { authorization: `Bearer ${token}` } : {} }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started, bytes }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

async function main(): Promise<void> {
  const dataDir = values.keep ? path.resolve(values.keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-aggregates-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const config = loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'silent', VIGIL_JOBS_ENABLED: 'false', PORT: '0' });
  const runtime = await openRuntime(config, pino({ level: 'silent' }));
  const log = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const loaded = Number((await runtime.db.connection.runAndReadAll('SELECT count(*) AS n FROM certificates')).getRowObjects()[0]!.n);
    if (loaded === 0) {
      let started = performance.now();
      for (const statement of GENERATE_DEATHS.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean)) await runtime.db.connection.run(statement, statement.includes('$deaths') ? { deaths } : undefined);
      log(`generated ${deaths.toLocaleString('en-US')} coded deaths in DuckDB: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      started = performance.now();
      for (const statement of GENERATE_VISITS.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean)) await runtime.db.connection.run(statement, statement.includes('$visits') ? { visits } : undefined);
      log(`generated ${visits.toLocaleString('en-US')} coded ED visits in DuckDB: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      await runtime.db.connection.run('CHECKPOINT');
    } else log(`reusing ${loaded.toLocaleString('en-US')} certificates in ${dataDir}`);
    const counts = (await runtime.db.connection.runAndReadAll(`SELECT count(*) FILTER (WHERE is_drug_overdose) AS od, count(*) AS n FROM coded_deaths`)).getRowObjectsJson()[0]!;
    log(`deaths: ${Number(counts.n).toLocaleString('en-US')}, of which overdoses ${Number(counts.od).toLocaleString('en-US')}`);

    let refreshStarted = performance.now();
    const summary = await refreshAggregates(runtime.db, { full: true });
    log(`refresh-aggregates (full): ${((performance.now() - refreshStarted) / 1000).toFixed(1)} s; cache rows: deaths ${summary.deaths.cacheRows.toLocaleString('en-US')}, ED ${summary.ed.cacheRows.toLocaleString('en-US')}`);
    // A batch's worth of new certificates in one month, then the incremental refresh it needs.
    await runtime.db.connection.run(ADD_BATCH);
    refreshStarted = performance.now();
    const incremental = await refreshAggregates(runtime.db);
    log(`refresh-aggregates after 1,000 new certificates in one month: ${((performance.now() - refreshStarted) / 1000).toFixed(1)} s (${incremental.deaths.mode}: ${incremental.deaths.months.join(', ')})`);
    const { token } = await createToken(runtime.db.connection, { name: 'bench', role: 'epidemiologist', createdBy: 'bench' });

    const server = await startServer(runtime, { port: 0, host: '127.0.0.1' });
    const variants: Variant[] = [
      { name: 'county × month (public)', query: 'measure=all_overdose&geography=county&unit=month&from=2024-01&to=2024-12' },
      { name: 'county × month (epidemiologist)', query: 'measure=all_overdose&geography=county&unit=month&from=2024-01&to=2024-12', token },
      // Days and weeks below the nation are for signed-in readers (the public grid: pipeline/stats/aggregates/public-grid.ts).
      { name: 'state × week (epidemiologist)', query: 'measure=synthetic_opioid&geography=state&unit=week&from=2024-01&to=2024-12', token },
      { name: 'state × month (public)', query: 'measure=synthetic_opioid&geography=state&unit=month&from=2024-01&to=2024-12' },
      { name: 'nation × day', query: 'measure=all_overdose&geography=nation&unit=day&from=2022-01&to=2024-12' },
      { name: '12mo, state (public)', query: 'measure=all_overdose&geography=state&unit=12mo&from=2023-01&to=2024-12' },
      { name: 'by=age_group, state × year (public)', query: 'measure=all_overdose&geography=state&unit=year&by=age_group&from=2022-01&to=2024-12' },
      { name: 'by=age_group, county × year (epidemiologist)', query: 'measure=all_overdose&geography=county&unit=year&by=age_group&from=2024-01&to=2024-12', token },
      { name: 'csv, county × total (public)', query: 'measure=all_overdose&geography=county&unit=total&from=2024-01&to=2024-12&format=csv' },
      { name: 'parquet, county × month (epidemiologist)', query: 'measure=all_overdose&geography=county&unit=month&from=2024-01&to=2024-12&format=parquet', token },
      { name: 'arrow, county × total (dashboard map)', query: 'measure=all_overdose&geography=county&unit=total&from=2024-01&to=2024-12&format=arrow' },
      { name: 'ED, state × day (epidemiologist)', query: 'source=ed&measure=all_drug&geography=state&unit=day&from=2024-01&to=2024-03', token },
      { name: 'ED, state × month (public)', query: 'source=ed&measure=all_drug&geography=state&unit=month&from=2024-01&to=2024-03' },
    ];
    log(`\nlatency as served (the answer cache keeps each answer per data version; cold = the first request, which builds it), ${requests} sequential requests per variant after 5 warm-up requests:`);
    log('| variant | rows | bytes | cold ms | p50 ms | p95 ms |');
    log('|---|---|---|---|---|---|');
    let address = 2;
    for (const variant of variants) {
      const url = new URL(`/api/aggregates?${variant.query}`, server.url);
      const from = `127.0.0.${address++}`; // a new client address per variant keeps each under the per-address rate limit
      const cold = await timedGet(url, from, variant.token);
      if (cold.status !== 200) throw new Error(`${variant.name}: HTTP ${cold.status}`);
      for (let i = 0; i < 4; i++) await timedGet(url, from, variant.token);
      const times: number[] = [];
      for (let i = 0; i < requests; i++) {
        const { status, ms } = await timedGet(url, from, variant.token);
        if (status !== 200) throw new Error(`${variant.name}: HTTP ${status} on request ${i}`);
        times.push(ms);
      }
      times.sort((a, b) => a - b);
      const json = variant.query.includes('format=') ? null : ((await (await fetch(url, variant.token ? { headers: { authorization: `Bearer ${variant.token}` } } : {})).json()) as { rows: unknown[] });
      log(`| ${variant.name} | ${json ? json.rows.length.toLocaleString('en-US') : '-'} | ${cold.bytes.toLocaleString('en-US')} | ${cold.ms.toFixed(0)} | ${percentile(times, 0.5).toFixed(1)} | ${percentile(times, 0.95).toFixed(1)} |`);
    }
    await server.close();

    // Throughput, and latency with every answer built: the same routes and middleware but the
    // per-address rate limit (wrk's 32 connections from one address would meet it), once with the
    // answer cache off (every request counts, suppresses and serialises) and once as served.
    // Stopped before the database closes (answers built ahead run in it).
    const background = new BackgroundWork(runtime.logger);
    const appWith = async (answerCacheBytes: number | undefined) => {
      const app = express();
      app.set('query parser', 'simple');
      app.use(helmet());
      app.use('/api/', authenticate(runtime));
      app.use(await aggregateRoutes({ ...runtime, dashboardDir: null }, { background, ...(answerCacheBytes === undefined ? {} : { answerCacheBytes }) }));
      app.use(notFound);
      app.use(errorHandler(runtime.logger));
      return app;
    };
    {
      const listener = (await appWith(0)).listen(0, '127.0.0.1');
      await new Promise((resolve) => listener.once('listening', resolve));
      const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
      log(`\nlatency with the answer cache off (each answer built: counts, suppression, serialisation), ${requests} sequential requests per variant after 5 warm-up requests:`);
      log('| variant | p50 ms | p95 ms |');
      log('|---|---|---|');
      for (const variant of variants) {
        const url = new URL(`/api/aggregates?${variant.query}`, base);
        for (let i = 0; i < 5; i++) await timedGet(url, '127.0.0.1', variant.token);
        const times: number[] = [];
        for (let i = 0; i < requests; i++) times.push((await timedGet(url, '127.0.0.1', variant.token)).ms);
        times.sort((a, b) => a - b);
        log(`| ${variant.name} | ${percentile(times, 0.5).toFixed(1)} | ${percentile(times, 0.95).toFixed(1)} |`);
      }
      listener.closeAllConnections();
      listener.close();
    }
    const app = await appWith(undefined);
    const listener = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    const port = (listener.address() as AddressInfo).port;
    const wrk = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
    if (wrk.error) {
      log('\nwrk is not installed (apt-get install -y wrk): no throughput figures.');
    } else {
      log(`\nthroughput, wrk -t2 -c32 -d${wrkSeconds}s --timeout 30s (32 connections):`);
      log('| variant | requests/s | p50 ms | p99 ms | errors |');
      log('|---|---|---|---|---|');
      // Public questions (wrk sends no token).
      for (const variant of ['county × month (public)', 'state × month (public)', 'arrow, county × total (dashboard map)'].map((name) => variants.find((v) => v.name === name)!)) {
        const url = `http://127.0.0.1:${port}/api/aggregates?${variant.query}`;
        // Asynchronously: the server runs in this process, and a blocked event loop would answer nothing.
        const { stdout: out } = await promisify(execFile)('wrk', ['-t2', '-c32', `-d${wrkSeconds}s`, '--timeout', '30s', '--latency', url], { encoding: 'utf8' });
        const rate = /Requests\/sec:\s+([\d.]+)/.exec(out)?.[1];
        const p50 = /\s50%\s+([\d.]+)(us|ms|s)/.exec(out);
        const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out);
        const ms = (m: RegExpExecArray | null) => (m ? (Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1)).toFixed(1) : '?');
        const errors = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? '0';
        const timeouts = /timeout (\d+)/.exec(out)?.[1] ?? '0';
        log(`| ${variant.name} | ${rate ?? '?'} | ${ms(p50)} | ${ms(p99)} | ${errors} non-2xx, ${timeouts} timeouts |`);
      }
    }
    listener.closeAllConnections(); // wrk's keep-alive connections would hold the process open
    listener.close();
    await background.stop();
    log(`\nmachine: ${machineDescription()}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    runtime.close();
    if (!values.keep) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
