/**
 * The entry points every caller uses to load a certificate file (HTTP upload, CLI, inbox job,
 * demo): keep the raw file with its checksum, then run the batch. Same code path for all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { findInterruptedBatches } from '../store/database.ts';
import type { Readable } from 'node:stream';
import { runBatch, type BatchPlan, type IncomingBatch, type IngestContext } from './batch-runner.ts';
import { certificateCsvPlan, deathRecordPlan } from './certificate-batch.ts';
import { FileFormatError } from '../formats/certificate-csv.ts';
import { detectFormat } from '../formats/detect-format.ts';
import { readFileHead } from '../formats/file-head.ts';
import { edPlan } from './ed-batch.ts';
import type { BatchReport } from './batch-report.ts';
import { clearStagingDirectory } from './staging-csv.ts';
import { adoptRawFile, newBatchId, sha256Of, storeRawFile, storeRawStream, type StoredRawFile } from './raw-files.ts';

export interface IngestRequest {
  fileName: string;
  source: IncomingBatch['source'];
  jurisdiction?: string | null;
  onProgress?: (recordsRead: number, bytesRead: number) => void;
}

/** A batch under way: what `GET /api/batches/:id` shows until its report exists. */
export interface BatchProgress {
  batchId: string;
  fileName: string;
  bytes: number;
  bytesRead: number;
  recordsRead: number;
  startedAt: string;
  /** Records per second so far; null in the first moments. */
  recordsPerSecond: number | null;
  /** Seconds left at the current pace (bytes read vs the file's size); null until it can be told. */
  etaSeconds: number | null;
}

interface Tracked {
  batchId: string;
  fileName: string;
  bytes: number;
  bytesRead: number;
  recordsRead: number;
  started: number;
}

/** Extensions of the formats the inbox loads (.txt is left alone: offices drop notes there). */
const LOADABLE_EXTENSIONS = new Set(['.csv', '.ije', '.mor', '.json', '.ndjson', '.jsonl', '.hl7', '.mllp']);


export class IngestService {
  private readonly running = new Map<string, Tracked>();

  constructor(
    private readonly context: IngestContext,
    private readonly rawDir: string,
  ) {}

  /** True for a file name whose extension names a format this service loads. */
  acceptsFileName(name: string): boolean {
    return LOADABLE_EXTENSIONS.has(path.extname(name).toLowerCase());
  }

  /** Progress of a batch being loaded by this process, or null when it is not running. */
  progress(batchId: string): BatchProgress | null {
    const t = this.running.get(batchId);
    if (!t) return null;
    const seconds = (performance.now() - t.started) / 1000;
    const pace = seconds > 0.5 ? t.bytesRead / seconds : 0;
    return {
      batchId: t.batchId,
      fileName: t.fileName,
      bytes: t.bytes,
      bytesRead: t.bytesRead,
      recordsRead: t.recordsRead,
      startedAt: new Date(Date.now() - seconds * 1000).toISOString(),
      recordsPerSecond: seconds > 0.5 ? Math.round(t.recordsRead / seconds) : null,
      etaSeconds: pace > 0 ? Math.max(0, Math.round((t.bytes - t.bytesRead) / pace)) : null,
    };
  }

  /**
   * Stores a byte stream (an HTTP body) as a raw file, then starts loading it without waiting:
   * the caller answers at once with the batch id and polls `progress` / the batch report.
   */
  async beginStream(stream: Readable, request: IngestRequest): Promise<{ batchId: string; finished: Promise<BatchReport> }> {
    const batchId = newBatchId();
    const raw = await storeRawStream(stream, this.rawDir, batchId, extensionOf(request.fileName));
    return { batchId, finished: this.run(batchId, raw, request) };
  }

  /** As beginStream, for a file a multipart upload already wrote to disk. */
  async beginUploadedFile(temporaryPath: string, request: IngestRequest): Promise<{ batchId: string; finished: Promise<BatchReport> }> {
    const batchId = newBatchId();
    const raw = await adoptRawFile(temporaryPath, this.rawDir, batchId, extensionOf(request.fileName));
    return { batchId, finished: this.run(batchId, raw, request) };
  }

  /** A file on disk (CLI, inbox, demo): copied into the raw store, then loaded. */
  async ingestFile(filePath: string, request: Omit<IngestRequest, 'fileName'> & { fileName?: string }): Promise<BatchReport> {
    const batchId = newBatchId();
    const raw = await storeRawFile(filePath, this.rawDir, batchId);
    return this.run(batchId, raw, { ...request, fileName: request.fileName ?? path.basename(filePath) });
  }

