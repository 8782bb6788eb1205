import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestService } from '../pipeline/ingest/ingest-service.ts';
import { Mutex } from '../pipeline/ingest/mutex.ts';
import { processInbox } from '../pipeline/jobs/inbox.ts';
import { listJobRuns, recordJobRun } from '../pipeline/jobs/job-runs.ts';
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
