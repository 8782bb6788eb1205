import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../pipeline/config.ts';
import { JOBS } from '../pipeline/jobs/job-list.ts';

describe('configuration', () => {
  it('has defaults for everything', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      dataDir: path.resolve('data'),
      databasePath: path.resolve('data/vigil.duckdb'),
      rawDir: path.resolve('data/raw'),
      inboxDir: path.resolve('data/inbox'),
      databaseMemoryLimit: '1GB',
      codingWorkers: 0,
      csvBulk: true,
      port: 3000,
      host: '127.0.0.1',
      timeZone: 'America/New_York',
      jobs: { enabled: true, inboxSchedule: '*/5 * * * *', recodeSchedule: '15 3 * * *', detectSchedule: '45 4 * * *', refreshAggregatesSchedule: '*/10 * * * *' },
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      VIGIL_DATA_DIR: '/srv/vigil',
      VIGIL_DB_PATH: '/fast/vigil.duckdb',
      VIGIL_DB_MEMORY_LIMIT: '512MiB',
      PORT: '8080',
      HOST: '0.0.0.0',
      VIGIL_TIME_ZONE: 'America/Chicago',
      VIGIL_LOG_LEVEL: 'warn',
      VIGIL_UPLOAD_MAX_BYTES: '1000',
      VIGIL_INBOX_SCHEDULE: '0 * * * *',
      VIGIL_RECODE_SCHEDULE: '30 2 * * *',
      VIGIL_DETECT_SCHEDULE: '0 5 * * *',
      VIGIL_REFRESH_AGGREGATES_SCHEDULE: '*/15 * * * *',
      VIGIL_JOBS_ENABLED: 'false',
    });
    expect(config).toMatchObject({
      dataDir: '/srv/vigil',
      databasePath: '/fast/vigil.duckdb',
      databaseMemoryLimit: '512MiB',
      port: 8080,
      host: '0.0.0.0',
      timeZone: 'America/Chicago',
      logLevel: 'warn',
      uploadMaxBytes: 1000,
      jobs: { enabled: false, inboxSchedule: '0 * * * *', recodeSchedule: '30 2 * * *', detectSchedule: '0 5 * * *', refreshAggregatesSchedule: '*/15 * * * *' },
    });
  });

  it('gives every job its configured schedule', () => {
    const config = loadConfig({ VIGIL_REFRESH_AGGREGATES_SCHEDULE: '*/15 * * * *', VIGIL_INBOX_SCHEDULE: '0 * * * *' });
    expect(Object.fromEntries(JOBS.map((job) => [job.name, job.schedule(config)]))).toEqual({
      inbox: '0 * * * *',
      recode: '15 3 * * *',
      detect: '45 4 * * *',
      'refresh-aggregates': '*/15 * * * *',
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT="eighty"'],
    [{ PORT: '70000' }, 'PORT="70000"'],
    [{ VIGIL_TIME_ZONE: 'Mars/Olympus' }, 'VIGIL_TIME_ZONE="Mars/Olympus": not an IANA time zone'],
    [{ VIGIL_INBOX_SCHEDULE: 'every minute' }, 'VIGIL_INBOX_SCHEDULE="every minute": VIGIL_INBOX_SCHEDULE is not a valid cron expression'],
    [{ VIGIL_REFRESH_AGGREGATES_SCHEDULE: 'every 10 minutes' }, 'VIGIL_REFRESH_AGGREGATES_SCHEDULE="every 10 minutes": VIGIL_REFRESH_AGGREGATES_SCHEDULE is not a valid cron expression'],
    [{ VIGIL_LOG_LEVEL: 'loud' }, 'VIGIL_LOG_LEVEL="loud"'],
    [{ VIGIL_DB_MEMORY_LIMIT: 'lots' }, 'VIGIL_DB_MEMORY_LIMIT="lots": expected a size such as 2GB or 512MiB'],
  ])('fails at start naming the wrong value: %j', (env, message) => {
    expect(() => loadConfig(env)).toThrowError(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
