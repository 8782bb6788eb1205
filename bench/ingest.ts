/**
 * Ingest benchmark: N generated certificates or ED visits (default 1,000,000) loaded through the real path,
 * each run in a fresh process and a fresh database. Prints records/second and peak memory per
 * run and their medians.
 *
 *   npm run bench -- [--kind deaths|ed] [--records 1000000] [--runs 3] [--workers 0,2]
 *
 * --workers: the coding-worker counts to measure (VIGIL_CODING_WORKERS), each with its own runs.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_OPTIONS, generateCertificates, generateEdVisits } from '../fixtures/generator/index.ts';
import { csvLine } from '../pipeline/formats/csv.ts';
import { CERTIFICATE_COLUMNS } from '../pipeline/records/certificate.ts';
import { ED_VISIT_COLUMNS } from '../pipeline/records/ed-visit.ts';
import { machineDescription, median } from './machine.ts';

const { values } = parseArgs({ options: { records: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' }, workers: { type: 'string', default: '0' }, kind: { type: 'string', default: 'deaths' } } });
if (values.kind !== 'deaths' && values.kind !== 'ed') throw new Error(`--kind must be deaths or ed, got ${values.kind}`);
const records = Number(values.records);
const runs = Number(values.runs);
const workerCounts = values.workers.split(',').map(Number);
if (workerCounts.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`--workers must be whole numbers, got ${values.workers}`);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
const file = path.join(work, values.kind === 'ed' ? 'ed-visits.csv' : 'certificates.csv');

// A national year is ~3.1M deaths: scale the generator to produce at least `records`, then stop there.
const started = Date.now();
const out = fs.openSync(file, 'w');
const columns: readonly string[] = values.kind === 'ed' ? ED_VISIT_COLUMNS : CERTIFICATE_COLUMNS;
let buffer = csvLine(columns);
let written = 0;
// ED: 0.0015 of the national volume is ~210k visits a year, so a million takes five years.
const rows: Iterable<Record<string, string>> =
  values.kind === 'ed'
    ? generateEdVisits({ seed: 20241, start: '2020-01-01', end: '2039-12-31', deathScale: 0, edScale: 0.0015, outbreaks: [] })
    : generateCertificates({ ...DEMO_OPTIONS, deathScale: Math.min(2, (records / 3.1e6) * 1.1), outbreaks: [] });
for (const row of rows) {
  buffer += csvLine(columns.map((column) => row[column]));
  if (buffer.length > 1 << 20) {
    fs.writeSync(out, buffer);
    buffer = '';
  }
  if (++written === records) break;
}
fs.writeSync(out, buffer);
fs.closeSync(out);
if (written < records) throw new Error(`the generator produced only ${written} records`);
const sizeMiB = fs.statSync(file).size / 2 ** 20;
console.log(`machine: ${machineDescription()}`);
console.log(`input: ${written.toLocaleString('en-US')} generated ${values.kind === 'ed' ? 'ED visits' : 'certificates'}, ${sizeMiB.toFixed(0)} MiB CSV (generated in ${((Date.now() - started) / 1000).toFixed(1)} s)`);

for (const workers of workerCounts) {
  const results: { seconds: number; maxRssMiB: number; records: number; databaseBytes: number }[] = [];
  for (let run = 1; run <= runs; run++) {
    const output = execFileSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'ingest-once.ts'), file, path.join(work, 'db')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, VIGIL_CODING_WORKERS: String(workers) },
    });
    const result = JSON.parse(output.trim().split('\n').pop()!);
    if (result.status !== 'loaded' || result.records !== written) throw new Error(`run ${run} did not load every record: ${output}`);
    results.push(result);
    console.log(
      `workers ${workers} run ${run}: ${result.seconds.toFixed(2)} s, ${Math.round(written / result.seconds).toLocaleString('en-US')} records/s, peak RSS ${result.maxRssMiB.toFixed(0)} MiB, database ${(result.databaseBytes / 2 ** 20).toFixed(0)} MiB`,
    );
  }
  const seconds = median(results.map((r) => r.seconds));
  console.log(
    `workers ${workers}, median of ${runs}: ${seconds.toFixed(2)} s, ${Math.round(written / seconds).toLocaleString('en-US')} records/s, peak RSS ${median(results.map((r) => r.maxRssMiB)).toFixed(0)} MiB`,
  );
}
fs.rmSync(work, { recursive: true, force: true });
