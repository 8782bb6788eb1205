/**
 * `vigil evaluate-detectors`: how well each detector finds outbreaks injected into realistic,
 * seeded county series (pipeline/stats/evaluation/README.md). NDJSON on stdout: one `setup` line,
 * one line per method and county-size band (sensitivity, false alerts per county-year, median
 * days to detection), one `scan` line (the space-time scan's recovery). Progress on stderr.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { knownStates } from '../../fixtures/generator/geography.ts';
import { DEFAULT_EVALUATION, evaluateDetectors, type EvaluationOptions } from '../stats/evaluation/evaluate.ts';
import { UsageError } from './usage-error.ts';

export const EVALUATE_USAGE = `usage: vigil evaluate-detectors [--seed N] [--states OH,KY,...] [--year YYYY] [--outbreaks N]
                               [--replicates R] [--threads N] [--baseline-analyses N] [--no-scan]`;

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const SCHEMA = z.object({
  seed: integer(-(2 ** 31), 2 ** 31 - 1).optional(),
  states: z.string().regex(/^[A-Z]{2}(,[A-Z]{2})*$/, 'a comma-separated list of USPS codes, e.g. OH,KY').optional(),
  year: integer(2016, 2024).optional(),
  outbreaks: integer(1, 1000).optional(),
  replicates: integer(99, 9999).optional(),
  threads: integer(0, 64).optional(),
  'baseline-analyses': integer(0, 365).optional(),
  'no-scan': z.boolean().optional(),
});

/** Parses the command's arguments (everything after `evaluate-detectors`). */
export function evaluationOptions(argv: readonly string[]): EvaluationOptions {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        seed: { type: 'string' }, states: { type: 'string' }, year: { type: 'string' }, outbreaks: { type: 'string' },
        replicates: { type: 'string' }, threads: { type: 'string' }, 'baseline-analyses': { type: 'string' }, 'no-scan': { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${EVALUATE_USAGE}`);
  }
  const parsed = SCHEMA.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--${String(issue.path[0])}: ${issue.message}\n${EVALUATE_USAGE}`);
  }
  const o = parsed.data;
  const states = o.states?.split(',') ?? DEFAULT_EVALUATION.states;
  const unknown = states.filter((s) => !knownStates().has(s));
  if (unknown.length > 0) throw new UsageError(`--states: not a state: ${unknown.join(', ')}`);
  return {
    ...DEFAULT_EVALUATION,
    states,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.year !== undefined ? { year: o.year } : {}),
    ...(o.outbreaks !== undefined ? { outbreaks: o.outbreaks } : {}),
    ...(o.replicates !== undefined ? { replicates: o.replicates } : {}),
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
    ...(o['baseline-analyses'] !== undefined ? { baselineAnalyses: o['baseline-analyses'] } : {}),
    scan: !o['no-scan'],
  };
}

/** Runs the evaluation and writes its NDJSON lines to `out` (stdout by default). */
export async function evaluateDetectorsCommand(argv: readonly string[], out: (line: string) => void = (line) => process.stdout.write(line)): Promise<number> {
  const options = evaluationOptions(argv);
  const started = performance.now();
  const report = await evaluateDetectors({ ...options, log: (message) => process.stderr.write(`evaluate-detectors: ${message}\n`) });
  out(`${JSON.stringify(report.setup)}\n`);
  for (const score of report.detectors) out(`${JSON.stringify(score)}\n`);
  if (report.scan) out(`${JSON.stringify(report.scan)}\n`);
  process.stderr.write(`evaluate-detectors: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}
