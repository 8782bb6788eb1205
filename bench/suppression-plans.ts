/**
 * The public's suppression plan of a new measure: what the server computes, on top of the counts,
 * the first time the public asks for a county map of a measure (a national year, unit=total, no
 * breakdown: HierarchySuppression over every state's counties, with the state totals as margins).
 * Counts come from the aggregate cache of the dashboard benchmark's database (bench/dashboard.ts
 * makes it: a national year of generated deaths), read once before the timing; each run builds the
 * plan of each measure and asks every county's reason, as the answer does.
 *
 *   npx tsx bench/suppression-plans.ts [--data-dir bench/out/dashboard-scale-1] [--runs 9]
 *
 * Prints the median and range per plan (ms), and how many county values each measure withholds.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { HierarchySuppression } from '../pipeline/stats/aggregates/hierarchy-suppression.ts';
import { runPrepared } from '../pipeline/store/prepared.ts';
import { readSqlFiles } from '../pipeline/store/sql-files.ts';
import { machineDescription, median } from './machine.ts';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string', default: 'bench/out/dashboard-scale-1' }, runs: { type: 'string', default: '9' } } });
const file = join(resolve(values['data-dir']!), 'vigil.duckdb');
const runs = Number(values.runs);
if (!existsSync(file) || !(runs >= 1)) {
  console.error(`usage: npx tsx bench/suppression-plans.ts [--data-dir DIR] [--runs N]; DIR must hold the database bench/dashboard.ts loads (${file} not found)`);
  process.exit(2);
}
const MEASURES = ['all_overdose', 'any_opioid', 'synthetic_opioid', 'heroin', 'natural_semisynthetic', 'methadone', 'cocaine', 'psychostimulant', 'benzodiazepine'];

const queries = readSqlFiles('queries');
const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
const connection = await instance.connect();
const places = (await connection.runAndReadAll(queries.get('aggregate_geographies')!)).getRowObjectsJson() as { county: string; state: string }[];
const countiesOf = new Map<string, string[]>();
for (const { county, state } of places) countiesOf.set(state, [...(countiesOf.get(state) ?? []), county]);
const states = [...countiesOf.keys()].sort();
const [year] = (await connection.runAndReadAll("SELECT year(max(day))::INTEGER AS year FROM aggregate_death_counts")).getRowObjectsJson() as { year: number }[];
const range = { start: `${year!.year}-01-01`, from: `${year!.year}-01-01`, to: `${year!.year + 1}-01-01` };
const countsOf = async (measure: string, geography: 'state' | 'county') => {
  const parameters = { source: 'deaths', measure, pending_measure: '', geography, state: '', unit: 'total', by: 'none', grain: 'month', ...range };
  return (await runPrepared(connection, queries.get('aggregate_counts')!, parameters)).getRowObjectsJson() as { geography: string; count: number }[];
};
const counts = new Map<string, { geography: string; count: number }[]>();
for (const measure of MEASURES) counts.set(measure, [...(await countsOf(measure, 'state')), ...(await countsOf(measure, 'county'))]);
connection.closeSync();

const times: number[] = [];
const withheld = new Map<string, number>();
for (let run = 0; run < runs; run++) {
  for (const measure of MEASURES) {
    const started = performance.now();
    const plan = new HierarchySuppression({ periods: [null], strata: [], rangeTotals: false, states, countiesOf: (state) => countiesOf.get(state) ?? [] });
    for (const cell of counts.get(measure)!) plan.addCount(cell.geography, null, 'all', cell.count);
    let hidden = 0;
    for (const state of states) for (const county of countiesOf.get(state)!) if (plan.reason(county, null, 'all') !== null) hidden++;
    times.push(performance.now() - started);
    withheld.set(measure, hidden);
  }
}
console.log(`bench/suppression-plans.ts: ${places.length.toLocaleString('en-US')} counties in ${states.length} states, deaths of ${year!.year}, ${MEASURES.length} measures × ${runs} runs`);
console.log(`machine: ${machineDescription()}`);
console.log(`a measure's county plan (unit=total) and every county's reason: median ${median(times).toFixed(2)} ms (${Math.min(...times).toFixed(2)}–${Math.max(...times).toFixed(2)}, n = ${times.length})`);
console.log(`county values withheld: ${[...withheld].map(([m, n]) => `${m} ${n.toLocaleString('en-US')}`).join(', ')}`);
