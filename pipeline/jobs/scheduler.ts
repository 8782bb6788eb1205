/**
 * Scheduled jobs (node-cron) in the serving process, with an explicit time zone and no
 * overlapping runs: a tick while the job runs (scheduled, started over the API, or by the
 * application) is skipped and logged. Each run is recorded in job_runs.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Runtime } from '../runtime.ts';
import { JOBS } from './job-list.ts';
import { JobAlreadyRunningError, startExclusiveJobRun } from './job-runs.ts';

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler(runtime: Runtime): Scheduler {
  const { config, logger } = runtime;
  const tasks: ScheduledTask[] = [];
  if (config.jobs.enabled) {
    for (const job of JOBS) {
      tasks.push(
        cron.schedule(
          job.schedule(config),
          async () => {
            try {
              const started = await startExclusiveJobRun(runtime.db, job.name, 'schedule', () => job.run(runtime));
              logger.info({ job: job.name, ...(await started.finished) }, 'job ran');
            } catch (error) {
              if (error instanceof JobAlreadyRunningError) logger.warn({ job: job.name, running: error.running.runId }, 'scheduled run skipped: the job is still running');
              else logger.error({ err: error, job: job.name }, 'job failed');
            }
          },
          { name: job.name, timezone: config.timeZone, noOverlap: true },
        ),
      );
    }
  }
  return {
    stop: async () => {
      for (const task of tasks) await task.destroy();
    },
  };
}
