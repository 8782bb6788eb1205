/**
 * Scheduled jobs (node-cron) in the serving process, with an explicit time zone and no
 * overlapping runs; each run is recorded in job_runs.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Runtime } from '../runtime.ts';
import { processInbox } from './inbox.ts';
import { recordJobRun } from './job-runs.ts';

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler(runtime: Runtime): Scheduler {
  const { config, logger } = runtime;
  const tasks: ScheduledTask[] = [];
  if (config.jobs.enabled) {
    tasks.push(
      cron.schedule(
        config.jobs.inboxSchedule,
        async () => {
          try {
            const summary = await recordJobRun(runtime.db, 'inbox', 'schedule', () => processInbox(config.inboxDir, runtime.ingest));
            if (summary.files > 0) logger.info({ job: 'inbox', ...summary }, 'inbox processed');
          } catch (error) {
            logger.error({ err: error, job: 'inbox' }, 'inbox job failed');
          }
        },
        { name: 'inbox', timezone: config.timeZone, noOverlap: true },
      ),
    );
  }
  return {
    stop: async () => {
      for (const task of tasks) await task.destroy();
    },
  };
}
