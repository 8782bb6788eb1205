// Uploading a batch: POST /api/batches?async=true with the file (upload progress from the
// browser), then GET /api/batches/:id until the load has finished and its report is there.
import { ApiError, errorFrom, type Http } from './http.ts';

export interface BatchProgress {
  bytes: number;
  bytesRead: number;
  recordsRead: number;
  recordsPerSecond: number | null;
  etaSeconds: number | null;
}

export interface RecordError {
  line: number | null;
  recordId: string | null;
  field: string | null;
  message: string;
}

/** The per-record report (pipeline/ingest/batch-report.ts), as GET /api/batches/:id sends it. */
export interface BatchReport {
  batchId: string;
  kind: 'deaths' | 'ed' | null;
  fileName: string;
  /** 'duplicate': the same file was loaded before by a batch this token may not see; nothing loaded. */
  status: 'received' | 'processing' | 'loaded' | 'failed' | 'rejected' | 'duplicate';
  duplicateOf: string | null;
  recordsRead: number;
  recordsLoaded: number;
  recordsUnchanged: number;
  recordsRejected: number;
  error: string | null;
  errors: RecordError[];
  errorsTotal: number;
  progress: BatchProgress | null;
}

export type UploadEvent =
  | { phase: 'sending'; sent: number; total: number }
  | { phase: 'loading'; report: BatchReport }
  | { phase: 'done'; report: BatchReport };

const FINISHED = new Set(['loaded', 'failed', 'rejected', 'duplicate']);

/** Sends the file, then follows the load; `onEvent` sees each step, the promise the final report. */
export async function uploadBatch(http: Http, file: File, jurisdiction: string | null, onEvent: (event: UploadEvent) => void, pollMs = 400): Promise<BatchReport> {
  const accepted = await send(http, file, jurisdiction, onEvent);
  if (accepted.duplicateOf || FINISHED.has(accepted.status)) {
    onEvent({ phase: 'done', report: accepted });
    return accepted;
  }
  const url = `/api/batches/${encodeURIComponent(accepted.batchId)}`;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const report = parseReport(await http.json(url, { feature: 'batch progress' }));
    if (FINISHED.has(report.status)) {
      onEvent({ phase: 'done', report });
      return report;
    }
    onEvent({ phase: 'loading', report });
  }
}

/** XMLHttpRequest, not fetch: only it reports upload progress. */
function send(http: Http, file: File, jurisdiction: string | null, onEvent: (event: UploadEvent) => void): Promise<BatchReport> {
  return new Promise((resolve, reject) => {
    const url = `/api/batches?async=true${jurisdiction ? `&jurisdiction=${encodeURIComponent(jurisdiction)}` : ''}`;
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.responseType = 'text';
    for (const [name, value] of Object.entries(http.authorization())) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.addEventListener('progress', (event) => onEvent({ phase: 'sending', sent: event.loaded, total: event.lengthComputable ? event.total : file.size }));
    xhr.addEventListener('error', () => reject(new ApiError('Could not reach the vigil server to upload. Check that it is running and your network connection, then retry.', 0, url)));
    xhr.addEventListener('load', () => {
      const response = new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText, headers: { 'content-type': xhr.getResponseHeader('content-type') ?? '' } });
      if (xhr.status >= 400) {
        errorFrom(response, url, { feature: 'uploads' }).then(reject, reject);
        return;
      }
      response.json().then((body) => resolve(parseReport(body)), () => reject(new ApiError('The server’s answer to the upload is not JSON. Tell the vigil operators.', xhr.status, url)));
    });
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

export function parseReport(body: unknown): BatchReport {
  const b = (body ?? {}) as Record<string, unknown>;
  const n = (key: string) => (typeof b[key] === 'number' ? (b[key] as number) : 0);
  const progress = b['progress'] as Record<string, unknown> | null | undefined;
  if (b['status'] === 'duplicate') {
    return { batchId: '', kind: null, fileName: '', status: 'duplicate', duplicateOf: null, recordsRead: 0, recordsLoaded: 0, recordsUnchanged: 0, recordsRejected: 0, error: typeof b['message'] === 'string' ? b['message'] : 'this file was already loaded; nothing was loaded again', errors: [], errorsTotal: 0, progress: null };
  }
  if (typeof b['batchId'] !== 'string') throw new ApiError('The server’s batch answer has no batch id. Tell the vigil operators.', 200, '/api/batches');
  return {
    batchId: b['batchId'],
    kind: b['kind'] === 'deaths' || b['kind'] === 'ed' ? b['kind'] : null,
    fileName: typeof b['fileName'] === 'string' ? b['fileName'] : '',
    status: (['received', 'processing', 'loaded', 'failed', 'rejected', 'duplicate'].includes(String(b['status'])) ? b['status'] : 'processing') as BatchReport['status'],
    duplicateOf: typeof b['duplicateOf'] === 'string' ? b['duplicateOf'] : null,
    recordsRead: n('recordsRead'),
    recordsLoaded: n('recordsLoaded'),
    recordsUnchanged: n('recordsUnchanged'),
    recordsRejected: n('recordsRejected'),
    error: typeof b['error'] === 'string' ? b['error'] : null,
    errors: Array.isArray(b['errors'])
      ? (b['errors'] as Record<string, unknown>[]).map((e) => ({
          line: typeof e['line'] === 'number' ? e['line'] : null,
          recordId: typeof e['recordId'] === 'string' ? e['recordId'] : null,
          field: typeof e['field'] === 'string' ? e['field'] : null,
          message: String(e['message'] ?? ''),
        }))
      : [],
    errorsTotal: n('errorsTotal'),
    progress: progress
      ? {
          bytes: Number(progress['bytes'] ?? 0),
          bytesRead: Number(progress['bytesRead'] ?? 0),
          recordsRead: Number(progress['recordsRead'] ?? 0),
          recordsPerSecond: typeof progress['recordsPerSecond'] === 'number' ? progress['recordsPerSecond'] : null,
          etaSeconds: typeof progress['etaSeconds'] === 'number' ? progress['etaSeconds'] : null,
        }
      : null,
  };
}

/** The rejected records as CSV, fetched with the token (a plain link could not send it). */
export async function fetchErrorsCsv(http: Http, batchId: string): Promise<Blob> {
  const response = await http.request(`/api/batches/${encodeURIComponent(batchId)}/errors.csv`, { accept: 'text/csv', feature: 'error reports' });
  return response.blob();
}
