import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeathCoder } from '../pipeline/coding/deaths/index.ts';
import type { DeathCoder } from '../pipeline/coding/deaths/types.ts';
import { IngestService } from '../pipeline/ingest/ingest-service.ts';
import { Mutex } from '../pipeline/ingest/mutex.ts';
import { openRuntime } from '../pipeline/runtime.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

const HEADER = 'certificate_id,jurisdiction,death_date,age,sex,residence_county_fips,occurrence_county_fips,manner,part1_a,part1_b,part1_c,part1_d,part2,how_injury';

let runtime: TestRuntime;
beforeEach(async () => {
  runtime = await openTestRuntime();
});
afterEach(() => runtime.dispose());

function writeFile(name: string, rows: string[]): string {
  const file = path.join(runtime.dataDir, name);
  fs.writeFileSync(file, [HEADER, ...rows].join('\n') + '\n');
  return file;
}

async function rows(sql: string) {
  return (await runtime.db.connection.runAndReadAll(sql)).getRowObjectsJson();
}

describe('certificate batches', () => {
  it('keeps the raw file with its checksum and records the batch', async () => {
    const file = writeFile('a.csv', ['C1,OH,2024-01-01,30,M,39061,39061,A,Fentanyl toxicity,,,,,']);
    const report = await runtime.ingest.ingestFile(file, { source: 'cli' });
    const [batch] = await rows(`SELECT raw_path, sha256, bytes, status FROM batches`);
    expect(fs.readFileSync(String(batch!.raw_path))).toEqual(fs.readFileSync(file));
    expect(batch).toMatchObject({ sha256: report.sha256, bytes: String(fs.statSync(file).size), status: 'loaded' });
  });

  it('an amended certificate is a new version; the old one is kept and no longer current', async () => {
    await runtime.ingest.ingestFile(writeFile('v1.csv', ['C1,OH,2024-01-01,30,M,39061,39061,P,Pending investigation,,,,,', 'C2,OH,2024-01-02,50,F,39061,39061,N,Sepsis,,,,,']), { source: 'cli' });
    const second = await runtime.ingest.ingestFile(
      writeFile('v2.csv', ['C1,OH,2024-01-01,30,M,39061,39061,A,Acute fentanyl toxicity,,,,,', 'C2,OH,2024-01-02,50,F,39061,39061,N,Sepsis,,,,,']),
      { source: 'cli' },
    );
    expect(second).toMatchObject({ status: 'loaded', recordsRead: 2, recordsLoaded: 1, recordsUnchanged: 1 });
    expect(
      await rows(`SELECT certificate_id, version, c.is_current, manner, underlying_cause FROM certificates c JOIN coded_deaths USING (record_id) ORDER BY certificate_id, version`),
    ).toEqual([
      { certificate_id: 'C1', version: 1, is_current: false, manner: 'P', underlying_cause: 'R99' },
      { certificate_id: 'C1', version: 2, is_current: true, manner: 'A', underlying_cause: 'X42' },
      { certificate_id: 'C2', version: 1, is_current: true, manner: 'N', underlying_cause: 'A41.9' },
    ]);
  });

  it('several versions of one certificate in one file are numbered in file order, the last current', async () => {
    await runtime.ingest.ingestFile(
      writeFile('multi.csv', ['C1,OH,2024-01-01,30,M,39061,39061,P,Pending,,,,,', 'C1,OH,2024-01-01,30,M,39061,39061,A,Heroin toxicity,,,,,', 'C1,OH,2024-01-01,30,M,39061,39061,P,Pending,,,,,']),
      { source: 'cli' },
    );
    expect(await rows(`SELECT version, is_current, source_line FROM certificates ORDER BY version`)).toEqual([
      { version: 1, is_current: false, source_line: 2 },
      { version: 2, is_current: false, source_line: 3 },
      { version: 3, is_current: true, source_line: 4 },
    ]);
  });

  it('record ids number a batch in file order, certificates and ED visits alike', async () => {
    const certificates = Array.from({ length: 300 }, (_, i) => `N${i},OH,2024-01-01,30,M,39061,39061,A,Heroin toxicity,,,,,`);
    await runtime.ingest.ingestFile(writeFile('many.csv', certificates), { source: 'cli' });
    const visits = Array.from({ length: 300 }, (_, i) => `V${i},F1,2024-01-02T10:00:00,30,M,39061,overdose,,`);
    const visitFile = path.join(runtime.dataDir, 'visits.csv');
    fs.writeFileSync(visitFile, ['visit_id,facility_id,visit_datetime,age,sex,patient_county_fips,chief_complaint,triage_note,discharge_diagnoses', ...visits].join('\n') + '\n');
    await runtime.ingest.ingestFile(visitFile, { source: 'cli' });
    for (const table of ['certificates', 'ed_visits']) {
      const lines = (await rows(`SELECT source_line FROM ${table} ORDER BY record_id`)).map((r) => r.source_line);
      expect(lines).toEqual(Array.from({ length: 300 }, (_, i) => i + 2));
    }
    const [span] = await rows(`SELECT max(record_id) - min(record_id) AS span FROM (SELECT record_id FROM certificates UNION ALL SELECT record_id FROM ed_visits)`);
    expect(span).toEqual({ span: '599' });
  });

  it('a resent file changes nothing and answers with the earlier batch', async () => {
    const file = writeFile('same.csv', ['C1,OH,2024-01-01,30,M,39061,39061,A,Cocaine toxicity,,,,,']);
    const first = await runtime.ingest.ingestFile(file, { source: 'cli' });
    const again = await runtime.ingest.ingestFile(file, { source: 'upload' });
    expect(again).toMatchObject({ duplicateOf: first.batchId, batchId: first.batchId });
    expect(await rows(`SELECT count(*)::INTEGER AS n FROM certificates`)).toEqual([{ n: 1 }]);
    expect(await rows(`SELECT count(*)::INTEGER AS n FROM batches`)).toEqual([{ n: 1 }]);
  });

  it('a batch that fails part-way leaves nothing behind and says why', async () => {
    await runtime.ingest.ingestFile(writeFile('before.csv', ['K1,KY,2024-01-01,30,M,21111,21111,A,Heroin toxicity,,,,,']), { source: 'cli' });
    let calls = 0;
    const real = createDeathCoder();
    const failing: DeathCoder = {
      ...real,
      code: (certificate) => {
        if (++calls === 5000) throw new Error('coder crashed on purpose');
        return real.code(certificate);
      },
    };
    const service = new IngestService({ db: runtime.db, coder: failing, logger: pino({ level: 'silent' }), commitLock: new Mutex() }, runtime.config.rawDir);
    // Distinct texts: a repeated certificate would come from the coded-result memo, not the coder.
    const many = Array.from({ length: 6000 }, (_, i) => `M${i},OH,2024-01-01,30,M,39061,39061,A,Fentanyl toxicity,,,,,Found in room ${i}`);
    const report = await service.ingestFile(writeFile('many.csv', many), { source: 'cli' });
    expect(report).toMatchObject({ status: 'failed', error: 'coder crashed on purpose', recordsLoaded: 0 });
    expect(await rows(`SELECT certificate_id FROM certificates`)).toEqual([{ certificate_id: 'K1' }]);
    expect(await rows(`SELECT count(*)::INTEGER AS n FROM coded_deaths`)).toEqual([{ n: 1 }]);
  });

  it('a batch cut off by a stopped process whose raw file is gone is marked failed when the database is opened again', async () => {
    await runtime.db.connection.run(
      `INSERT INTO batches (batch_id, kind, format, file_name, raw_path, sha256, bytes, source, status, received_at)
       VALUES ('b20240101000000-0000abcd', 'deaths', 'certificate-csv', 'x.csv', '/raw/x.csv', 'ff', 1, 'cli', 'processing', now())`,
    );
    runtime.close();
    const reopened = await openRuntime(runtime.config, pino({ level: 'silent' }));
    try {
      const [batch] = (await reopened.db.connection.runAndReadAll(`SELECT status, error FROM batches`)).getRowObjectsJson();
      expect(batch).toEqual({ status: 'failed', error: expect.stringMatching(/^interrupted: .* raw file is gone; nothing from it was stored/) });
    } finally {
      reopened.close();
      fs.rmSync(runtime.dataDir, { recursive: true, force: true });
    }
    runtime = await openTestRuntime(); // for afterEach to dispose
  });

  it('reports bad records with line and field, loads the good ones', async () => {
    const report = await runtime.ingest.ingestFile(
      writeFile('mixed.csv', ['G1,OH,2024-01-01,30,M,39061,39061,A,Fentanyl toxicity,,,,,', 'B1,OH,2024-13-01,30,M,39061,39061,A,x,,,,,', 'G2,OH,2024-01-01,30,M,39061,39061,N,Sepsis,,,,,']),
      { source: 'cli' },
    );
    expect(report).toMatchObject({
      status: 'loaded',
      recordsRead: 3,
      recordsLoaded: 2,
      recordsRejected: 1,
      errorsTotal: 1,
      errors: [{ line: 3, recordId: 'B1', field: 'death_date', message: 'not a calendar date in YYYY-MM-DD form' }],
    });
  });
});

