/**
 * Generator throughput: 1,000,000 certificates at national volume from 2024-01-01 (three runs,
 * median), the same serialised to CSV lines as writeDataset does, and 1,000,000 ED visits.
 * Prints rows/s, peak RSS and the machine.
 *
 *   npx tsx bench/generate.ts
 */
import { csvLine } from '../pipeline/formats/csv.ts';
import { CERTIFICATE_HEADER, generateCertificates, generateEdVisits, type GeneratorOptions } from '../fixtures/generator/index.ts';
import { machineDescription, median } from './machine.ts';

const N = 1_000_000;
const options: GeneratorOptions = { seed: 1, start: '2024-01-01', end: '2024-12-31', deathScale: 1, edScale: 0.01, outbreaks: [] };
const format = (n: number) => Math.round(n).toLocaleString('en-US');

/** Rows per second over the first N rows. */
function measure(label: string, rows: Iterable<object>, perRow?: (row: object) => void): number {
  const started = performance.now();
  let n = 0;
  for (const row of rows) {
    perRow?.(row);
    if (++n >= N) break;
  }
  if (n < N) throw new Error(`${label}: only ${n} rows`);
  const rate = n / ((performance.now() - started) / 1000);
  console.log(`${label.padEnd(30)} ${format(n)} rows: ${format(rate)} rows/s`);
  return rate;
}

console.log(`machine: ${machineDescription()}`);
const started = performance.now();
generateCertificates(options)[Symbol.iterator]().next();
console.log(`setup (population table, county atlas): ${((performance.now() - started) / 1000).toFixed(2)} s`);

const rates = [1, 2, 3].map((run) => measure(`certificates, run ${run}`, generateCertificates(options)));
console.log(`certificates, median of 3: ${format(median(rates))} rows/s`);

let bytes = 0;
const values: string[] = new Array(CERTIFICATE_HEADER.length);
measure('certificates as CSV lines', generateCertificates(options), (row) => {
  const r = row as Record<string, string | undefined>;
  for (let i = 0; i < values.length; i++) values[i] = r[CERTIFICATE_HEADER[i]!] ?? '';
  bytes += csvLine(values).length;
});
console.log(`  (${(bytes / 2 ** 20).toFixed(0)} MiB of CSV)`);
measure('ED visits', generateEdVisits(options));
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
