/**
 * The one place configuration is read. Everything below receives a `Config` value; nothing reads
 * `process.env` on its own, so tests can build any configuration they need.
 */
import path from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';

/** Every 10 minutes, so uploads show in the cached aggregates soon even when no one reads them. */
export const DEFAULT_REFRESH_AGGREGATES_SCHEDULE = '*/10 * * * *';

const cronExpression = (name: string) =>
  z.string().refine((value) => cron.validate(value), { message: `${name} is not a valid cron expression` });

const timeZone = z.string().refine(
  (value) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not an IANA time zone (e.g. America/New_York)' },
);

/** Environment variables, their defaults and meanings. README's configuration table mirrors this. */
const environmentSchema = z.object({
  VIGIL_DATA_DIR: z.string().min(1).default('./data'),
  VIGIL_DB_PATH: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  VIGIL_TIME_ZONE: timeZone.default('America/New_York'),
  VIGIL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VIGIL_DB_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'expected a size such as 2GB or 512MiB')
    .default('1GB'),
  // Off by default: on this 2-vCPU machine coding is memory-bound (two coder processes side by side
  // each run at ~60% of one alone; bench/README.md), so two workers (certificates, and ED CSV the
  // bulk path declines) gain ~20-25% end to end for ~35% more memory. On a machine with more memory
  // bandwidth per core, raise it.
  VIGIL_CODING_WORKERS: z.coerce.number().int().min(0).max(64).default(0),
  // Certificate template CSV and ED CSV read by DuckDB's reader, each distinct value validated and
  // coded once (pipeline/ingest/certificate-csv-bulk.ts, ed-csv-bulk.ts); 'false' reads every file
  // row by row, as the other formats are.
  VIGIL_CSV_BULK: z.enum(['true', 'false']).default('true'),
  VIGIL_UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(1024 * 1024 * 1024),
  VIGIL_INBOX_SCHEDULE: cronExpression('VIGIL_INBOX_SCHEDULE').default('*/5 * * * *'),
  // Nightly, after the inbox has settled: re-codes what an older coder or lexicon coded.
  VIGIL_RECODE_SCHEDULE: cronExpression('VIGIL_RECODE_SCHEDULE').default('15 3 * * *'),
  // After recoding: spike detection over the night's data.
  VIGIL_DETECT_SCHEDULE: cronExpression('VIGIL_DETECT_SCHEDULE').default('45 4 * * *'),
  // The aggregate cache; a reader who finds it stale also starts a refresh (recorded as 'automatic').
  VIGIL_REFRESH_AGGREGATES_SCHEDULE: cronExpression('VIGIL_REFRESH_AGGREGATES_SCHEDULE').default(DEFAULT_REFRESH_AGGREGATES_SCHEDULE),
  VIGIL_JOBS_ENABLED: z.enum(['true', 'false']).default('true'),
  // Browser origins allowed to call the API from another site (comma-separated, e.g.
  // https://dash.health.example.gov). Empty: CORS stays closed, only the served dashboard calls it.
  VIGIL_CORS_ORIGINS: z
    .string()
    .default('')
    .refine((value) => splitList(value).every(isOrigin), 'expected comma-separated origins such as https://dash.example.gov (scheme, host and port only)'),
  // Failed sign-ins (a bad, unknown or revoked token) per client address in 10 minutes before it
  // gets 429s: guessing a token is hopeless anyway, this keeps a scripted attempt from flooding the audit log.
  VIGIL_AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(20),
  // Behind a reverse proxy, the hops to trust for the client address (Express "trust proxy"): a
  // number of hops, or addresses/subnets such as "loopback" or "10.0.0.0/8". Unset: the socket's address.
  VIGIL_TRUST_PROXY: z
    .string()
    .regex(/^(\d{1,2}|[0-9a-zA-Z.:/,\s]+)$/, 'expected a number of proxy hops or comma-separated addresses/subnets')
    .optional(),
});

const splitList = (value: string) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

/** An origin as a browser sends it: scheme://host[:port], nothing after. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value.replace(/\/$/, '');
  } catch {
    return false;
  }
}

export interface Config {
  dataDir: string;
  databasePath: string;
  /** DuckDB's memory limit; beyond it, large batches spill to a temporary directory beside the database. */
  databaseMemoryLimit: string;
  /** Raw uploads, kept byte for byte with their checksum. */
  rawDir: string;
  /** Files dropped here are ingested by the inbox job. */
  inboxDir: string;
  port: number;
  host: string;
  timeZone: string;
  logLevel: z.infer<typeof environmentSchema>['VIGIL_LOG_LEVEL'];
  uploadMaxBytes: number;
  /** Worker threads that code certificates during ingest; 0 codes on the main thread. */
  codingWorkers: number;
  /** Template and ED CSV through DuckDB's reader when it reads the file as ours does (csv-bulk-read.ts). */
  csvBulk: boolean;
  jobs: { enabled: boolean; inboxSchedule: string; recodeSchedule: string; detectSchedule: string; refreshAggregatesSchedule: string };
  security: {
    /** Origins granted CORS; empty = closed. */
    corsOrigins: string[];
    /** Failed sign-ins per client address per 10 minutes before 429. */
    authFailureLimit: number;
    /** Express "trust proxy": hops or addresses; false = trust no proxy. */
    trustProxy: number | string | false;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates configuration; a wrong value fails here with a message naming it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.');
      return `${key}=${JSON.stringify(env[key] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}\nSee .env.example for every setting.`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.VIGIL_DATA_DIR);
  return {
    dataDir,
    databasePath: path.resolve(e.VIGIL_DB_PATH ?? path.join(dataDir, 'vigil.duckdb')),
    databaseMemoryLimit: e.VIGIL_DB_MEMORY_LIMIT,
    rawDir: path.join(dataDir, 'raw'),
    inboxDir: path.join(dataDir, 'inbox'),
    port: e.PORT,
    host: e.HOST,
    timeZone: e.VIGIL_TIME_ZONE,
    logLevel: e.VIGIL_LOG_LEVEL,
    uploadMaxBytes: e.VIGIL_UPLOAD_MAX_BYTES,
    codingWorkers: e.VIGIL_CODING_WORKERS,
    csvBulk: e.VIGIL_CSV_BULK === 'true',
    jobs: {
      enabled: e.VIGIL_JOBS_ENABLED === 'true',
      inboxSchedule: e.VIGIL_INBOX_SCHEDULE,
      recodeSchedule: e.VIGIL_RECODE_SCHEDULE,
      detectSchedule: e.VIGIL_DETECT_SCHEDULE,
      refreshAggregatesSchedule: e.VIGIL_REFRESH_AGGREGATES_SCHEDULE,
    },
    security: {
      corsOrigins: splitList(e.VIGIL_CORS_ORIGINS).map((origin) => origin.replace(/\/$/, '')),
      authFailureLimit: e.VIGIL_AUTH_FAILURE_LIMIT,
      trustProxy: e.VIGIL_TRUST_PROXY === undefined ? false : /^\d+$/.test(e.VIGIL_TRUST_PROXY.trim()) ? Number(e.VIGIL_TRUST_PROXY) : e.VIGIL_TRUST_PROXY.trim(),
    },
  };
}
