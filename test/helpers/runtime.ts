/**
 * A runtime on a fresh temporary data directory, for tests: its own DuckDB file, raw store and
 * inbox, silent logs, no scheduled jobs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../pipeline/config.ts';
import { openRuntime, type Runtime } from '../../pipeline/runtime.ts';

export interface TestRuntime extends Runtime {
  dataDir: string;
  /** Closes the database and deletes the data directory. */
  dispose(): void;
}

export async function openTestRuntime(options: { codingWorkers?: number; csvBulk?: boolean } = {}): Promise<TestRuntime> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-test-'));
  const config = loadConfig({
    VIGIL_DATA_DIR: dataDir,
    PORT: '0',
    VIGIL_LOG_LEVEL: 'silent',
    VIGIL_JOBS_ENABLED: 'false',
    VIGIL_CODING_WORKERS: String(options.codingWorkers ?? 0),
    VIGIL_CSV_BULK: String(options.csvBulk ?? true),
  });
  const runtime = await openRuntime(config, pino({ level: 'silent' }));
  return {
    ...runtime,
    dataDir,
    dispose() {
      runtime.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
