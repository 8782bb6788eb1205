/**
 * A scan worker thread: computes the Monte Carlo maxima of replicates [from, to) of a prepared
 * scan and sends them back (replicate r always draws from its own stream, so any split of the
 * replicates over threads gives the maxima one thread would).
 */
import { parentPort } from 'node:worker_threads';
import { replicateMaxima } from './replicates.ts';
import type { PreparedScan } from './space-time-permutation.ts';

export interface ReplicateJob {
  id: number;
  prep: PreparedScan;
  seed: number;
  from: number;
  to: number;
  floor: number;
}

parentPort!.on('message', (job: ReplicateJob) => {
  try {
    const maxima = replicateMaxima(job.prep, job.seed, job.from, job.to, job.floor);
    parentPort!.postMessage({ id: job.id, maxima }, [maxima.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
