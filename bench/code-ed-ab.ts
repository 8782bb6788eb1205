/**
 * This checkout's ED coding against another checkout's (a git worktree of an older commit), in one
 * process, on the same visits, in alternating chunks: so both see the same machine. On the 2-core
 * benchmark machine the runs of one command drift by ±20-30% (bench/README.md), more than most
 * changes move them; interleaving cancels the drift and leaves the ratio.
 *
 *   git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   npx tsx bench/code-ed-ab.ts --base /tmp/base [--visits 1000000] [--rounds 3] [--chunk 10000] [--distinct]
 *
 * Each round codes every visit with a fresh coder, syndrome engine and visit memo per side
 * (visit-coding.ts, as `vigil code ed` does), alternating which side goes first in each chunk.
 * `--distinct` codes only the distinct texts (what a memo miss costs). Prints each side's seconds
 * and this checkout's time as a fraction of the base's, per round.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as thisCoder from '../pipeline/coding/ed/index.ts';
import * as thisEngine from '../pipeline/coding/ed/syndromes/engine.ts';
import * as thisTables from '../pipeline/coding/ed/tables.ts';
import * as thisVisitCoding from '../pipeline/coding/ed/visit-coding.ts';
import { distinctTexts, generatedVisits } from './ed-visits.ts';
import { machineDescription } from './machine.ts';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    visits: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
    chunk: { type: 'string', default: '10000' },
    distinct: { type: 'boolean', default: false },
  },
});
const base = values.base ? resolve(values.base) : '';
const ed = join(base, 'pipeline/coding/ed');
if (!base || !existsSync(join(ed, 'visit-coding.ts'))) {
  console.error('usage: npx tsx bench/code-ed-ab.ts --base CHECKOUT [--visits N] [--rounds N] [--chunk N] [--distinct]; CHECKOUT is another checkout of vigil (a git worktree)');
  process.exit(2);
}
const rounds = Number(values.rounds);
const chunk = Number(values.chunk);

type Side = typeof thisCoder & typeof thisEngine & typeof thisTables & typeof thisVisitCoding;
const thisSide = { ...thisCoder, ...thisEngine, ...thisTables, ...thisVisitCoding } as Side;
const baseSide = Object.assign({}, ...(await Promise.all(['index.ts', 'syndromes/engine.ts', 'tables.ts', 'visit-coding.ts'].map((file) => import(join(ed, file)))))) as Side;

const generated = generatedVisits(Number(values.visits));
const visits = values.distinct ? distinctTexts(generated) : generated;
console.log(`machine: ${machineDescription()}`);
console.log(`${visits.length.toLocaleString('en-US')} ${values.distinct ? 'distinct texts' : 'visits'}, this checkout against ${base}, chunks of ${chunk.toLocaleString('en-US')}`);

const sides = [
  ['this', thisSide],
  ['base', baseSide],
] as const;
for (let round = 1; round <= rounds; round++) {
  const coders = sides.map(([, side]) => {
    const tables = side.loadEdTables();
    return side.createVisitCoding(side.createEdCoder(tables), side.createSyndromeEngine());
  });
  const seconds = [0, 0];
  for (let start = 0; start < visits.length; start += chunk) {
    const end = Math.min(start + chunk, visits.length);
    const order = (start / chunk) % 2 === 0 ? [0, 1] : [1, 0];
    for (const s of order) {
      const code = coders[s]!;
      const started = performance.now();
      for (let i = start; i < end; i++) code(visits[i]!);
      seconds[s]! += (performance.now() - started) / 1000;
    }
  }
  console.log(`round ${round}: this ${seconds[0]!.toFixed(2)} s, base ${seconds[1]!.toFixed(2)} s; this / base ${(seconds[0]! / seconds[1]!).toFixed(3)}`);
}
