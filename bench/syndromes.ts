/**
 * Syndrome engine throughput on one core: generated ED visits (a quarter at edScale 0.002, about
 * 70,000 visits) validated outside the timing, then the 7 built-in definitions evaluated on every
 * visit, `--passes` times per run. Prints visits/s per run, the median, peak RSS, and how the
 * all_drug definition agrees with the generator's overdose label (a sanity check, not an eval).
 *
 *   npx tsx bench/syndromes.ts [--runs 3] [--passes 5] [--ed-scale 0.002] [--start 2024-01-01] [--end 2024-03-31]
 */
import { parseArgs } from 'node:util';
import { DEMO_OPTIONS, labeledEdVisits } from '../fixtures/generator/index.ts';
import { createSyndromeEngine } from '../pipeline/coding/ed/syndromes/index.ts';
import type { EdVisit } from '../pipeline/records/ed-visit.ts';
import { validateEdVisitRow } from '../pipeline/records/ed-visit-schema.ts';
import { machineDescription, median } from './machine.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    passes: { type: 'string', default: '5' },
    'ed-scale': { type: 'string', default: '0.002' },
    start: { type: 'string', default: '2024-01-01' },
    end: { type: 'string', default: '2024-03-31' },
  },
});
const format = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(`machine: ${machineDescription()}`);
const visits: EdVisit[] = [];
const overdose: boolean[] = [];
for (const labeled of labeledEdVisits({ ...DEMO_OPTIONS, edScale: Number(values['ed-scale']), start: values.start, end: values.end })) {
  const result = validateEdVisitRow(labeled.row);
  if (!result.ok) continue;
  visits.push(result.visit);
  overdose.push(labeled.overdose);
}
const setupStarted = performance.now();
const engine = createSyndromeEngine();
const setup = performance.now() - setupStarted;
console.log(`${format(visits.length)} visits; ${engine.definitions.length} definitions compiled in ${setup.toFixed(1)} ms`);

const passes = Number(values.passes);
const rates: number[] = [];
let matched = 0;
for (const visit of visits) matched += engine.evaluate(visit).length; // warm-up: let the generated functions get optimised
for (let run = 1; run <= Number(values.runs); run++) {
  const started = performance.now();
  for (let pass = 0; pass < passes; pass++) for (const visit of visits) matched += engine.evaluate(visit).length;
  const seconds = (performance.now() - started) / 1000;
  rates.push((visits.length * passes) / seconds);
  console.log(`run ${run}: ${format(visits.length * passes)} visits in ${seconds.toFixed(2)} s = ${format(rates[rates.length - 1]!)} visits/s`);
}
console.log(`median of ${rates.length}: ${format(median(rates))} visits/s on one core (${matched > 0 ? 'matches found' : 'no matches'}); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (generator included)`);

const counts = { tp: 0, fp: 0, fn: 0 };
for (let i = 0; i < visits.length; i++) {
  const hit = engine.evaluate(visits[i]!).includes('all_drug');
  if (hit && overdose[i]) counts.tp++;
  else if (hit) counts.fp++;
  else if (overdose[i]) counts.fn++;
}
console.log(`all_drug vs generator label: ${counts.tp} agree, ${counts.fp} flagged but not labelled overdose, ${counts.fn} labelled but not flagged`);
