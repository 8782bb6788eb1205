import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEMO_OPTIONS, writeDataset, type GeneratorOptions } from '../../fixtures/generator/index.ts';
import type { Config } from '../config.ts';
import { runDetection } from '../jobs/detect.ts';
import { recordJobRun } from '../jobs/job-runs.ts';
import type { BatchReport } from '../ingest/batch-report.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { progressReporter } from './progress.ts';
import { UsageError } from './usage-error.ts';

export interface DemoOptions {
  scale?: string | undefined;
  seed?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  out?: string | undefined;
}

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const demoSchema = z.object({
  scale: z.coerce.number().positive().max(2).optional(),
  seed: z.coerce.number().int().optional(),
  from: date.optional(),
  to: date.optional(),
  out: z.string().optional(),
});

function generatorOptions(options: DemoOptions): GeneratorOptions {
  const parsed = demoSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--${String(issue.path[0])}: ${issue.message}`);
  }
  const o = parsed.data;
  return {
    ...DEMO_OPTIONS,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.scale !== undefined ? { deathScale: o.scale } : {}),
    ...(o.from !== undefined ? { start: o.from } : {}),
    ...(o.to !== undefined ? { end: o.to } : {}),
  };
}

export async function certificateCount(runtime: Runtime): Promise<number> {
  const rows = (await runtime.db.connection.runAndReadAll('SELECT count(*) AS n FROM certificates')).getRowObjects();
  return Number(rows[0]?.n ?? 0);
}

/**
 * Generates the demo data set into data/demo (or --out) and loads it through the ingest path:
 * certificates, then ED visits (the certificates' report is returned; both are in the batches).
 */
export async function loadDemo(runtime: Runtime, options: DemoOptions, load = true): Promise<BatchReport | null> {
  const generator = generatorOptions(options);
  const dir = path.resolve(options.out ?? path.join(runtime.config.dataDir, 'demo'));
  const started = Date.now();
  const written = await writeDataset(dir, generator);
  process.stderr.write(
    `demo: wrote ${written.certificates.toLocaleString('en-US')} certificates and ${written.edVisits.toLocaleString('en-US')} ED visits to ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s (outbreak ground truth: ${written.truthPath})\n`,
  );
  if (!load) return null;
  const progress = progressReporter('demo certificates', fs.statSync(written.certificatesPath).size);
  const report = await runtime.ingest.ingestFile(written.certificatesPath, { source: 'demo', onProgress: progress.update });
  progress.done(report.recordsRead);
  const edProgress = progressReporter('demo ED visits', fs.statSync(written.edVisitsPath).size);
  const ed = await runtime.ingest.ingestFile(written.edVisitsPath, { source: 'demo', onProgress: edProgress.update });
  edProgress.done(ed.recordsRead);
  if (ed.status !== 'loaded') throw new Error(`the demo ED visits did not load: ${ed.error ?? ed.status}`);
  // Detection as of the day after the data ends, so a fresh dashboard shows its alerts at once.
  const asOf = new Date(Date.parse(`${generator.end}T12:00:00Z`) + 86_400_000);
  const detected = await recordJobRun(runtime.db, 'detect', 'manual', () => runDetection(runtime.db, runtime.queries, runtime.commitLock, asOf));
  process.stderr.write(`demo: detection as of ${asOf.toISOString().slice(0, 10)}: ${detected.series} series, ${detected.alerts} alerts, ${detected.warnings} warnings\n`);
  return report;
}

/** `vigil demo`: prints the batch report as JSON. */
export async function demoCommand(config: Config, options: DemoOptions & { load: boolean }): Promise<number> {
  generatorOptions(options); // fail on bad flags before opening the database
  const runtime = await openRuntime(config);
  try {
    const report = await loadDemo(runtime, options, options.load);
    if (report) process.stdout.write(`${JSON.stringify(report)}\n`);
    return report === null || report.status === 'loaded' ? 0 : 1;
  } finally {
    runtime.close();
  }
}
