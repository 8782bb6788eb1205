/**
 * Space-time permutation scan at national county scale: 3,000 counties × 365 days of sparse,
 * seeded synthetic counts, 999 replicates, split across worker threads. County populations are
 * lognormal with the median (~26,000) and mean (~107,000) of US counties; the default daily rate,
 * 0.2 per 100,000 with a weekly pattern, is the scale of suspected drug-overdose ED visits in
 * NSSP (~250,000 a year nationally); --rate 0.086 is that of overdose deaths (~105,000 a year).
 * One outbreak is injected: the 6 counties nearest county 0, 3 extra cases a day for 6 days.
 *
 *   npx tsx bench/scan.ts [--counties 3000] [--days 365] [--rate 0.2] [--replicates 999] [--workers 2] [--runs 1]
 *
 * Prints wall time per phase and in all, the machine, and the cluster found. The replicates give
 * the same maxima whatever the number of workers (one PRNG stream per replicate).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { xoshiro128StarStar } from '../pipeline/stats/scan/prng.ts';
import {
  prepareScan,
  replicateMaxima,
  scanObserved,
  selectClusters,
  summarizeScan,
  type PreparedScan,
  type ScanLocation,
  type SpaceTimeInput,
} from '../pipeline/stats/scan/space-time-permutation.ts';

interface Job {
  prep: PreparedScan;
  seed: number;
  from: number;
  to: number;
  floor: number;
}

const SEED = 2025;

// Worker threads do not inherit tsx's loader: the worker registers it, then loads this file.
const WORKER_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;

function syntheticCounties(counties: number, days: number, ratePer100k: number): SpaceTimeInput {
  const random = xoshiro128StarStar(SEED);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  const poisson = (lambda: number) => {
    const limit = Math.exp(-lambda);
    let k = 0;
    for (let p = random.nextDouble(); p > limit; p *= random.nextDouble()) k++;
    return k;
  };
  const locations: ScanLocation[] = Array.from({ length: counties }, (_, i) => ({
    id: String(i).padStart(5, '0'),
    x: -124 + 56 * random.nextDouble(),
    y: 25 + 24 * random.nextDouble(),
    population: Math.max(100, Math.round(Math.exp(Math.log(26_000) + 1.7 * normal()))), // US counties: median ~26k, mean ~107k
  }));
  const weekday = [0.85, 1.05, 1.0, 1.0, 1.0, 1.05, 1.05];
  const counts = locations.map((l) => {
    const row = new Int32Array(days);
    for (let t = 0; t < days; t++) row[t] = poisson(l.population! * ratePer100k * 1e-5 * weekday[t % 7]!);
    return row;
  });
  // An outbreak in the 6 counties nearest county 0, over the last 6 days: 3 extra cases a day each.
  const near = locations
    .map((l, i) => ({ i, d: (l.x - locations[0]!.x) ** 2 + (l.y - locations[0]!.y) ** 2 }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 6);
  for (const { i } of near) for (let t = days - 6; t < days; t++) counts[i]![t]! += poisson(3);
  return { locations, counts, firstDate: '2024-01-01' };
}

/** Starts the workers (their start-up overlaps the main thread's preparation); each waits for one job. */
function startWorkers(count: number): Worker[] {
  return Array.from({ length: count }, () => new Worker(WORKER_BOOTSTRAP, { eval: true }));
}

function runInWorkers(workers: Worker[], job: Omit<Job, 'from' | 'to'>, replicates: number): Promise<Float64Array> {
  const size = Math.ceil(replicates / workers.length);
  const parts = workers.map((worker, w) => {
    const from = Math.min(replicates, w * size);
    const to = Math.min(replicates, from + size);
    return new Promise<Float64Array>((resolve, reject) => {
      worker.once('message', (maxima: Float64Array) => {
        void worker.terminate();
        resolve(maxima);
      });
      worker.once('error', reject);
      worker.postMessage({ ...job, from, to } satisfies Job);
    });
  });
  return Promise.all(parts).then((results) => {
    const maxima = new Float64Array(replicates);
    let offset = 0;
    for (const part of results) {
      maxima.set(part, offset);
      offset += part.length;
    }
    return maxima;
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      counties: { type: 'string', default: '3000' },
      days: { type: 'string', default: '365' },
      rate: { type: 'string', default: '0.2' },
      replicates: { type: 'string', default: '999' },
      workers: { type: 'string', default: String(Math.max(1, cpus().length)) },
      runs: { type: 'string', default: '1' },
    },
  });
  const counties = Number(values.counties);
  const days = Number(values.days);
  const replicates = Number(values.replicates);
  const workers = Number(values.workers);
  const runs = Number(values.runs);
  const cpu = cpus();
  console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
  const input = syntheticCounties(counties, days, Number(values.rate));
  const options = { replicates, seed: SEED };
  const totals: number[] = [];
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    const pool = workers > 1 ? startWorkers(workers) : [];
    const prep = prepareScan(input, options);
    const t1 = performance.now();
    const best = scanObserved(prep);
    const chosen = selectClusters(prep, best, 10);
    const floor = chosen.length === 0 ? Infinity : Math.min(...chosen.map((i) => best.llr[i]!));
    const t2 = performance.now();
    const maxima = workers > 1 ? await runInWorkers(pool, { prep, seed: SEED, floor }, replicates) : replicateMaxima(prep, SEED, 0, replicates, floor);
    const t3 = performance.now();
    const result = summarizeScan(prep, best, chosen, maxima, options);
    const seconds = (t3 - t0) / 1000;
    totals.push(seconds);
    console.log(
      `run ${run + 1}: ${counties} counties × ${days} days at ${values.rate} per 100,000 a day, ${result.totalCases} cases (${result.casesInWindow} in the last ${prep.window} days), ` +
        `${result.cylinders.toLocaleString('en-US')} cylinders, ${prep.circleNeighbours.length.toLocaleString('en-US')} circles, ${replicates} replicates on ${workers} worker(s)`,
    );
    console.log(
      `  prepare ${((t1 - t0) / 1000).toFixed(2)} s, observed ${((t2 - t1) / 1000).toFixed(2)} s, replicates ${((t3 - t2) / 1000).toFixed(2)} s: total ${seconds.toFixed(2)} s` +
        ` (1-minute load average after: ${loadavg()[0]!.toFixed(2)}; other processes share the cores)`,
    );
    const m = result.mostLikely;
    if (m) {
      console.log(
        `  most likely: centre ${m.centre}, ${m.locations.length} counties within ${m.radius.toFixed(0)} km, ${m.startDate}…${m.endDate}, ` +
          `observed ${m.observed}, expected ${m.expected.toFixed(1)}, LLR ${m.llr.toFixed(2)}, p ${m.p}; ${result.secondary.length} secondary`,
      );
    }
  }
  const sorted = [...totals].sort((a, b) => a - b);
  console.log(`wall time median of ${runs}: ${sorted[Math.floor((runs - 1) / 2)]!.toFixed(2)} s`);
}

if (isMainThread) {
  await main();
} else {
  parentPort!.once('message', (job: Job) => {
    const maxima = replicateMaxima(job.prep, job.seed, job.from, job.to, job.floor);
    parentPort!.postMessage(maxima, [maxima.buffer as ArrayBuffer]);
  });
}
