/**
 * The refresh-aggregates job: brings the aggregate cache (sql/schema/012_aggregate_cache.sql) up
 * to date with the current records and their current coding, so GET /api/aggregates answers from
 * precomputed counts instead of scanning every certificate. Human corrections and recodes
 * (coded_deaths.is_current) show in the cached aggregates from the next refresh; until then the API
 * sees the cache as stale and counts the records directly.
 *
 * Incremental: record and coding tables only grow, so the rows added since the last refresh name
 * the months they touch (sql/queries/aggregate_changed_months.sql), and only those months are
 * counted again. The first run, a run after rows were removed, or one touching more than
 * MAX_MONTHS months rebuilds everything. Each source is refreshed in one transaction on the job's own
 * connection: readers keep the previous cache until it commits, and loads may commit meanwhile (the
 * data version then differs, so the cache reads as stale and the next run picks them up). Runs of
 * one database never overlap.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Logger } from 'pino';
import { Mutex } from '../ingest/mutex.ts';
import type { Database } from '../store/database.ts';
import { QueryCatalog, readSqlFiles, runScript } from '../store/sql-files.ts';
import { inTransaction } from '../store/transaction.ts';
import { JobAlreadyRunningError, runningJob, startExclusiveJobRun } from './job-runs.ts';


const JOB = 'refresh-aggregates';

/** More months changed than this (two years), and a full rebuild is as quick. */
export const MAX_MONTHS = 24;

const SOURCES = ['deaths', 'ed'] as const;
type Source = (typeof SOURCES)[number];

export interface SourceRefresh {
  /** full: rebuilt; months: the months changed were counted again; unchanged: nothing new. */
  mode: 'full' | 'months' | 'unchanged';
  /** The months counted again (first days), for mode 'months'. */
  months: string[];
  records: number;
  cacheRows: number;
  dataVersion: string;
}

export interface RefreshSummary {
  deaths: SourceRefresh;
  ed: SourceRefresh;
  seconds: number;
}

// One lock per open database (not a process-wide one): tests with their own databases never wait on each other.
const locks = new WeakMap<Database, Mutex>();

function lockFor(db: Database): Mutex {
  let lock = locks.get(db);
  if (!lock) locks.set(db, (lock = new Mutex()));
  return lock;
}

/** 'N/M' (or 'partial N/M'): the record and coding rows a cache version counted. */
function countsOf(version: string | null): [number, number] | null {
  const match = /^(?:partial )?(\d+)\/(\d+)$/.exec(version ?? '');
  return match ? [Number(match[1]), Number(match[2])] : null;
}

async function value(connection: DuckDBConnection, sql: string, parameters: Record<string, string> = {}): Promise<string | null> {
  const row = (await connection.runAndReadAll(sql, parameters)).getRows()[0];
  return row?.[0] === null || row?.[0] === undefined ? null : String(row[0]);
}

/** What to do for one source, decided inside the refresh's transaction (its snapshot). */
async function planSource(connection: DuckDBConnection, queries: QueryCatalog, source: Source, full: boolean): Promise<{ mode: SourceRefresh['mode']; months: string[] }> {
  const cached = countsOf(await value(connection, 'SELECT data_version FROM aggregate_cache_state WHERE source = $source', { source }));
  const seen = countsOf(await value(connection, 'SELECT aggregate_snapshot_version($source)', { source }))!;
  if (full || cached === null) return { mode: 'full', months: [] };
  if (seen[0] < cached[0] || seen[1] < cached[1]) return { mode: 'full', months: [] }; // rows were removed
  if (seen[0] === cached[0] && seen[1] === cached[1]) return { mode: 'unchanged', months: [] };
  const reader = await connection.runAndReadAll(queries.sql('aggregate_changed_months'), { source, records_from: cached[0], codings_from: cached[1] });
  const months = reader.getRows().map((row) => String(row[0]));
  return months.length > MAX_MONTHS ? { mode: 'full', months: [] } : { mode: 'months', months };
}

