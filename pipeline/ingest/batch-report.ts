/**
 * The per-batch report an uploader gets back: what was read, loaded, left unchanged and rejected,
 * with each rejected record's line and field.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export type BatchStatus = 'received' | 'processing' | 'loaded' | 'failed' | 'rejected';

export interface RecordError {
  line: number | null;
  recordId: string | null;
  field: string | null;
  message: string;
}

export interface BatchReport {
  batchId: string;
  kind: 'deaths' | 'ed';
  fileName: string;
  sha256: string;
  bytes: number;
  status: BatchStatus;
  /** Set when this file was already loaded: the earlier batch, and nothing was loaded again. */
  duplicateOf: string | null;
  receivedAt: string;
  finishedAt: string | null;
  recordsRead: number;
  recordsLoaded: number;
  recordsUnchanged: number;
  recordsRejected: number;
  /** The file-level error for a rejected or failed batch. */
  error: string | null;
  /** Record errors, in file order, at most `errorLimit` of them. */
  errors: RecordError[];
  errorsTotal: number;
}

/** Reads a batch and its first record errors back from the database. */
export async function readBatchReport(connection: DuckDBConnection, batchId: string, errorLimit = 1000): Promise<BatchReport | null> {
  const batches = (
    await connection.runAndReadAll(
      `SELECT batch_id, kind, file_name, sha256, bytes, status, received_at::VARCHAR AS received_at,
              finished_at::VARCHAR AS finished_at, records_read, records_loaded, records_unchanged,
              records_rejected, error
       FROM batches WHERE batch_id = $batch_id`,
      { batch_id: batchId },
    )
  ).getRowObjectsJson();
  const batch = batches[0];
  if (!batch) return null;
  const errors = (
    await connection.runAndReadAll(
      `SELECT line, record_id, field, message, count(*) OVER () AS total FROM batch_errors
       WHERE batch_id = $batch_id ORDER BY line, field LIMIT $limit`,
      { batch_id: batchId, limit: errorLimit },
    )
  ).getRowObjectsJson();
  return {
    batchId: String(batch.batch_id),
    kind: batch.kind as 'deaths' | 'ed',
    fileName: String(batch.file_name),
    sha256: String(batch.sha256),
    bytes: Number(batch.bytes),
    status: batch.status as BatchStatus,
    duplicateOf: null,
    receivedAt: String(batch.received_at),
    finishedAt: batch.finished_at === null ? null : String(batch.finished_at),
    recordsRead: Number(batch.records_read ?? 0),
    recordsLoaded: Number(batch.records_loaded ?? 0),
    recordsUnchanged: Number(batch.records_unchanged ?? 0),
    recordsRejected: Number(batch.records_rejected ?? 0),
    error: batch.error === null ? null : String(batch.error),
    errors: errors.map((row) => ({
      line: row.line === null ? null : Number(row.line),
      recordId: row.record_id === null ? null : String(row.record_id),
      field: row.field === null ? null : String(row.field),
      message: String(row.message),
    })),
    errorsTotal: Number(errors[0]?.total ?? 0),
  };
}
