/**
 * The job-run log: every run of every job, with its start, end, outcome and summary, so a
 * missing week of surveillance shows up as a failed run rather than silence.
 *
 * Triggers: 'schedule' (the cron scheduler), 'manual' (a person: `vigil jobs run`, POST
 * /api/jobs/:name/runs, or an action that implies a run, such as approving a lexicon term) and
 * 'automatic' (the application itself, e.g. a reader that found the aggregate cache stale).
 *
 * The runs in progress in this process are known per open database, so a caller can refuse to
 * start a job that is already running (`startExclusiveJobRun`: the scheduler and the API do).
 */
import crypto from 'node:crypto';
import type { Database } from '../store/database.ts';

export type JobTrigger = 'schedule' | 'manual' | 'automatic';

export interface RunningJob {
  job: string;
  /** Chosen when the run is reserved, before its row is written. */
  runId: string;
  trigger: JobTrigger;
  startedAt: string;
  /** Resolves (never rejects) when the run has ended, however it ended. */
  settled: Promise<void>;
}

export interface StartedJobRun<T> {
  runId: string;
  startedAt: string;
  /** Settles with the run: its summary, or its error (the run is recorded as failed either way). */
  finished: Promise<T>;
}

export class JobAlreadyRunningError extends Error {
  override name = 'JobAlreadyRunningError';
  constructor(readonly running: RunningJob) {
    super(`job ${running.job} is already running (run ${running.runId}, ${running.trigger}, since ${running.startedAt})`);
  }
}

// Per open database, not process-wide: tests with databases of their own never see each other's runs.
const inProgress = new WeakMap<Database, Set<RunningJob>>();

function runsOf(db: Database): Set<RunningJob> {
  let runs = inProgress.get(db);
  if (!runs) inProgress.set(db, (runs = new Set()));
  return runs;
}

/** Registers a run in progress; `end` takes it out and settles it. */
function reserve(db: Database, job: string, trigger: JobTrigger): { entry: RunningJob; end: () => void } {
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const entry: RunningJob = { job, runId: crypto.randomUUID(), trigger, startedAt: new Date().toISOString(), settled };
  const runs = runsOf(db);
  runs.add(entry);
  return {
    entry,
    end: () => {
      runs.delete(entry);
      settle();
    },
  };
}

/** A run of `job` in progress in this process, if there is one. */
export function runningJob(db: Database, job: string): RunningJob | undefined {
  return [...runsOf(db)].find((run) => run.job === job);
}

/** Writes the run's row, then runs `work` and records its outcome; `end` is called once it is over. */
async function begin<T>(db: Database, reservation: { entry: RunningJob; end: () => void }, work: () => Promise<T>): Promise<StartedJobRun<T>> {
  const { entry, end } = reservation;
  const { runId } = entry;
  try {
    await db.connection.run(`INSERT INTO job_runs (run_id, job, trigger, started_at, status) VALUES ($run_id, $job, $trigger, now(), 'running')`, {
      run_id: runId,
      job: entry.job,
      trigger: entry.trigger,
    });
  } catch (error) {
    end();
    throw error;
  }
  const finished = (async () => {
    try {
      const summary = await work();
      await db.connection.run(`UPDATE job_runs SET finished_at = now(), status = 'succeeded', summary = CAST($summary AS JSON) WHERE run_id = $run_id`, {
        summary: JSON.stringify(summary),
        run_id: runId,
      });
      return summary;
    } catch (error) {
      await db.connection.run(`UPDATE job_runs SET finished_at = now(), status = 'failed', error = $error WHERE run_id = $run_id`, {
        error: error instanceof Error ? error.message : String(error),
        run_id: runId,
      });
      throw error;
    } finally {
      end();
    }
  })();
  return { runId, startedAt: entry.startedAt, finished };
}

/**
 * Starts `work` as a recorded run unless a run of the same job is in progress in this process
 * (then JobAlreadyRunningError, and nothing is written). The job is reserved at once, before any
 * await, so two callers cannot both start it; `before` (an audit entry, say) runs inside the
 * reservation with the run's id, and when it fails nothing starts. Resolves once the run's row
 * is written.
 */
export async function startExclusiveJobRun<T>(
  db: Database,
  job: string,
  trigger: JobTrigger,
  work: () => Promise<T>,
  before?: (runId: string) => Promise<void>,
): Promise<StartedJobRun<T>> {
  const running = runningJob(db, job);
  if (running) throw new JobAlreadyRunningError(running);
  const reservation = reserve(db, job, trigger);
  try {
    await before?.(reservation.entry.runId);
  } catch (error) {
    reservation.end();
    throw error;
  }
  return begin(db, reservation, work);
}

/** Runs `work` as a recorded run (whether or not another run of the job is in progress); the summary it returns is stored, and so is any error. */
export async function recordJobRun<T extends object>(db: Database, job: string, trigger: JobTrigger, work: () => Promise<T>): Promise<T> {
  const started = await begin(db, reserve(db, job, trigger), work);
  return started.finished;
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
