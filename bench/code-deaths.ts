/**
 * Death-coder throughput on one core: N generated certificates (default 1,000,000) validated in
 * batches, and only the coder's `code()` calls timed. Prints certificates/second per run, the
 * median of the runs, and peak RSS.
 *
 *   npx tsx bench/code-deaths.ts [--records 1000000] [--runs 3]
 */
import { parseArgs } from 'node:util';
import { DEMO_OPTIONS, generateCertificates } from '../fixtures/generator/index.ts';
import { createDeathCoder } from '../pipeline/coding/deaths/index.ts';
import type { Certificate } from '../pipeline/records/certificate.ts';
import { validateCertificateRow } from '../pipeline/records/certificate-schema.ts';
import { machineDescription, median } from './machine.ts';

const { values } = parseArgs({ options: { records: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' } } });
const records = Number(values.records);
const runs = Number(values.runs);
const setupStarted = performance.now();
const coder = createDeathCoder();
console.log(`machine: ${machineDescription()}`);
console.log(`coder: ${coder.coderVersion}, lexicon ${coder.lexiconVersion} (set up in ${((performance.now() - setupStarted) / 1000).toFixed(2)} s)`);

const BATCH = 10_000;
const rates: number[] = [];
for (let run = 1; run <= runs; run++) {
  let coded = 0;
  let seconds = 0;
  let batch: Certificate[] = [];
  const codeBatch = () => {
    const started = performance.now();
    for (const certificate of batch) coder.code(certificate);
    seconds += (performance.now() - started) / 1000;
    coded += batch.length;
    batch = [];
  };
  for (const row of generateCertificates({ ...DEMO_OPTIONS, seed: DEMO_OPTIONS.seed + run, deathScale: (records / 3.1e6) * 1.1, outbreaks: [] })) {
    const validated = validateCertificateRow(row);
    if (validated.ok) batch.push(validated.certificate);
    if (batch.length === BATCH) codeBatch();
    if (coded + batch.length >= records) break;
  }
  codeBatch();
  rates.push(coded / seconds);
  console.log(`run ${run}: ${coded.toLocaleString('en-US')} certificates coded in ${seconds.toFixed(2)} s = ${Math.round(coded / seconds).toLocaleString('en-US')}/s`);
}
console.log(`median of ${runs}: ${Math.round(median(rates)).toLocaleString('en-US')} certificates/s on one core; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (process total, generator included)`);
