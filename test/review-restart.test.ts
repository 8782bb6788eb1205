/**
 * Kill and restart: a process recording a correction is killed (SIGKILL, no chance to clean up)
 * in the middle of its transaction, after the automated coding was retired and before the
 * corrected one was written. Opened again, the database holds nothing of it: the automated coding
 * is current, no decision, no audit row, the item still pending; the correction can be made again.
 * A process killed just after the commit leaves the whole correction.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../pipeline/config.ts';
import { CERTIFICATE_COLUMNS } from '../pipeline/records/certificate.ts';
import { listQueue } from '../pipeline/review/queue.ts';
import { openRuntime, type Runtime } from '../pipeline/runtime.ts';
import { createToken } from '../pipeline/store/tokens.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const url = (file: string) => JSON.stringify(new URL(file, `file://${ROOT}/`).href);

/**
 * The child: opens the database, records a correction, and at statement `stopAfter` of the
 * correction's script (or after the commit, -1) says so on stdout and waits to be killed.
 */
const CHILD = `
import pino from 'pino';
const { loadConfig } = await import(${url('pipeline/config.ts')});
const { openRuntime } = await import(${url('pipeline/runtime.ts')});
const { recordDecision } = await import(${url('pipeline/review/decisions.ts')});
const { DeathCodeTable } = await import(${url('pipeline/review/death-codes.ts')});
const { EdCodeTable } = await import(${url('pipeline/review/ed-codes.ts')});
const { loadLexicon } = await import(${url('pipeline/coding/lexicon/lexicon.ts')});
const { loadEdTables } = await import(${url('pipeline/coding/ed/tables.ts')});
const job = JSON.parse(process.argv[1]);
const runtime = await openRuntime(loadConfig({ VIGIL_DATA_DIR: job.dataDir, VIGIL_LOG_LEVEL: 'silent', VIGIL_JOBS_ENABLED: 'false' }), pino({ level: 'silent' }));
const hang = (what) => { process.stdout.write(what + '\\n'); return new Promise(() => {}); };
const context = {
  db: runtime.db, queries: runtime.queries, commitLock: runtime.commitLock,
  deathCodes: () => new DeathCodeTable(loadLexicon()), edCodes: () => new EdCodeTable(loadEdTables()),
  afterStatement: (index) => (index === job.stopAfter ? hang('in transaction after statement ' + index) : undefined),
};
await recordDecision(context, { source: 'deaths', recordId: BigInt(job.recordId) }, job.input, job.actor);
await hang('committed');
`;

function correctInChild(job: object): Promise<{ signal: string | null; said: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD, JSON.stringify(job)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    let errors = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      said += text;
      if (said.endsWith('\n')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (text: Buffer) => (errors += text.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => (said === '' ? reject(new Error(`child ended without reaching the stop: ${errors}`)) : resolve({ signal, said: said.trim() })));
  });
}

let dataDir: string;
let recordId: string;
let version: string;
let actor: { tokenId: string; name: string; role: string; requestId: null };

const open = () => openRuntime(loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'silent', VIGIL_JOBS_ENABLED: 'false' }), pino({ level: 'silent' }));
async function inspect<T>(work: (read: (sql: string) => Promise<Record<string, unknown>[]>, runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await open();
  try {
    return await work(async (sql) => (await runtime.db.connection.runAndReadAll(sql)).getRowObjectsJson(), runtime);
  } finally {
    runtime.close();
  }
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-review-kill-'));
  const file = path.join(dataDir, 'one.csv');
  fs.writeFileSync(file, `${CERTIFICATE_COLUMNS.join(',')}\nK1,OH,2024-03-04,80,F,39061,39061,N,Cardiac arrest,,,,,\n`);
  await inspect(async (read, runtime) => {
    expect(await runtime.ingest.ingestFile(file, { source: 'cli' })).toMatchObject({ status: 'loaded', recordsLoaded: 1 });
    const [row] = await read(`SELECT CAST(record_id AS VARCHAR) AS id, strftime(timezone('UTC', coded_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS version FROM coded_deaths`);
    recordId = String(row!.id);
    version = String(row!.version);
    const { info } = await createToken(runtime.db.connection, { name: 'Coder One', role: 'coder', createdBy: 'test' });
    actor = { tokenId: info.tokenId, name: info.name, role: 'coder', requestId: null };
  });
}, 60_000);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const correction = () => ({ decision: 'correct', version, comment: 'toxicology: fentanyl', death: { underlyingCause: 'X42', multipleCauses: ['T40.4'] } });

describe('a process killed during a correction', () => {
  it('leaves nothing half-written; opened again, the correction can be made', async () => {
    // Statement 1 of review_correct_death.sql retires the automated coding; 2 would add the corrected one.
    const killed = await correctInChild({ dataDir, recordId, input: correction(), actor, stopAfter: 1 });
    expect(killed).toEqual({ signal: 'SIGKILL', said: 'in transaction after statement 1' });
    await inspect(async (read, runtime) => {
      expect(await read(`SELECT coder, is_current, underlying_cause FROM coded_deaths ORDER BY coded_at`)).toEqual([{ coder: 'vigil-death-coder/1', is_current: true, underlying_cause: 'I46.9' }]);
      const page = await listQueue(runtime.db.connection, runtime.queries, { source: 'all', state: 'all', reason: null, jurisdiction: null, offset: 0, limit: 10 });
      expect(page.items.map((i) => [i.id, i.state])).toEqual([[`deaths-${recordId}`, 'pending']]);
      expect(await read(`SELECT count(*)::INTEGER AS n FROM review_decisions`)).toEqual([{ n: 0 }]);
      expect(await read(`SELECT count(*)::INTEGER AS n FROM audit_log WHERE action LIKE 'review.%'`)).toEqual([{ n: 0 }]);
    });
    // Killed right after the commit: all of it is there, once.
    const committed = await correctInChild({ dataDir, recordId, input: correction(), actor, stopAfter: -1 });
    expect(committed).toEqual({ signal: 'SIGKILL', said: 'committed' });
    await inspect(async (read) => {
      expect(await read(`SELECT coder, is_current, underlying_cause FROM coded_deaths ORDER BY coded_at`)).toEqual([
        { coder: 'vigil-death-coder/1', is_current: false, underlying_cause: 'I46.9' },
        { coder: `human:${actor.tokenId}`, is_current: true, underlying_cause: 'X42' },
      ]);
      expect(await read(`SELECT decision, decided_underlying_cause FROM review_decisions`)).toEqual([{ decision: 'correct', decided_underlying_cause: 'X42' }]);
      expect(await read(`SELECT action, record_ids FROM audit_log WHERE action LIKE 'review.%'`)).toEqual([{ action: 'review.correct', record_ids: [recordId] }]);
    });
  }, 120_000);
});
