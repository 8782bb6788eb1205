/**
 * Kill and restart: `vigil ingest` is killed (SIGKILL, no chance to clean up) while it stages a
 * large file; opening the database again redoes the batch from its raw file, exactly once.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../pipeline/config.ts';
import { CERTIFICATE_COLUMNS } from '../pipeline/records/certificate.ts';
import { openRuntime } from '../pipeline/runtime.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const RECORDS = 40_000;

/** Starts `vigil ingest FILE`, resolves when its first progress line shows it is staging, then kills it. */
function killWhileStaging(dataDir: string, file: string): Promise<{ signal: string | null; progress: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'pipeline/cli/main.ts'), 'ingest', file], {
      cwd: ROOT,
      env: { ...process.env, VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'silent', VIGIL_CODING_WORKERS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let progress = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (progress === '' && / records, /.test(text)) {
        progress = text.trim();
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ signal, progress }));
  });
}

describe('a process killed mid-batch', () => {
  it('leaves no partial batch; on restart the batch is redone from its raw file without duplicates', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-kill-'));
    try {
      const file = path.join(dataDir, 'big.csv');
      const rows = Array.from({ length: RECORDS }, (_, i) => `K${i},OH,2024-03-${String((i % 28) + 1).padStart(2, '0')},40,F,39061,39061,A,Acute fentanyl and cocaine toxicity,,,,Hypertension,Used drugs`);
      fs.writeFileSync(file, `${CERTIFICATE_COLUMNS.join(',')}\n${rows.join('\n')}\n`);

      const killed = await killWhileStaging(dataDir, file);
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.progress).toMatch(/big\.csv: [\d,]+ records, /);

      const config = loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'silent', VIGIL_JOBS_ENABLED: 'false' });
      const runtime = await openRuntime(config, pino({ level: 'silent' }));
      try {
        const read = async (sql: string) => (await runtime.db.connection.runAndReadAll(sql)).getRowObjectsJson();
        expect(await read(`SELECT status, records_read, records_loaded, records_rejected FROM batches`)).toEqual([
          { status: 'loaded', records_read: RECORDS, records_loaded: RECORDS, records_rejected: 0 },
        ]);
        expect(await read(`SELECT count(*)::INTEGER AS n, count(DISTINCT certificate_id)::INTEGER AS ids FROM certificates`)).toEqual([{ n: RECORDS, ids: RECORDS }]);
        expect(await read(`SELECT count(*)::INTEGER AS n FROM coded_deaths WHERE underlying_cause = 'X42'`)).toEqual([{ n: RECORDS }]);
        // The same file sent again is recognised as already loaded.
        const again = await runtime.ingest.ingestFile(file, { source: 'cli' });
        expect(again.duplicateOf).toMatch(/^b\d{14}-[0-9a-f]{8}$/);
        expect(await read(`SELECT count(*)::INTEGER AS n FROM certificates`)).toEqual([{ n: RECORDS }]);
      } finally {
        runtime.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
