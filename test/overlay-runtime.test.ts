/**
 * An approved lexicon term reaches every coding path of a running process, without a restart:
 * approved over HTTP, it codes the next upload (on the main thread, and in coding worker threads,
 * which are sent the terms), the CLI ingest of a process started later, and the recode job, which
 * re-codes each record coded before the approval exactly once. Every coding records the overlay
 * version. Real server, real DuckDB file, real worker threads.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDeathCoder } from '../pipeline/coding/deaths/index.ts';
import type { DeathCoder } from '../pipeline/coding/deaths/types.ts';
import { committedLexiconVersion } from '../pipeline/coding/lexicon/lexicon.ts';
import { overlayVersion, type OverlayTerm } from '../pipeline/coding/lexicon/overlay.ts';
import { ingestCommand } from '../pipeline/cli/ingest.ts';
import { CodingPool } from '../pipeline/ingest/coding-pool.ts';
import { IngestService } from '../pipeline/ingest/ingest-service.ts';
import { Mutex } from '../pipeline/ingest/mutex.ts';
import { jobNamed } from '../pipeline/jobs/job-list.ts';
import { recordJobRun } from '../pipeline/jobs/job-runs.ts';
import { CERTIFICATE_COLUMNS } from '../pipeline/records/certificate.ts';
import { openRuntime, type Runtime } from '../pipeline/runtime.ts';
import { createToken, type TokenRole } from '../pipeline/store/tokens.ts';
import { startServer, type RunningServer } from '../server/start.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

const ZOMBREX: OverlayTerm = { term: 'zombrex', code: 'T46.5', kind: 'drug', drugName: 'xylazine' };
const COMMITTED = committedLexiconVersion();
const OVERLAY = overlayVersion(COMMITTED, [ZOMBREX]);

/** Template rows: id, Part I line a, manner (OH, Hamilton County). */
function csv(rows: readonly (readonly [string, string, string])[]): string {
  const lines = rows.map(([id, text, manner], i) => `${id},OH,2024-03-${String((i % 28) + 1).padStart(2, '0')},40,F,39061,39061,${manner},${text},,,,,`);
  return `${CERTIFICATE_COLUMNS.join(',')}\n${lines.join('\n')}\n`;
}

/** What the approval's and the recode job's runs are about: one text each. */
const BEFORE: [string, string, string][] = [
  ['A1', 'Acute zombrex and fentanyl toxicity', 'A'], // contains the term: recoded by the approval
  ['A2', 'Zombrexx intoxication', 'A'], // a misspelling: only the recode job's
  ['A3', 'Acute fentanyl toxicity', 'A'], // no term: stale all the same, the recode job's
];
/** After the approval: enough text for several ~1 MiB worker chunks (so both workers get some). */
const AFTER_TEXTS: [string, string][] = [
  ['Acute zombrex toxicity', 'A'],
  ['Acute zombrex and fentanyl toxicity', 'A'],
  ['Zombrexx intoxication', 'A'],
  ['Acute fentanyl toxicity', 'A'],
  ['Hypertensive heart disease', 'N'],
];
const AFTER_COUNT = 30_000;
const AFTER: [string, string, string][] = Array.from({ length: AFTER_COUNT }, (_, i) => [`B${i}`, ...AFTER_TEXTS[i % AFTER_TEXTS.length]!]);

