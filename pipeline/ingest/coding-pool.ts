/**
 * Worker threads that validate and code certificate batches and chunks of ED CSV, so ingest uses
 * every core: the main thread reads the file and stages what comes back, the workers do the text
 * work. Batches come back in any order; their records are numbered (seq), so order does not
 * matter. Every batch names the coding to use (the approved terms travel with it: they are few),
 * so workers follow lexicon approvals.
 */
import { Worker } from 'node:worker_threads';
import type { OverlayTerm } from '../coding/lexicon/overlay.ts';
import type { StageRequest, StagedBatch } from './staging-rows.ts';
import type { EdCsvTextRequest, PortableEdCoding, StagedEdChunk } from './ed-staging.ts';

/** What a worker builds its coder from: the versions to stamp and the approved terms over the committed lexicon. */
export interface WorkerCoding {
  coderVersion: string;
  lexiconVersion: string;
  terms: readonly OverlayTerm[];
}

/** A chunk of the cause keys of a certificate file read in bulk, as CSV text, to code (certificate-csv-bulk.ts). */
export interface DeathKeysRequest {
  kind: 'death-key-csv';
  text: string;
  firstLine: number;
}

interface PendingBatch {
  resolve: (batch: never) => void;
  reject: (error: Error) => void;
}

/**
 * Each worker's heap. A 96 MB young generation: coding makes much short-lived garbage (a worker
 * coded certificates ~30% faster than with V8's default). A bounded old generation: a worker's
 * live data is ~150 MB (the death coder ~100, its memo of lines ~45, the ED coding ~15) and ~350
 * at most (two coders of different lexicon versions and two ED codings kept around an approval),
 * but V8 lets the heap grow to several times that before collecting it, so the longer a batch
 * coded the more memory the workers held: 512 MB bounds what the pool can hold whatever the file.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 96, maxOldGenerationSizeMb: 512 };

interface PoolWorker {
  worker: Worker;
  inFlight: number;
  ready: Promise<{ coderVersion: string; lexiconVersion: string }>;
}

export class CodingPool {
  private readonly workers: PoolWorker[];
  private readonly pending = new Map<number, PendingBatch>();
  private nextId = 0;

  constructor(size: number) {
    const script = new URL('./coding-worker-bootstrap.mjs', import.meta.url);
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(script, { resourceLimits: WORKER_HEAP });
      const ready = new Promise<{ coderVersion: string; lexiconVersion: string }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      worker.on('message', (message: { id?: number; batch?: never; error?: string }) => {
        if (message.id === undefined) return;
        const waiting = this.pending.get(message.id);
        if (!waiting) return;
        this.pending.delete(message.id);
        if (--entry.inFlight === 0) worker.unref(); // idle: never keeps the process alive
        if (message.error !== undefined) waiting.reject(new Error(message.error));
        else waiting.resolve(message.batch!);
      });
      worker.on('error', (error) => {
        for (const [id, waiting] of this.pending) {
          this.pending.delete(id);
          waiting.reject(error);
        }
      });
      // Referenced while loading the lexicon and while it has work; idle, it never keeps the process alive.
      void ready.then(() => entry.inFlight === 0 && worker.unref(), () => undefined);
      const entry: PoolWorker = { worker, inFlight: 0, ready };
      return entry;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /** Versions of the coder the workers build at start (the committed lexicon's). */
  async versions(): Promise<{ coderVersion: string; lexiconVersion: string }> {
    return (await Promise.all(this.workers.map((w) => w.ready)))[0]!;
  }

  /** Parses (for CSV text), validates and codes one batch of certificates on the least busy worker, with `coding`. */
  stage(request: StageRequest, coding: WorkerCoding): Promise<StagedBatch> {
    return this.post<StagedBatch>({ request, coding });
  }

  /** Codes a chunk of cause keys (CSV text) on the least busy worker, with `coding`: staging_death_coded's rows as CSV text (codeDeathKeyCsv). */
  codeDeathKeyCsv(text: string, firstLine: number, coding: WorkerCoding): Promise<string> {
    return this.post<string>({ request: { kind: 'death-key-csv', text, firstLine } satisfies DeathKeysRequest, coding });
  }

  /** Parses, validates and codes a chunk of ED CSV text on the least busy worker, with the batch's ED coding. */
  stageEd(request: EdCsvTextRequest, coding: PortableEdCoding): Promise<StagedEdChunk> {
    return this.post<StagedEdChunk>({ request, edCoding: coding });
  }

  private async post<T>(message: object): Promise<T> {
    const target = this.workers.reduce((best, w) => (w.inFlight < best.inFlight ? w : best));
    if (target.inFlight++ === 0) target.worker.ref(); // busy: keep the process alive for the answer
    await target.ready;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (batch: never) => void, reject });
      target.worker.postMessage({ id, ...message });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
