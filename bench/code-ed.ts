/**
 * ED-coder throughput on one core: N generated visits (default 1,000,000; fixtures generator at a
 * small edScale over several years) converted to EdVisit once, in memory, then coded `runs` times
 * by a fresh coder each run (so no run reuses another's memo): first the coder alone (its memo of
 * fields), then codes and the built-in syndromes together as `vigil code ed` and the recode job
 * do (visit-coding.ts: one memo of visit texts in front of both), then as an ED batch stages them
 * (the same with the staging rows), and what a memo miss costs (each distinct text coded once).
 * Only coding is timed. Prints visits/second per run, the medians, and peak RSS.
 *
 *   npx tsx bench/code-ed.ts [--visits 1000000] [--runs 3]
 */
import { parseArgs } from 'node:util';
import { createEdCoder } from '../pipeline/coding/ed/index.ts';
import { createSyndromeEngine } from '../pipeline/coding/ed/syndromes/engine.ts';
import { createVisitCoding } from '../pipeline/coding/ed/visit-coding.ts';
import { loadEdTables } from '../pipeline/coding/ed/tables.ts';
import { stageEdResults } from '../pipeline/ingest/ed-staging.ts';
import { distinctTexts, generatedVisits } from './ed-visits.ts';
import { machineDescription, median } from './machine.ts';

const { values } = parseArgs({ options: { visits: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' } } });
const wanted = Number(values.visits);
const runs = Number(values.runs);
console.log(`machine: ${machineDescription()}`);

const generated = performance.now();
const visits = generatedVisits(wanted);
console.log(`${visits.length.toLocaleString('en-US')} visits generated in ${((performance.now() - generated) / 1000).toFixed(1)} s`);

const tables = loadEdTables();
for (const withSyndromes of [false, true]) {
  const rates: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const setup = performance.now();
    const coder = createEdCoder(tables);
    const codeVisit = withSyndromes ? createVisitCoding(coder, createSyndromeEngine()) : null;
    const setupSeconds = (performance.now() - setup) / 1000;
    let poisonings = 0;
    let syndromes = 0;
    const started = performance.now();
    if (codeVisit) {
      for (const visit of visits) {
        const coded = codeVisit(visit);
        if (coded.coded.intent !== null) poisonings++;
        syndromes += coded.syndromes.length;
      }
    } else for (const visit of visits) if (coder.code(visit).intent !== null) poisonings++;
    const seconds = (performance.now() - started) / 1000;
    rates.push(visits.length / seconds);
    console.log(
      `${withSyndromes ? 'coder + syndromes' : 'coder alone'} run ${run}: ${visits.length.toLocaleString('en-US')} visits in ${seconds.toFixed(2)} s = ${Math.round(visits.length / seconds).toLocaleString('en-US')}/s (set up in ${setupSeconds.toFixed(2)} s; ${poisonings.toLocaleString('en-US')} poisonings${withSyndromes ? `, ${syndromes.toLocaleString('en-US')} syndrome matches` : ''})`,
    );
  }
  console.log(`${withSyndromes ? 'coder + 7 built-in syndromes' : 'coder alone'}, median of ${runs}: ${Math.round(median(rates)).toLocaleString('en-US')} visits/s on one core`);
}
// What an ED batch runs per visit: code, evaluate the syndromes and write the staging CSV row, with
// the staging memo of coded results by text (pipeline/ingest/ed-staging.ts).
{
  const rates: number[] = [];
  const results = visits.map((record, i) => ({ ok: true as const, line: i + 2, record }));
  for (let run = 1; run <= runs; run++) {
    const coding = { coder: createEdCoder(tables), syndromes: createSyndromeEngine(), syndromeSet: '' };
    const started = performance.now();
    let rows = 0;
    const staging = `run ${run}`;
    for (let i = 0; i < results.length; i += 2048) rows += stageEdResults(results.slice(i, i + 2048), coding, { staging, firstSeq: i, jurisdiction: null }).valid;
    const seconds = (performance.now() - started) / 1000;
    rates.push(rows / seconds);
    console.log(`as ingest stages them run ${run}: ${rows.toLocaleString('en-US')} visits in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds).toLocaleString('en-US')}/s`);
  }
  console.log(`as ingest stages them (coder + syndromes + staging rows, memo by text), median of ${runs}: ${Math.round(median(rates)).toLocaleString('en-US')} visits/s on one core`);
}
// What a visit memo miss costs: each distinct text (complaint, note, codes, age band) coded once,
// by the coder (its own field and sentence memos on) and the engine without a memo.
{
  const distinct = distinctTexts(visits);
  const coderTimes: number[] = [];
  const engineTimes: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const coder = createEdCoder(tables);
    const engine = createSyndromeEngine();
    let started = performance.now();
    for (const visit of distinct) coder.code(visit);
    coderTimes.push(((performance.now() - started) * 1000) / distinct.length);
    started = performance.now();
    for (const visit of distinct) engine.evaluateFresh(visit);
    engineTimes.push(((performance.now() - started) * 1000) / distinct.length);
  }
  console.log(
    `distinct texts (${distinct.length.toLocaleString('en-US')} of the ${visits.length.toLocaleString('en-US')}: what a memo miss costs), median of ${runs}: coder ${median(coderTimes).toFixed(1)} µs a visit, syndrome engine ${median(engineTimes).toFixed(1)} µs`,
  );
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (process total, visits in memory included)`);
