/**
 * The jobs vigil runs, by name: what each does, for the scheduler, `vigil jobs run NAME` and
 * the API alike (one list, so a job cannot be scheduled but not runnable by hand, or the reverse).
 */
import type { Config } from '../config.ts';
import type { Runtime } from '../runtime.ts';
import { processInbox } from './inbox.ts';
import { runDetection } from './detect.ts';
import { recodeStaleEd } from './recode-ed.ts';
import { recodeStale } from './recode.ts';
import { refreshAggregates } from './refresh-aggregates.ts';

/** What a job runs with: the runtime's parts (the CLI and the scheduler pass the runtime, the API its services). */
export type JobContext = Omit<Runtime, 'close'>;

export interface JobDefinition {
  name: string;
  description: string;
  /** Its cron schedule from the configuration. */
  schedule: (config: Config) => string;
  run: (context: JobContext) => Promise<object>;
  /** A run whose summary says something needs a person (e.g. a quarantined file). */
  needsAttention?: (summary: object) => boolean;
}

export const JOBS: readonly JobDefinition[] = [
  {
    name: 'inbox',
    description: 'load files dropped in the inbox (inbox/<JURISDICTION>/ for a jurisdiction\'s own folder); move them to archive/ or quarantine/',
    schedule: (config) => config.jobs.inboxSchedule,
    run: (r) => processInbox(r.config.inboxDir, r.ingest),
    needsAttention: (summary) => (summary as { quarantined: number }).quarantined > 0,
  },
  {
    name: 'recode',
    description: 'code again the certificates an older coder or lexicon version coded, and the ED visits coded or evaluated against other syndrome definitions (human corrections are kept)',
    schedule: (config) => config.jobs.recodeSchedule,
    run: async (r) => ({ deaths: await recodeStale(r.db, r.coder, r.commitLock), ed: await recodeStaleEd(r.db, r.edCoding.current(), r.commitLock) }),
  },
  {
    name: 'detect',
    description: 'run the spike detectors on every state\'s and the nation\'s death (weekly) and ED syndrome (daily) series; store the latest statuses',
    schedule: (config) => config.jobs.detectSchedule,
    run: (r) => runDetection(r.db, r.queries, r.commitLock),
  },
  {
    name: 'refresh-aggregates',
    description: 'bring the aggregate cache (counts by county, day, measure or syndrome, age group and sex, rolled up by level) up to date with the current records and coding, counting again only the months that changed; also run when a reader finds it stale',
    schedule: (config) => config.jobs.refreshAggregatesSchedule,
    run: (r) => refreshAggregates(r.db, { queries: r.queries }),
  },
];

export function jobNamed(name: string): JobDefinition | undefined {
  return JOBS.find((job) => job.name === name);
}
