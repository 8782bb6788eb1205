import { Router } from 'express';
import { JOBS } from '../../pipeline/jobs/job-list.ts';
import { listJobRuns } from '../../pipeline/jobs/job-runs.ts';
import { requireRole } from '../auth/principal.ts';
import type { AppServices } from '../services.ts';

/**
 * The scheduled jobs (what, when, in which time zone) and their recent runs, newest first. For
 * admins and epidemiologists: run summaries tell how much arrived from where and when.
 */
export function jobRoutes({ config, db }: AppServices): Router {
  const router = Router();
  router.get('/api/jobs', requireRole('admin', 'epidemiologist'), async (_request, response) => {
    const runs = (await listJobRuns(db)).map((run) => ({ ...run, summary: run.summary === null ? null : JSON.parse(String(run.summary)) }));
    response.json({
      enabled: config.jobs.enabled,
      timeZone: config.timeZone,
      jobs: JOBS.map((job) => ({ name: job.name, description: job.description, schedule: job.schedule(config) })),
      runs,
    });
  });
  return router;
}
