/**
 * One measured ingest, in its own process so its peak memory is its own: loads FILE into a fresh
 * database under DIR through the real path (raw copy, parse, validate, code, Appender, commit)
 * and prints one JSON line.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../pipeline/config.ts';
import { openRuntime } from '../pipeline/runtime.ts';

const [file, dir] = process.argv.slice(2);
if (!file || !dir) throw new Error('usage: tsx bench/ingest-once.ts FILE DIR');
fs.rmSync(dir, { recursive: true, force: true });
const runtime = await openRuntime(loadConfig({ ...process.env, VIGIL_DATA_DIR: dir, VIGIL_LOG_LEVEL: 'info' }), pino({ level: process.env.BENCH_LOG ?? 'silent' }));
const started = process.hrtime.bigint();
const report = await runtime.ingest.ingestFile(file, { source: 'cli' });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
runtime.close();
const databaseBytes = fs.statSync(path.join(dir, 'vigil.duckdb')).size;
process.stdout.write(
  `${JSON.stringify({ status: report.status, ...(report.error ? { error: report.error } : {}), records: report.recordsLoaded, seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, databaseBytes })}\n`,
);
fs.rmSync(dir, { recursive: true, force: true });
