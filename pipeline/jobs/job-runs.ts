/**
 * The job-run log: every run of every job, with its start, end, outcome and summary, so a
 * missing week of surveillance shows up as a failed run rather than silence.
 */
import crypto from 'node:crypto';
import type { Database } from '../store/database.ts';

export type JobTrigger = 'schedule' | 'manual';

/** Runs `work` as a recorded job run; the summary it returns is stored, and so is any error. */
export async function recordJobRun<T extends object>(db: Database, job: string, trigger: JobTrigger, work: () => Promise<T>): Promise<T> {
  const runId = crypto.randomUUID();
  await db.connection.run(
    `INSERT INTO job_runs (run_id, job, trigger, started_at, status) VALUES ($run_id, $job, $trigger, now(), 'running')`,
    { run_id: runId, job, trigger },
  );
  try {
    const summary = await work();
    await db.connection.run(
      `UPDATE job_runs SET finished_at = now(), status = 'succeeded', summary = CAST($summary AS JSON) WHERE run_id = $run_id`,
      { summary: JSON.stringify(summary), run_id: runId },
    );
    return summary;
  } catch (error) {
    await db.connection.run(
      `UPDATE job_runs SET finished_at = now(), status = 'failed', error = $error WHERE run_id = $run_id`,
      { error: error instanceof Error ? error.message : String(error), run_id: runId },
    );
    throw error;
  }
}

export async function listJobRuns(db: Database, limit = 50) {
  const reader = await db.connection.runAndReadAll(
    `SELECT run_id, job, trigger, CAST(started_at AS VARCHAR) AS started_at, CAST(finished_at AS VARCHAR) AS finished_at,
            status, CAST(summary AS VARCHAR) AS summary, error
     FROM job_runs ORDER BY started_at DESC LIMIT $limit`,
    { limit },
  );
  return reader.getRowObjectsJson();
}
