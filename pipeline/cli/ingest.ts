import fs from 'node:fs';
import type { Config } from '../config.ts';
import { openRuntime } from '../runtime.ts';
import { progressReporter } from './progress.ts';
import { UsageError } from './usage-error.ts';

/** `vigil ingest FILE...`: loads each file as a batch and prints its report as one JSON line. */
export async function ingestCommand(config: Config, files: string[]): Promise<number> {
  if (files.length === 0) throw new UsageError('usage: vigil ingest FILE...');
  for (const file of files) if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const runtime = await openRuntime(config);
  let failed = false;
  try {
    for (const file of files) {
      const progress = progressReporter(file, fs.statSync(file).size);
      const report = await runtime.ingest.ingestFile(file, { source: 'cli', onProgress: progress.update });
      progress.done(report.recordsRead);
      process.stdout.write(`${JSON.stringify(report)}\n`);
      if (report.status !== 'loaded') failed = true;
    }
  } finally {
    runtime.close();
  }
  return failed ? 1 : 0;
}