  /** A byte stream (a raw HTTP body): streamed to the raw store, never held in memory. */
  async ingestStream(stream: Readable, request: IngestRequest): Promise<BatchReport> {
    const batchId = newBatchId();
    const raw = await storeRawStream(stream, this.rawDir, batchId, extensionOf(request.fileName));
    return this.run(batchId, raw, request);
  }

  /** A file a multipart upload already wrote to a temporary path on the same disk. */
  async ingestUploadedFile(temporaryPath: string, request: IngestRequest): Promise<BatchReport> {
    const batchId = newBatchId();
    const raw = await adoptRawFile(temporaryPath, this.rawDir, batchId, extensionOf(request.fileName));
    return this.run(batchId, raw, request);
  }

  /**
   * Redoes every batch a stopped process left 'processing': its transaction never committed, so
   * nothing of it is stored, and its raw file is kept; the same batch id is run again from that
   * file (versioning makes a record already stored by another batch count as unchanged). A batch
   * whose raw file is gone is marked failed.
   */
  async resumeInterrupted(): Promise<BatchReport[]> {
    // Staging files of a batch cut off are partial; each batch writes its own again.
    clearStagingDirectory(this.context.db.path);
    const reports: BatchReport[] = [];
    for (const interrupted of await findInterruptedBatches(this.context.db.connection)) {
      const plan = this.planFor(interrupted.format);
      if (!fs.existsSync(interrupted.rawPath) || plan === null) {
        await this.context.db.connection.run(
          `UPDATE batches SET status = 'failed', finished_at = now(), error = $error WHERE batch_id = $batch_id`,
          {
            batch_id: interrupted.batchId,
            error: plan === null
              ? `interrupted, and this version of vigil cannot read the format "${interrupted.format}"; nothing from it was stored.`
              : 'interrupted: the process stopped before this batch was committed, and its raw file is gone; nothing from it was stored. Load the file again.',
          },
        );
        continue;
      }
      const { size } = fs.statSync(interrupted.rawPath);
      const raw = { path: interrupted.rawPath, sha256: await sha256Of(interrupted.rawPath), bytes: size };
      reports.push(
        await runBatch(this.context, { batchId: interrupted.batchId, raw, fileName: interrupted.fileName, source: interrupted.source, jurisdiction: interrupted.jurisdiction, resumed: true }, plan),
      );
    }
    return reports;
  }

  private planOrReject(format: string): BatchPlan {
    const plan = this.planFor(format);
    if (plan) return plan;
    // Recorded and reported like any rejected file, with its raw copy kept.
    return { kind: 'ed', format, stage: () => Promise.reject(new FileFormatError(`files of format ${format} cannot be loaded here`)), commit: () => Promise.resolve(0) };
  }

  /** The plan that loads a stored format, or null for a format this version cannot read. */
  private planFor(format: string): BatchPlan | null {
    if (format === 'certificate-csv') return certificateCsvPlan(this.context);
    if (format === 'ije' || format === 'vrdr') return deathRecordPlan(this.context, format);
    if ((format === 'ed-csv' || format === 'ed-ndjson' || format === 'hl7') && this.context.edCoding) return edPlan({ db: this.context.db, pool: this.context.pool, logger: this.context.logger, csvBulk: this.context.csvBulk, edCoding: this.context.edCoding }, format);
    return null;
  }

  private async run(batchId: string, raw: StoredRawFile, request: IngestRequest): Promise<BatchReport> {
    const tracked: Tracked = { batchId, fileName: request.fileName, bytes: raw.bytes, bytesRead: 0, recordsRead: 0, started: performance.now() };
    this.running.set(batchId, tracked);
    try {
      return await this.runTracked(batchId, raw, request, tracked);
    } finally {
      this.running.delete(batchId);
    }
  }

  private runTracked(batchId: string, raw: StoredRawFile, request: IngestRequest, tracked: Tracked): Promise<BatchReport> {
    return runBatch(this.context, {
      batchId,
      raw,
      fileName: request.fileName,
      source: request.source,
      jurisdiction: request.jurisdiction ?? null,
      onProgress: (records, bytes) => {
        tracked.recordsRead = records;
        tracked.bytesRead = bytes;
        request.onProgress?.(records, bytes);
      },
    }, this.planOrReject(detectFormat(readFileHead(raw.path), request.fileName)));
  }
}

function extensionOf(fileName: string): string {
  const extension = path.extname(fileName).toLowerCase();
  return /^\.[a-z0-9]{1,8}$/.test(extension) ? extension : '.csv';
}