/** Consecutive months as [from, to) ranges of days. */
function monthRanges(months: readonly string[]): { from: string; to: string }[] {
  const next = (month: string) => {
    const [y, m] = month.split('-').map(Number) as [number, number];
    return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  };
  const ranges: { from: string; to: string }[] = [];
  for (const month of [...months].sort()) {
    const last = ranges.at(-1);
    if (last && last.to === month) last.to = next(month);
    else ranges.push({ from: month, to: next(month) });
  }
  return ranges;
}

export async function refreshAggregates(db: Database, options: { queries?: QueryCatalog; full?: boolean } = {}): Promise<RefreshSummary> {
  const queries = options.queries ?? new QueryCatalog();
  return lockFor(db).run(async () => {
    const started = performance.now();
    const loader = readSqlFiles('loader');
    const [rebuild, record] = [loader.get('refresh_aggregate_cache'), loader.get('refresh_aggregate_state')];
    if (!rebuild || !record) throw new Error('sql/loader/refresh_aggregate_cache.sql or refresh_aggregate_state.sql is missing');
    const connection = await db.connect();
    try {
      // One transaction per source: they are independent, and each records the snapshot it counted.
      const plans = {} as Record<Source, { mode: SourceRefresh['mode']; months: string[] }>;
      for (const source of SOURCES) {
        plans[source] = await inTransaction(connection, async () => {
          const plan = await planSource(connection, queries, source, options.full === true);
          if (plan.mode === 'unchanged') return plan;
          const ranges = plan.mode === 'full' ? [{ from: '0001-01-01', to: '9999-12-31' }] : monthRanges(plan.months);
          for (const range of ranges) await runScript(connection, rebuild, { ...range, deaths: source === 'deaths', ed: source === 'ed' });
          await runScript(connection, record, { source });
          return plan;
        });
      }
      const rows = (await connection.runAndReadAll(`SELECT source, data_version, records, cache_rows FROM aggregate_cache_state`)).getRowObjectsJson();
      const of = (source: Source): SourceRefresh => {
        const row = rows.find((r) => r.source === source);
        return { ...plans[source], records: Number(row?.records ?? 0), cacheRows: Number(row?.cache_rows ?? 0), dataVersion: String(row?.data_version ?? '') };
      };
      return { deaths: of('deaths'), ed: of('ed'), seconds: Math.round((performance.now() - started) / 10) / 100 };
    } finally {
      connection.closeSync();
    }
  });
}

/**
 * Refreshes in the background when a reader finds the cache stale (after a batch load, a recode or
 * a correction), at most one run at a time; a request while one runs schedules one more after it,
 * so the last change is always picked up. Each run is recorded in the job-run log with the trigger
 * 'automatic' (the application asked, not the schedule or a person). A refresh-aggregates run
 * already in progress (scheduled or manual) is waited for, then one more runs after it: it may
 * have counted a snapshot older than the change that made this request.
 */
export class BackgroundRefresh {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: Database,
    private readonly queries: QueryCatalog,
    private readonly logger: Logger,
  ) {}

  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Resolves when no refresh is running (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        const summary = await this.runOnce();
        this.logger.info({ job: JOB, trigger: 'automatic', reason: 'stale cache', ...summary }, 'job ran');
      } catch (error) {
        this.logger.error({ err: error, job: JOB }, 'background refresh of the aggregate cache failed');
        return; // the next stale read asks again; no retry loop against a failing database
      }
    } while (this.again);
  }

  /** One recorded run, after any run of the job already in progress. */
  private async runOnce(): Promise<RefreshSummary> {
    for (;;) {
      await this.otherRun();
      try {
        const started = await startExclusiveJobRun(this.db, JOB, 'automatic', () => refreshAggregates(this.db, { queries: this.queries }));
        return await started.finished;
      } catch (error) {
        if (!(error instanceof JobAlreadyRunningError)) throw error;
        // Another caller started one between the wait and the start: wait for that one too.
      }
    }
  }

  private async otherRun(): Promise<void> {
    for (let other = runningJob(this.db, JOB); other; other = runningJob(this.db, JOB)) await other.settled;
  }
}