describe('two batches staged at once', () => {
  it('store one coding per certificate though they share coded results', async () => {
    // The coded-result memo is the coder's, shared by both batches: the thread alternates between
    // the two stagings and hands some results to each more than once; the commit keeps one.
    const causes = ['Acute fentanyl toxicity,,,,,', 'Sepsis,Pneumonia,,,Type 2 diabetes mellitus,', 'Gunshot wound of head,,,,,Shot by another'];
    const files = ['a', 'b'].map((name) => {
      const rows = Array.from({ length: 20_000 }, (_, i) => `${name}${i},OH,2024-01-${String((i % 28) + 1).padStart(2, '0')},50,M,39061,39061,${'ANH'[i % 3]},${causes[i % 3]}`);
      const file = path.join(runtime.dataDir, `${name}.csv`);
      fs.writeFileSync(file, `${HEADER}\n${rows.join('\n')}\n`);
      return file;
    });
    const reports = await Promise.all(files.map((file) => runtime.ingest.ingestFile(file, { source: 'cli' })));
    expect(reports.map((b) => [b.status, b.recordsLoaded])).toEqual([['loaded', 20_000], ['loaded', 20_000]]);
    const counts = await runtime.db.connection.runAndReadAll(
      'SELECT (SELECT count(*) FROM certificates)::INTEGER AS certificates, (SELECT count(*) FROM coded_deaths)::INTEGER AS codings',
    );
    expect(counts.getRowObjectsJson()).toEqual([{ certificates: 40_000, codings: 40_000 }]);
  }, 120_000);
});

