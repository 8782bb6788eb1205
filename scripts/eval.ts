/**
 * `npm run eval`: measures the current death coder on the labelled medical-examiner sets
 * (per-drug-class P/R/F1 on all records and on records whose text names the drug, overdose
 * determination, intent agreement, review share, speed) and marks each figure against the
 * death-coder issue's targets. A measuring instrument only: no answer of the sets goes into code.
 * It is a dev tool and the only code that reads ../shared/data/eval. See scripts/README.md.
 *
 *   npx tsx scripts/eval.ts [--dir DIR] [--set NAME] [--json] [--errors CLASS|overdose [--limit N]]
 *
 * Exit 0 whatever the figures (below target is a result, not a failure); 1 when a file is missing
 * or unreadable; 2 on a usage error.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDeathCoder } from '../pipeline/coding/deaths/index.ts';
import { FileFormatError } from '../pipeline/formats/certificate-csv.ts';
import { LabelFileError } from './eval/labels.ts';
import { evaluate, resolveErrorTarget, type ErrorTarget } from './eval/metrics.ts';
import { errorsJson, formatErrors, formatText, toJson, type EvalRun } from './eval/report.ts';
import { MissingFileError, SET_NAMES, runSet } from './eval/sets.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_DIR = resolve(REPO_ROOT, '../shared/data/eval');
const USAGE = 'usage: tsx scripts/eval.ts [--dir DIR] [--set NAME] [--json] [--errors CLASS|overdose [--limit N]]';

function usageError(message: string): never {
  process.stderr.write(`eval: ${message}\n${USAGE}\nsets: ${SET_NAMES.join(', ')}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        dir: { type: 'string' },
        set: { type: 'string' },
        json: { type: 'boolean', default: false },
        errors: { type: 'string' },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    usageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const dir = resolve(values.dir ?? DEFAULT_DIR);
  if (values.set !== undefined && !(SET_NAMES as readonly string[]).includes(values.set)) usageError(`unknown set "${values.set}"`);
  const setNames = values.set === undefined ? [...SET_NAMES] : [values.set];
  let target: ErrorTarget | null = null;
  if (values.errors !== undefined) {
    target = resolveErrorTarget(values.errors);
    if (target === null) usageError(`unknown class "${values.errors}" (a class key such as t40_4, a class name, or overdose)`);
  }
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 0) usageError(`--limit must be a whole number, got "${values.limit}"`);
  if (values.limit !== undefined && target === null) usageError('--limit goes with --errors');

  const coder = createDeathCoder();
  const sets = [];
  for (const name of setNames) {
    const run = await runSet(dir, name, coder);
    sets.push({ run, evaluation: evaluate(run.items) });
  }
  const pooledItems = sets.flatMap((s) => s.run.items);
  const result: EvalRun = {
    coderVersion: coder.coderVersion,
    lexiconVersion: coder.lexiconVersion,
    dir,
    sets,
    pooled:
      sets.length > 1
        ? { evaluation: evaluate(pooledItems), codingMs: sets.reduce((sum, s) => sum + s.run.codingMs, 0), coded: pooledItems.length }
        : null,
  };

  if (target !== null) {
    process.stdout.write(values.json ? `${JSON.stringify(errorsJson(result, target, limit), null, 2)}\n` : formatErrors(result, target, limit));
  } else {
    process.stdout.write(values.json ? `${JSON.stringify(toJson(result), null, 2)}\n` : formatText(result));
  }
}

main().catch((error: unknown) => {
  if (error instanceof MissingFileError || error instanceof LabelFileError || error instanceof FileFormatError) {
    process.stderr.write(`eval: ${error.message}\n`);
  } else {
    process.stderr.write(`eval: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exitCode = 1;
});
