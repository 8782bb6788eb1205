import type { Config } from '../config.ts';
import { JOBS, jobNamed } from '../jobs/job-list.ts';
import { listJobRuns, recordJobRun } from '../jobs/job-runs.ts';
import { openRuntime } from '../runtime.ts';
import { UsageError } from './usage-error.ts';

const USAGE = `usage: vigil jobs [run ${JOBS.map((j) => j.name).join('|')}]`;

/** `vigil jobs`: recent job runs as NDJSON; `vigil jobs run NAME`: run a job now (recorded as manual). */
export async function jobsCommand(config: Config, args: string[]): Promise<number> {
  const job = args[0] === 'run' && args.length === 2 ? jobNamed(args[1]!) : undefined;
  if (!(args.length === 0 || job)) throw new UsageError(USAGE);
  const runtime = await openRuntime(config);
  try {
    if (!job) {
      for (const run of await listJobRuns(runtime.db)) process.stdout.write(`${JSON.stringify(run)}\n`);
      return 0;
    }
    const summary = await recordJobRun(runtime.db, job.name, 'manual', () => job.run(runtime));
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return job.needsAttention?.(summary) ? 1 : 0;
  } finally {
    runtime.close();
  }
}
