import type { Config } from '../config.ts';
import { processInbox } from '../jobs/inbox.ts';
import { listJobRuns, recordJobRun } from '../jobs/job-runs.ts';
import { openRuntime } from '../runtime.ts';
import { UsageError } from './usage-error.ts';

/** `vigil jobs`: recent job runs as NDJSON; `vigil jobs run inbox`: run the inbox job now. */
export async function jobsCommand(config: Config, args: string[]): Promise<number> {
  const runtime = await openRuntime(config);
  try {
    if (args.length === 0) {
      for (const run of await listJobRuns(runtime.db)) process.stdout.write(`${JSON.stringify(run)}\n`);
      return 0;
    }
    if (args[0] === 'run' && args[1] === 'inbox' && args.length === 2) {
      const summary = await recordJobRun(runtime.db, 'inbox', 'manual', () => processInbox(config.inboxDir, runtime.ingest));
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      return summary.quarantined > 0 ? 1 : 0;
    }
    throw new UsageError('usage: vigil jobs [run inbox]');
  } finally {
    runtime.close();
  }
}
