/**
 * The whole scan with its replicates split over worker threads: the same result as
 * `spaceTimePermutationScan` (one PRNG stream per replicate), in about 1/threads of the time for
 * national county tables. Small tables stay on the calling thread, where starting and feeding
 * workers would cost more than it saves.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { replicateMaxima } from './replicates.ts';
import type { ReplicateJob } from './replicate-worker.ts';
import {
  prepareScan,
  scanObserved,
  selectClusters,
  summarizeScan,
  type PreparedScan,
  type SpaceTimeInput,
  type SpaceTimeOptions,
  type SpaceTimeScanResult,
} from './space-time-permutation.ts';

/** Below this many cylinders × replicates a scan runs on the calling thread (a few hundred ms at most). */
const WORKER_THRESHOLD = 2e8;

export interface ScanOutcome {
  result: SpaceTimeScanResult;
  /** False when the replicates stopped early because no cluster could be significant. */
  complete: boolean;
  replicatesRun: number;
}

interface Pending {
  resolve: (maxima: Float64Array) => void;
  reject: (error: Error) => void;
}

export class ScanRunner {
  private workers: Worker[] | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  /**
   * `threads` worker threads at most (default: the cores, up to 4); 0 or 1 runs everything on the
   * calling thread. Work under `workerThreshold` cylinders × replicates stays on it too.
   */
  constructor(
    private readonly threads = Math.min(4, availableParallelism()),
    private readonly workerThreshold = WORKER_THRESHOLD,
  ) {}

  /**
   * Prepares, scans the observed data, runs the replicates (on workers when large) and reports the
   * clusters. With `stopAbove` (e.g. 0.05), the first tenth of the replicates is run first, and if
   * already more than stopAbove × (R + 1) − 1 of them reach the most likely cluster's ratio, no
   * cluster can end with p ≤ stopAbove whatever the rest do: the scan stops there, `complete` is
   * false and the p-values are those of the replicates run, not of R (only "above stopAbove" is
   * known). The decision is exact: a complete run would report no cluster at p ≤ stopAbove either.
   */
  async scan(input: SpaceTimeInput, options: SpaceTimeOptions = {}, stopAbove?: number): Promise<ScanOutcome> {
    const prep = prepareScan(input, options);
    const best = scanObserved(prep);
    const chosen = selectClusters(prep, best, options.maxClusters ?? 10);
    const replicates = options.replicates ?? 999;
    const seed = options.seed ?? 1;
    if (chosen.length === 0) return { result: summarizeScan(prep, best, chosen, new Float64Array(replicates), options), complete: true, replicatesRun: replicates };
    const floor = Math.min(...chosen.map((i) => best.llr[i]!));
    const top = best.llr[chosen[0]!]!;
    const first = stopAbove === undefined ? replicates : Math.min(replicates, Math.ceil(replicates / 10));
    const head = await this.maxima(prep, seed, 0, first, floor, best.cylinders);
    const needed = stopAbove === undefined ? Infinity : Math.floor(stopAbove * (replicates + 1)); // p ≤ stopAbove ⇔ fewer than this reach it
    if (head.filter((m) => m >= top).length >= needed) return { result: summarizeScan(prep, best, chosen, head, options), complete: false, replicatesRun: first };
    const maxima = new Float64Array(replicates);
    maxima.set(head, 0);
    if (first < replicates) maxima.set(await this.maxima(prep, seed, first, replicates, floor, best.cylinders), first);
    return { result: summarizeScan(prep, best, chosen, maxima, options), complete: true, replicatesRun: replicates };
  }

  /** Maxima of replicates [from, to), split over the workers when the work is large. */
  private async maxima(prep: PreparedScan, seed: number, from: number, to: number, floor: number, cylinders: number): Promise<Float64Array> {
    const replicates = to - from;
    if (this.threads <= 1 || cylinders * replicates < this.workerThreshold) return replicateMaxima(prep, seed, from, to, floor);
    const workers = this.start();
    const size = Math.ceil(replicates / workers.length);
    const parts = workers.map((worker, w) => {
      const start = Math.min(to, from + w * size);
      return this.run(worker, { id: this.nextId++, prep, seed, from: start, to: Math.min(to, start + size), floor });
    });
    const maxima = new Float64Array(replicates);
    let offset = 0;
    for (const part of await Promise.all(parts)) {
      maxima.set(part, offset);
      offset += part.length;
    }
    return maxima;
  }

  private start(): Worker[] {
    if (this.workers) return this.workers;
    const script = new URL('./replicate-worker-bootstrap.mjs', import.meta.url);
    this.workers = Array.from({ length: this.threads }, () => {
      const worker = new Worker(script);
      worker.unref(); // idle workers never keep the process alive; run() refs while a job is out
      worker.on('message', (message: { id: number; maxima?: Float64Array; error?: string }) => {
        const waiting = this.pending.get(message.id);
        if (!waiting) return;
        this.pending.delete(message.id);
        worker.unref();
        if (message.error !== undefined) waiting.reject(new Error(`scan worker: ${message.error}`));
        else waiting.resolve(message.maxima!);
      });
      worker.on('error', (error) => {
        for (const [id, waiting] of this.pending) {
          this.pending.delete(id);
          waiting.reject(error);
        }
      });
      return worker;
    });
    return this.workers;
  }

  private run(worker: Worker, job: ReplicateJob): Promise<Float64Array> {
    return new Promise<Float64Array>((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject });
      worker.ref();
      worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    const workers = this.workers ?? [];
    this.workers = null;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
