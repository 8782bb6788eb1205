import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestService } from '../pipeline/ingest/ingest-service.ts';
import { Mutex } from '../pipeline/ingest/mutex.ts';
import { processInbox } from '../pipeline/jobs/inbox.ts';
import { JobAlreadyRunningError, listJobRuns, recordJobRun, runningJob, startExclusiveJobRun } from '../pipeline/jobs/job-runs.ts';
import { BackgroundRefresh, refreshAggregates } from '../pipeline/jobs/refresh-aggregates.ts';
import { startScheduler } from '../pipeline/jobs/scheduler.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { createApp } from '../server/app.ts';
import { countStale, recodeStale } from '../pipeline/jobs/recode.ts';
import { createDeathCoder } from '../pipeline/coding/deaths/index.ts';
import type { DeathCoder } from '../pipeline/coding/deaths/types.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

const SAMPLE = new URL('../fixtures/samples/certificates-small.csv', import.meta.url).pathname;

let runtime: TestRuntime;
beforeEach(async () => {
  runtime = await openTestRuntime();
});
afterEach(() => runtime.dispose());

describe('inbox job', () => {
  it('loads good files into archive/, quarantines bad ones with their report, and records the run', async () => {
    const inbox = runtime.config.inboxDir;
    fs.mkdirSync(inbox, { recursive: true });
    fs.copyFileSync(SAMPLE, path.join(inbox, 'a-good.csv'));
    fs.writeFileSync(path.join(inbox, 'b-bad.csv'), 'not,a,template\n1,2,3\n');
    fs.writeFileSync(path.join(inbox, 'notes.txt'), 'ignored: not a .csv');

    const summary = await recordJobRun(runtime.db, 'inbox', 'manual', () => processInbox(inbox, runtime.ingest));
    expect(summary).toEqual({ files: 2, loaded: 1, quarantined: 1, records: 10, byJurisdiction: { '*': 2 } });
    expect(fs.readdirSync(inbox).sort()).toEqual(['archive', 'notes.txt', 'quarantine']);
    expect(fs.readdirSync(path.join(inbox, 'archive'))).toEqual(['a-good.csv']);
    expect(fs.readdirSync(path.join(inbox, 'quarantine')).sort()).toEqual(['b-bad.csv', 'b-bad.csv.report.json']);
    const report = JSON.parse(fs.readFileSync(path.join(inbox, 'quarantine', 'b-bad.csv.report.json'), 'utf8'));
    expect(report).toMatchObject({ status: 'rejected', error: expect.stringMatching(/^line 1: /) });

    const [run] = await listJobRuns(runtime.db);
    expect(run).toMatchObject({ job: 'inbox', trigger: 'manual', status: 'succeeded', error: null });
    expect(JSON.parse(String(run!.summary))).toEqual(summary);
  });

  it('records a failed run with its error', async () => {
    await expect(recordJobRun(runtime.db, 'inbox', 'schedule', () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    const [run] = await listJobRuns(runtime.db);
    expect(run).toMatchObject({ job: 'inbox', trigger: 'schedule', status: 'failed', error: 'disk full' });
    expect(run!.finished_at).not.toBeNull();
  });
});

describe('inbox job, one folder per jurisdiction', () => {
  it("loads a jurisdiction's folder as its own and rejects another jurisdiction's records in it", async () => {
    const inbox = runtime.config.inboxDir;
    const header = fs.readFileSync(SAMPLE, 'utf8').split('\n')[0];
    fs.mkdirSync(path.join(inbox, 'TX'), { recursive: true });
    fs.writeFileSync(
      path.join(inbox, 'TX', 'tx.csv'),
      `${header}\nT1,TX,2024-03-01,33,M,48201,48201,A,Fentanyl toxicity,,,,,\nT2,OK,2024-03-01,40,F,40109,40109,A,Heroin toxicity,,,,,\n`,
    );
    fs.mkdirSync(path.join(inbox, 'archive-old')); // not a jurisdiction code: ignored
    const summary = await processInbox(inbox, runtime.ingest);
    expect(summary).toEqual({ files: 1, loaded: 1, quarantined: 0, records: 1, byJurisdiction: { TX: 1 } });
    expect(fs.readdirSync(path.join(inbox, 'TX', 'archive'))).toEqual(['tx.csv']);
    const stored = (await runtime.db.connection.runAndReadAll('SELECT certificate_id FROM certificates')).getRowObjectsJson();
    expect(stored).toEqual([{ certificate_id: 'T1' }]);
    const errors = (await runtime.db.connection.runAndReadAll('SELECT line, record_id, field, message FROM batch_errors')).getRowObjectsJson();
    expect(errors).toEqual([{ line: 3, record_id: 'T2', field: 'jurisdiction', message: 'the record is for OK; this batch may hold TX records only' }]);
    const batches = (await runtime.db.connection.runAndReadAll('SELECT jurisdiction FROM batches')).getRowObjectsJson();
    expect(batches).toEqual([{ jurisdiction: 'TX' }]);
  });
});

describe('recode job', () => {
  it('re-codes what an older coder version coded, keeps the old result, and leaves human corrections alone', async () => {
    const real = createDeathCoder();
    // The "old" coder: an earlier version that missed fentanyl (codes everything R99).
    const old: DeathCoder = {
      coderVersion: 'vigil-death-coder/0',
      lexiconVersion: 'lexicon/old',
      code: (certificate) => ({ ...real.code(certificate), underlyingCause: 'R99', recordAxis: ['R99'] }),
    };
    const service = new IngestService({ db: runtime.db, coder: old, logger: pino({ level: 'silent' }), commitLock: new Mutex() }, runtime.config.rawDir);
    await service.ingestFile(SAMPLE, { source: 'cli' });
    // A human correction of one record (a coder's own row, current) must survive recoding.
    await runtime.db.connection.run(`UPDATE coded_deaths SET coder = 'human:coder1' WHERE record_id = (SELECT min(record_id) FROM coded_deaths)`);
    expect(await countStale(runtime.db, real)).toBe(9);

    const summary = await recodeStale(runtime.db, real, runtime.commitLock, 4);
    expect(summary).toMatchObject({ coder: real.coderVersion, lexiconVersion: real.lexiconVersion, recoded: 9, invalid: 0, chunks: 3 });
    expect(summary.underlyingCauseChanged).toBeGreaterThan(0);
    expect(await countStale(runtime.db, real)).toBe(0);
    const rows = (
      await runtime.db.connection.runAndReadAll(
        `SELECT coder, is_current, count(*)::INTEGER AS n FROM coded_deaths GROUP BY ALL ORDER BY coder, is_current`,
      )
    ).getRowObjectsJson();
    expect(rows).toEqual([
      { coder: 'human:coder1', is_current: true, n: 1 },
      { coder: 'vigil-death-coder/0', is_current: false, n: 9 },
      { coder: real.coderVersion, is_current: true, n: 9 },
    ]);
    // Nothing left to do: a second run re-codes nothing.
    expect((await recodeStale(runtime.db, real, runtime.commitLock)).recoded).toBe(0);
  });
});

/** A promise and the function that resolves it: work a test lets finish when it chooses. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}
const runsOf = async (job: string) => (await listJobRuns(runtime.db)).filter((run) => run.job === job).reverse(); // oldest first
const silent = pino({ level: 'silent' });

describe('job runs, one at a time', () => {
  it('refuses a job already running in this process, from the moment it is asked for, and frees it when the run ends', async () => {
    const held = gate();
    // Two callers in the same tick: the first reserves the job before it awaits anything.
    const first = startExclusiveJobRun(runtime.db, 'inbox', 'manual', async () => {
      await held.opened;
      return { files: 0 };
    });
    const second = startExclusiveJobRun(runtime.db, 'inbox', 'schedule', async () => ({ files: 0 }));
    await expect(second).rejects.toThrow(JobAlreadyRunningError);
    const started = await first;
    expect(runningJob(runtime.db, 'inbox')).toMatchObject({ runId: started.runId, trigger: 'manual' });
    await expect(startExclusiveJobRun(runtime.db, 'inbox', 'schedule', async () => ({}))).rejects.toThrow(`job inbox is already running (run ${started.runId}, manual, since `);
    // Another job is not held up.
    await (await startExclusiveJobRun(runtime.db, 'detect', 'manual', async () => ({ ok: true }))).finished;
    held.open();
    expect(await started.finished).toEqual({ files: 0 });
    expect(runningJob(runtime.db, 'inbox')).toBeUndefined();
    expect((await runsOf('inbox')).map((r) => [r.run_id, r.trigger, r.status])).toEqual([[started.runId, 'manual', 'succeeded']]);
  });

  it('starts nothing, and writes no run, when the step before it fails (an audit entry that cannot be written)', async () => {
    await expect(startExclusiveJobRun(runtime.db, 'inbox', 'manual', async () => ({}), () => Promise.reject(new Error('audit log unavailable')))).rejects.toThrow('audit log unavailable');
    expect(runningJob(runtime.db, 'inbox')).toBeUndefined();
    expect(await runsOf('inbox')).toEqual([]);
  });

  it("records a refresh the application starts (a stale cache) as 'automatic', after a run already in progress", async () => {
    const held = gate();
    const manual = await startExclusiveJobRun(runtime.db, 'refresh-aggregates', 'manual', async () => {
      await held.opened;
      return refreshAggregates(runtime.db, { queries: runtime.queries });
    });
    const background = new BackgroundRefresh(runtime.db, runtime.queries, silent);
    background.request();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await runsOf('refresh-aggregates')).map((r) => r.trigger)).toEqual(['manual']); // waiting, not overlapping
    held.open();
    await manual.finished;
    await background.idle();
    const runs = await runsOf('refresh-aggregates');
    expect(runs.map((r) => [r.trigger, r.status])).toEqual([['manual', 'succeeded'], ['automatic', 'succeeded']]);
    expect(Date.parse(String(runs[1]!.started_at))).toBeGreaterThanOrEqual(Date.parse(String(runs[0]!.finished_at)));
  });

  it('skips a scheduled tick while the job runs, then runs on the next one', async () => {
    const held = gate();
    const manual = await startExclusiveJobRun(runtime.db, 'inbox', 'manual', async () => {
      await held.opened;
      return { files: 0 };
    });
    const yearly = '0 0 1 1 *';
    const config = { ...runtime.config, jobs: { enabled: true, inboxSchedule: '* * * * * *', recodeSchedule: yearly, detectSchedule: yearly, refreshAggregatesSchedule: yearly } };
    const scheduler = startScheduler({ ...runtime, config, logger: silent });
    try {
      await new Promise((resolve) => setTimeout(resolve, 2200)); // two ticks, both while the manual run holds the job
      expect((await runsOf('inbox')).map((r) => r.trigger)).toEqual(['manual']);
      held.open();
      await manual.finished;
      for (let i = 0; i < 40 && !(await runsOf('inbox')).some((r) => r.trigger === 'schedule' && r.status === 'succeeded'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await runsOf('inbox')).map((r) => [r.trigger, r.status]).slice(0, 2)).toEqual([['manual', 'succeeded'], ['schedule', 'succeeded']]);
    } finally {
      await scheduler.stop();
    }
  });
});

describe('POST /api/jobs/:name/runs', () => {
  it('runs a job now for an admin: 202 with the run, 409 while it runs, 404 for no such job; audited, recorded as manual', async () => {
    const app = await createApp({ ...runtime, logger: silent, dashboardDir: null });
    const listener = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    const admin = await createToken(runtime.db.connection, { name: 'ops', role: 'admin', createdBy: 'test' });
    const post = (name: string) => fetch(`${base}/api/jobs/${name}/runs`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}` } });
    const held = gate();
    // The detect job writes under the commit lock: holding it keeps the run going.
    const lock = runtime.commitLock.run(() => held.opened);
    try {
      const started = await post('detect');
      expect(started.status).toBe(202);
      expect(started.headers.get('location')).toBe('/api/jobs');
      const run = (await started.json()) as { runId: string };
      expect(run).toMatchObject({ runId: expect.stringMatching(/^[0-9a-f-]{36}$/), job: 'detect', trigger: 'manual', status: 'running' });
      const again = await post('detect');
      expect(again.status).toBe(409);
      expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(new RegExp(`^job detect is already running \\(run ${run.runId}, manual, since .+\\): wait for it to finish`));
      const unknown = await post('vacuum');
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe('no job "vacuum" (jobs: inbox, recode, detect, refresh-aggregates)');
      expect((await post('Detect!')).status).toBe(400);
      held.open();
      await lock;
      for (let i = 0; i < 100 && runningJob(runtime.db, 'detect'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      const jobs = (await (await fetch(`${base}/api/jobs`, { headers: { authorization: `Bearer ${admin.token}` } })).json()) as { runs: { run_id: string; job: string; trigger: string; status: string }[] };
      expect(jobs.runs.filter((r) => r.job === 'detect').map((r) => [r.run_id, r.trigger, r.status])).toEqual([[run.runId, 'manual', 'succeeded']]);
      const audit = (await runtime.db.connection.runAndReadAll(`SELECT actor, role, action, target, CAST(detail AS VARCHAR) AS detail FROM audit_log WHERE action = 'job.run'`)).getRowObjectsJson();
      expect(audit).toEqual([{ actor: admin.info.tokenId, role: 'admin', action: 'job.run', target: 'detect', detail: JSON.stringify({ runId: run.runId, trigger: 'manual' }) }]);
    } finally {
      held.open();
      listener.close();
    }
  });
});
