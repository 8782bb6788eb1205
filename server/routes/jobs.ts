/**
 * The jobs (pipeline/jobs/job-list.ts):
 *   GET  /api/jobs              what runs when (cron, time zone) and the recent runs, newest first;
 *                               admins and epidemiologists (run summaries tell how much arrived from where)
 *   POST /api/jobs/:name/runs   an admin runs a job now: 202 with the run id once it has started
 *                               (it goes on in the background; GET /api/jobs shows how it ended),
 *                               409 while a run of that job is in progress in this server. Audited.
 */
import { Router } from 'express';
import { z } from 'zod';
import { JOBS, jobNamed, type JobContext } from '../../pipeline/jobs/job-list.ts';
import { JobAlreadyRunningError, listJobRuns, startExclusiveJobRun } from '../../pipeline/jobs/job-runs.ts';
import { auditRequest } from '../auth/audit-request.ts';
import { requireRole } from '../auth/principal.ts';
import { HttpError, parseInput } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppServices } from '../services.ts';

const NO_PARAMETERS = z.strictObject({});
const JOB_NAME = z.strictObject({
  name: z.string().regex(/^[a-z][a-z-]{0,40}$/, 'a job name').describe(`the job: ${JOBS.map((j) => j.name).join(', ')}`).meta({ examples: ['inbox'] }),
});

const RUN = z.object({ run_id: z.string(), job: z.string(), trigger: z.enum(['schedule', 'manual', 'automatic']), started_at: z.string(), finished_at: z.string().nullable(), status: z.enum(['running', 'succeeded', 'failed']), summary: z.unknown(), error: z.string().nullable() });

/** For the OpenAPI document (server/openapi.ts). */
export const JOB_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/jobs',
    summary: 'The jobs, their cron schedules and time zone, and the 50 most recent runs',
    description: "Runs are triggered by the schedule, manually (a person: the CLI, POST /api/jobs/:name/runs, an approval), or automatically (the application, e.g. a stale aggregate cache).",
    tags: ['jobs'],
    callers: ['admin', 'epidemiologist'],
    query: NO_PARAMETERS,
    responses: {
      '200': {
        description: '{ enabled, timeZone, jobs, runs }',
        schema: z.object({ enabled: z.boolean(), timeZone: z.string(), jobs: z.array(z.object({ name: z.string(), description: z.string(), schedule: z.string() })), runs: z.array(RUN) }),
      },
    },
  },
  {
    method: 'post',
    path: '/api/jobs/:name/runs',
    summary: 'Run a job now (in the background), unless it is running already',
    description: 'The run is recorded with trigger "manual" and audited (job.run) with the admin who asked.',
    tags: ['jobs'],
    callers: ['admin'],
    query: NO_PARAMETERS,
    pathParameters: JOB_NAME,
    responses: {
      '202': {
        description: 'Started: { runId, job, trigger, status: "running", startedAt }; Location: /api/jobs.',
        schema: z.object({ runId: z.string(), job: z.string(), trigger: z.literal('manual'), status: z.literal('running'), startedAt: z.string() }),
      },
      '404': { description: 'No job of that name.' },
      '409': { description: 'A run of the job is in progress; the message names it.' },
    },
  },
];

export function jobRoutes(services: AppServices): Router {
  const { config, db, logger } = services;
  // What a job runs with: the services, and the committed coder (built on first use, as the runtime's).
  const context: JobContext = {
    ...services,
    get coder() {
      return services.deathCoding.committedCoder();
    },
  };
  const router = Router();

  router.get('/api/jobs', requireRole('admin', 'epidemiologist'), async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    const runs = (await listJobRuns(db)).map((run) => ({ ...run, summary: run.summary === null ? null : JSON.parse(String(run.summary)) }));
    response.json({
      enabled: config.jobs.enabled,
      timeZone: config.timeZone,
      jobs: JOBS.map((job) => ({ name: job.name, description: job.description, schedule: job.schedule(config) })),
      runs,
    });
  });

  router.post('/api/jobs/:name/runs', requireRole('admin'), async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    const { name } = parseInput(JOB_NAME, request.params);
    const job = jobNamed(name);
    if (!job) throw new HttpError(404, `no job ${JSON.stringify(name)} (jobs: ${JOBS.map((j) => j.name).join(', ')})`);
    let started;
    try {
      // The audit entry is written inside the reservation: no run starts unrecorded, and none is recorded that did not start.
      started = await startExclusiveJobRun(db, job.name, 'manual', () => job.run(context), (runId) =>
        auditRequest(services, response, { action: 'job.run', target: job.name, detail: { runId, trigger: 'manual' } }),
      );
    } catch (error) {
      if (error instanceof JobAlreadyRunningError) {
        const { runId, trigger, startedAt } = error.running;
        throw new HttpError(409, `job ${job.name} is already running (run ${runId}, ${trigger}, since ${startedAt}): wait for it to finish (GET /api/jobs)`);
      }
      throw error;
    }
    started.finished.then(
      (summary) => logger.info({ job: job.name, runId: started.runId, trigger: 'manual', ...summary }, 'job ran'),
      (error: unknown) => logger.error({ err: error, job: job.name, runId: started.runId }, 'job failed'),
    );
    response.status(202).location('/api/jobs').json({ runId: started.runId, job: job.name, trigger: 'manual', status: 'running', startedAt: started.startedAt });
  });
  return router;
}