describe('coding in worker threads', () => {
  it('stores exactly what coding on the main thread stores', async () => {
    const texts = ['Acute combined fentanyl and methamphetamine toxicity,,,,,Used drugs', 'Sepsis,Pneumonia,,,Type 2 diabetes mellitus,', 'Gunshot wound of head,,,,,Shot by another', 'Acute myocardial infarction,ASCVD,,,HTN,'];
    const manners = ['A', 'N', 'H', 'N'];
    // Enough text for several 1 MiB worker chunks, with a bad row in the middle and quoted fields
    // holding line breaks (a chunk must never be cut inside one; lines must still be right).
    const rows = Array.from({ length: 30_000 }, (_, i) => `W${i},OH,2024-01-${String((i % 28) + 1).padStart(2, '0')},50,M,39061,39061,${manners[i % 4]},${texts[i % 4]}`);
    rows[4500] = 'BAD,OH,2024-13-01,30,M,39061,39061,A,Fentanyl toxicity,,,,,';
    for (let i = 7; i < rows.length; i += 997) rows[i] = `Q${i},OH,2024-02-01,61,F,39061,39061,N,"Sepsis\ndue to pneumonia",,,,"Type 2 diabetes mellitus,\nhypertension",`;
    const text = `${HEADER}\n${rows.join('\n')}\n`;
    const snapshot = async (workers: number) => {
      const r = await openTestRuntime({ codingWorkers: workers });
      try {
        const input = path.join(r.dataDir, 'w.csv');
        fs.writeFileSync(input, text);
        const report = await r.ingest.ingestFile(input, { source: 'cli' });
        const stored = (
          await r.db.connection.runAndReadAll(
            `SELECT c.certificate_id, c.source_line, d.underlying_cause, d.record_axis, CAST(d.trace AS VARCHAR) AS trace
             FROM certificates c JOIN coded_deaths d USING (record_id) ORDER BY c.source_line`,
          )
        ).getRowObjectsJson();
        return { report: { ...report, batchId: '', receivedAt: '', finishedAt: '' }, stored };
      } finally {
        r.dispose();
      }
    };
    const inThread = await snapshot(0);
    const inWorkers = await snapshot(2);
    expect(inThread.report).toMatchObject({ status: 'loaded', recordsRead: 30_000, recordsRejected: 1 });
    expect(inThread.report.errors).toEqual([{ line: 4502 + 2 * Math.ceil((4500 - 7) / 997), recordId: 'BAD', field: 'death_date', message: 'not a calendar date in YYYY-MM-DD form' }]);
    expect(inWorkers).toEqual(inThread);
  }, 180_000);

  it('rejects a file whose quoting is broken, naming the line, when workers parse it', async () => {
    const r = await openTestRuntime({ codingWorkers: 2 });
    try {
      const good = Array.from({ length: 20_000 }, (_, i) => `G${i},OH,2024-01-02,50,M,39061,39061,N,Sepsis,,,,,`);
      const input = path.join(r.dataDir, 'broken.csv');
      fs.writeFileSync(input, `${HEADER}\n${good.join('\n')}\nX1,OH,2024-01-02,50,M,39061,39061,N,"Sepsis,,,,,\n`);
      const report = await r.ingest.ingestFile(input, { source: 'cli' });
      expect(report.status).toBe('rejected');
      expect(report.error).toBe('line 20002: a quoted field is never closed');
      const stored = (await r.db.connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM certificates')).getRowObjectsJson();
      expect(stored).toEqual([{ n: 0 }]);
    } finally {
      r.dispose();
    }
  }, 120_000);
});
