import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processInbox } from '../pipeline/jobs/inbox.ts';
import { listJobRuns, recordJobRun } from '../pipeline/jobs/job-runs.ts';
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
    expect(summary).toEqual({ files: 2, loaded: 1, quarantined: 1, records: 10 });
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
