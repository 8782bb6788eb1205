/**
 * Scheduled jobs (node-cron) in the serving process, with an explicit time zone and no
 * overlapping runs; each run is recorded in job_runs.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Runtime } from '../runtime.ts';
import { JOBS } from './job-list.ts';
import { recordJobRun } from './job-runs.ts';

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
              const summary = await recordJobRun(runtime.db, job.name, 'schedule', () => job.run(runtime));
              logger.info({ job: job.name, ...summary }, 'job ran');
            } catch (error) {
              logger.error({ err: error, job: job.name }, 'job failed');
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
