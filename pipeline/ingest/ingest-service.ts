/**
 * The entry points every caller uses to load a certificate file (HTTP upload, CLI, inbox job,
 * demo): keep the raw file with its checksum, then run the batch. Same code path for all.
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import { runBatch, type IncomingBatch, type IngestContext } from './batch-runner.ts';
import { certificateCsvPlan } from './certificate-batch.ts';
import type { BatchReport } from './batch-report.ts';
import { adoptRawFile, newBatchId, storeRawFile, storeRawStream, type StoredRawFile } from './raw-files.ts';

export interface IngestRequest {
  fileName: string;
  source: IncomingBatch['source'];
  jurisdiction?: string | null;
  onProgress?: (recordsRead: number) => void;
}

export class IngestService {
  constructor(
    private readonly context: IngestContext,
    private readonly rawDir: string,
  ) {}

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

  private run(batchId: string, raw: StoredRawFile, request: IngestRequest): Promise<BatchReport> {
    return runBatch(this.context, {
      batchId,
      raw,
      fileName: request.fileName,
      source: request.source,
      jurisdiction: request.jurisdiction ?? null,
      onProgress: request.onProgress,
    }, certificateCsvPlan(this.context));
  }
}

function extensionOf(fileName: string): string {
  const extension = path.extname(fileName).toLowerCase();
  return /^\.[a-z0-9]{1,8}$/.test(extension) ? extension : '.csv';
}