describe.each([0, 2])('an approved term with %i coding workers', (workers) => {
  let runtime: TestRuntime;
  let server: RunningServer;
  /** Set when the last test has closed the server and the runtime (to start `vigil ingest`). */
  let stopped = false;
  const tokens = {} as Record<TokenRole, string>;

  async function call(role: TokenRole, method: string, route: string, body?: string | object, type = 'application/json') {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens[role]}` };
    if (body !== undefined) headers['content-type'] = type;
    const response = await fetch(new URL(route, server.url), { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }
  const upload = (name: string, text: string) => call('uploader', 'POST', `/api/batches?name=${name}`, text, 'text/csv');
  const read = async (sql: string) => (await runtime.db.connection.runAndReadAll(sql)).getRowObjectsJson();
  const current = (ids: string) =>
    read(`SELECT c.certificate_id AS id, d.coder, d.lexicon_version, d.underlying_cause, d.record_axis FROM certificates c JOIN coded_deaths d USING (record_id)
          WHERE d.is_current AND c.certificate_id IN (${ids}) ORDER BY c.certificate_id`);
  const codingsPer = async () => new Map((await read(`SELECT c.certificate_id AS id, count(*)::INTEGER AS n FROM certificates c JOIN coded_deaths d USING (record_id) GROUP BY 1`)).map((r) => [String(r.id), Number(r.n)]));

  beforeAll(async () => {
    runtime = await openTestRuntime({ codingWorkers: workers });
    server = await startServer(runtime, { port: 0, host: '127.0.0.1' });
    for (const role of ['admin', 'coder', 'uploader'] as const) {
      tokens[role] = (await createToken(runtime.db.connection, { name: `${role} one`, role, jurisdictions: role === 'uploader' ? ['OH'] : null, createdBy: 'test' })).token;
    }
  }, 120_000);
  afterAll(async () => {
    if (stopped) return void fs.rmSync(runtime.dataDir, { recursive: true, force: true });
    await server?.close();
    runtime?.dispose();
  });

  it('before the approval, an upload codes with the committed lexicon', async () => {
    expect(runtime.config.codingWorkers).toBe(workers);
    const report = await upload('before.csv', csv(BEFORE));
    expect(report).toMatchObject({ status: 201, body: { status: 'loaded', recordsLoaded: 3, jurisdiction: 'OH' } });
    expect(await current(`'A1','A2','A3'`)).toEqual([
      { id: 'A1', coder: 'vigil-death-coder/1', lexicon_version: COMMITTED, underlying_cause: 'X42', record_axis: ['X42', 'T40.4'] },
      { id: 'A2', coder: 'vigil-death-coder/1', lexicon_version: COMMITTED, underlying_cause: null, record_axis: [] },
      { id: 'A3', coder: 'vigil-death-coder/1', lexicon_version: COMMITTED, underlying_cause: 'X42', record_axis: ['X42', 'T40.4'] },
    ]);
  });

  it('approved over the API, the term codes the next upload and every coding records the overlay version', async () => {
    const proposal = await call('coder', 'POST', '/api/lexicon/proposals', { term: 'Zombrex', code: 'T46.5', drugName: 'xylazine', comment: 'street name for xylazine' });
    expect(proposal.status).toBe(201);
    const approved = await call('admin', 'POST', `/api/lexicon/proposals/${proposal.body.proposal_id}/approve`, {});
    expect(approved).toMatchObject({ status: 200, body: { lexiconVersion: OVERLAY, recode: { status: 'succeeded', lexiconVersion: OVERLAY, recoded: 1, underlyingCauseChanged: 1 } } });
    // The lexicon routes read the same source: the proposals list shows the term's overlay row.
    const listed = await call('coder', 'GET', '/api/lexicon/proposals?status=approved');
    expect(listed.body.proposals.map((p: { term: string; inLexicon: unknown }) => [p.term, p.inLexicon])).toEqual([['zombrex', [{ code: 'T46.5', kind: 'drug', source: 'overlay' }]]]);

    const report = await upload('after.csv', csv(AFTER));
    expect(report).toMatchObject({ status: 201, body: { status: 'loaded', recordsRead: AFTER_COUNT, recordsLoaded: AFTER_COUNT, recordsRejected: 0 } });
    const versions = await read(`SELECT d.coder, d.lexicon_version, count(*)::INTEGER AS n FROM certificates c JOIN coded_deaths d USING (record_id) WHERE c.certificate_id LIKE 'B%' GROUP BY ALL`);
    expect(versions).toEqual([{ coder: 'vigil-death-coder/1', lexicon_version: OVERLAY, n: AFTER_COUNT }]);
    // Every text with the term got its code, first chunk to last (the workers were sent the term).
    const byText = await read(
      `SELECT c.part1_a, d.underlying_cause, d.record_axis, count(*)::INTEGER AS n FROM certificates c JOIN coded_deaths d USING (record_id)
       WHERE c.certificate_id LIKE 'B%' GROUP BY ALL ORDER BY 1`,
    );
    expect(byText).toEqual([
      { part1_a: 'Acute fentanyl toxicity', underlying_cause: 'X42', record_axis: ['X42', 'T40.4'], n: AFTER_COUNT / 5 },
      { part1_a: 'Acute zombrex and fentanyl toxicity', underlying_cause: 'X44', record_axis: ['X44', 'T46.5', 'T40.4'], n: AFTER_COUNT / 5 },
      { part1_a: 'Acute zombrex toxicity', underlying_cause: 'X44', record_axis: ['X44', 'T46.5'], n: AFTER_COUNT / 5 },
      { part1_a: 'Hypertensive heart disease', underlying_cause: 'I11.9', record_axis: ['I11.9'], n: AFTER_COUNT / 5 },
      { part1_a: 'Zombrexx intoxication', underlying_cause: 'X44', record_axis: ['X44', 'T46.5'], n: AFTER_COUNT / 5 },
    ]);
    const [drug] = await read(`SELECT CAST(d.drugs AS VARCHAR) AS drugs FROM certificates c JOIN coded_deaths d USING (record_id) WHERE c.certificate_id = 'B0'`);
    expect(JSON.parse(String(drug!.drugs))).toEqual([expect.objectContaining({ name: 'xylazine', code: 'T46.5' })]);
  }, 120_000);

  it('the recode job re-codes each record coded before the approval exactly once, and nothing coded after it', async () => {
    const recode = jobNamed('recode')!;
    const first = (await recordJobRun(runtime.db, 'recode', 'manual', () => recode.run(runtime))) as { deaths: { lexiconVersion: string; recoded: number; underlyingCauseChanged: number } };
    expect(first.deaths).toMatchObject({ lexiconVersion: OVERLAY, recoded: 2, underlyingCauseChanged: 1 });
    expect(await current(`'A1','A2','A3'`)).toEqual([
      { id: 'A1', coder: 'vigil-death-coder/1', lexicon_version: OVERLAY, underlying_cause: 'X44', record_axis: ['X44', 'T46.5', 'T40.4'] },
      { id: 'A2', coder: 'vigil-death-coder/1', lexicon_version: OVERLAY, underlying_cause: 'X44', record_axis: ['X44', 'T46.5'] },
      { id: 'A3', coder: 'vigil-death-coder/1', lexicon_version: OVERLAY, underlying_cause: 'X42', record_axis: ['X42', 'T40.4'] },
    ]);
    const second = (await recordJobRun(runtime.db, 'recode', 'manual', () => recode.run(runtime))) as { deaths: { recoded: number } };
    expect(second.deaths.recoded).toBe(0);
    // A record coded before the approval: its first coding and one more; after it: one coding.
    const codings = await codingsPer();
    expect([codings.get('A1'), codings.get('A2'), codings.get('A3')]).toEqual([2, 2, 2]);
    expect([...codings].filter(([id, n]) => id.startsWith('B') && n !== 1)).toEqual([]);
    expect(codings.size).toBe(3 + AFTER_COUNT);
  }, 120_000);

  it('a process started later (vigil ingest) codes with the approved term from the database', async () => {
    await server.close();
    runtime.close();
    stopped = true;
    const file = path.join(runtime.dataDir, 'cli.csv');
    fs.writeFileSync(file, csv([['C1', 'Acute zombrex toxicity', 'A']]));
    const written = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const silenced = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await ingestCommand(runtime.config, [file])).toBe(0);
    } finally {
      written.mockRestore();
      silenced.mockRestore();
    }
    const reopened: Runtime = await openRuntime(runtime.config, pino({ level: 'silent' }));
    try {
      const rows = (await reopened.db.connection.runAndReadAll(
        `SELECT d.lexicon_version, d.underlying_cause, d.record_axis FROM certificates c JOIN coded_deaths d USING (record_id) WHERE c.certificate_id = 'C1'`,
      )).getRowObjectsJson();
      expect(rows).toEqual([{ lexicon_version: OVERLAY, underlying_cause: 'X44', record_axis: ['X44', 'T46.5'] }]);
    } finally {
      reopened.close();
    }
  }, 120_000);
});

describe('coding workers never code with another lexicon than the batch records', () => {
  it('a batch whose coder the workers cannot rebuild fails, naming the versions, and stores nothing', async () => {
    const runtime = await openTestRuntime();
    const pool = new CodingPool(1);
    try {
      const real = createDeathCoder();
      const foreign: DeathCoder = { coderVersion: 'vigil-death-coder/1', lexiconVersion: 'lexicon/elsewhere', code: (c) => real.code(c) };
      const service = new IngestService({ db: runtime.db, coder: foreign, logger: pino({ level: 'silent' }), commitLock: new Mutex(), pool }, runtime.config.rawDir);
      const file = path.join(runtime.dataDir, 'w.csv');
      fs.writeFileSync(file, csv([['W1', 'Acute fentanyl toxicity', 'A']]));
      const report = await service.ingestFile(file, { source: 'cli' });
      expect(report).toMatchObject({ status: 'failed', recordsLoaded: 0 });
      expect(report.error).toBe(`a coding worker cannot code with vigil-death-coder/1 and lexicon lexicon/elsewhere: from the committed lexicon and the 0 terms it was sent it builds vigil-death-coder/1 with lexicon ${COMMITTED}`);
      expect((await runtime.db.connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM certificates')).getRowObjectsJson()).toEqual([{ n: 0 }]);
    } finally {
      await pool.close();
      runtime.dispose();
    }
  }, 60_000);
});
