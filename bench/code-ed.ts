/**
 * ED-coder throughput on one core: N generated visits (default 1,000,000; fixtures generator at a
 * small edScale over several years) converted to EdVisit once, in memory, then coded `runs` times
 * by a fresh coder each run (so no run reuses another's memo). Only `code()` is timed. Prints
 * visits/second per run, the median, and peak RSS.
 *
 *   npx tsx bench/code-ed.ts [--visits 1000000] [--runs 3]
 */
import { parseArgs } from 'node:util';
import { generateEdVisits } from '../fixtures/generator/index.ts';
import { createEdCoder } from '../pipeline/coding/ed/index.ts';
import { loadEdTables } from '../pipeline/coding/ed/tables.ts';
import type { EdVisit } from '../pipeline/records/ed-visit.ts';
import { edVisitFromRow } from '../scripts/ed-eval/rows.ts';
import { machineDescription, median } from './machine.ts';

const { values } = parseArgs({ options: { visits: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' } } });
const wanted = Number(values.visits);
const runs = Number(values.runs);
console.log(`machine: ${machineDescription()}`);

const generated = performance.now();
const visits: EdVisit[] = [];
// 0.0015 of the national volume is ~210k visits a year: five years hold a million.
for (const row of generateEdVisits({ seed: 20241, start: '2020-01-01', end: '2029-12-31', deathScale: 0, edScale: 0.0015, outbreaks: [] })) {
  visits.push(edVisitFromRow(row));
  if (visits.length >= wanted) break;
}
console.log(`${visits.length.toLocaleString('en-US')} visits generated in ${((performance.now() - generated) / 1000).toFixed(1)} s`);

const tables = loadEdTables();
const rates: number[] = [];
let poisonings = 0;
for (let run = 1; run <= runs; run++) {
  const setup = performance.now();
  const coder = createEdCoder(tables);
  const setupSeconds = (performance.now() - setup) / 1000;
  poisonings = 0;
  const started = performance.now();
  for (const visit of visits) if (coder.code(visit).intent !== null) poisonings++;
  const seconds = (performance.now() - started) / 1000;
  rates.push(visits.length / seconds);
  console.log(`run ${run}: ${visits.length.toLocaleString('en-US')} visits coded in ${seconds.toFixed(2)} s = ${Math.round(visits.length / seconds).toLocaleString('en-US')}/s (coder set up in ${setupSeconds.toFixed(2)} s; ${poisonings.toLocaleString('en-US')} poisonings)`);
}
console.log(`median of ${runs}: ${Math.round(median(rates)).toLocaleString('en-US')} visits/s on one core; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (process total, visits in memory included)`);
