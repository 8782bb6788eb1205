/**
 * Certificate batch uploads. `POST /api/batches` takes the file as multipart field `file`, or as
 * the raw request body (Content-Type text/csv, name in ?name=), streams it to disk, loads it, and
 * answers with the batch id and the per-record error report. With `?async=true` (or the header
 * `Prefer: respond-async`, RFC 7240) it answers 202 as soon as the file is stored, and
 * `GET /api/batches/:id` shows the load's progress until the report is there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { BatchReport } from '../../pipeline/ingest/batch-report.ts';
import { csvLine } from '../../pipeline/formats/csv.ts';
import { readBatchReport } from '../../pipeline/ingest/batch-report.ts';
import { HttpError, parseInput } from '../errors.ts';
import type { AppServices } from '../services.ts';

const ACCEPTED_EXTENSIONS = new Set(['.csv', '.txt', '.ije', '.mor', '.json', '.ndjson', '.jsonl', '.hl7', '.mllp']);

function checkFileName(name: string): string {
  const base = path.basename(name);
  if (!ACCEPTED_EXTENSIONS.has(path.extname(base).toLowerCase())) {
    throw new HttpError(415, `unsupported file type: "${base}" (send a certificate CSV template .csv, an IJE mortality file .ije/.mor, VRDR FHIR JSON .json/.ndjson, an ED feed .csv/.ndjson, or HL7 v2 ADT .hl7)`);
  }
  return base;
}

function multerError(error: unknown, limit: number): unknown {
  if (!(error instanceof multer.MulterError)) return error;
  if (error.code === 'LIMIT_FILE_SIZE') return new HttpError(413, `file too large (limit ${limit} bytes)`);
  return new HttpError(400, `bad upload: ${error.message}${error.field ? ` (field "${error.field}")` : ''}`);
}

/** Fails a streamed body that grows past the limit, whatever Content-Length claimed. */
function byteLimit(limit: number): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(bytes > limit ? new HttpError(413, `file too large (limit ${limit} bytes)`) : null, chunk);
    },
  });
}

/** 201 when records loaded, 200 for a resent file, 422 when the file was rejected as a whole. */
function sendReport(response: Response, report: BatchReport): void {
  const status = report.duplicateOf ? 200 : report.status === 'loaded' ? 201 : report.status === 'rejected' ? 422 : 500;
  response.status(status).location(`/api/batches/${report.duplicateOf ?? report.batchId}`).json(report);
}

const BATCH_ID = z.string().regex(/^b\d{14}-[0-9a-f]{8}$/, 'not a batch id');
const UPLOAD_QUERY = z.object({
  name: z.string().max(200).default('upload.csv'),
  async: z.enum(['true', 'false']).default('false'),
});

/** The caller asked not to wait for the load: `?async=true` or `Prefer: respond-async`. */
function wantsAsync(request: Request, query: { async: string }): boolean {
  return query.async === 'true' || /\brespond-async\b/i.test(request.get('prefer') ?? '');
}

export function batchRoutes({ config, db, ingest, logger }: AppServices): Router {
  /** 202 at once; the load goes on, and its outcome is in the batch report. */
  const accept = (response: Response, started: { batchId: string; finished: Promise<BatchReport> }) => {
    started.finished.catch((error: unknown) => logger.error({ err: error, batchId: started.batchId }, 'background batch failed'));
    response.status(202).location(`/api/batches/${started.batchId}`).json({ batchId: started.batchId, status: 'processing', progress: ingest.progress(started.batchId) });
  };
  const incomingDir = path.join(config.dataDir, 'incoming');
  fs.mkdirSync(incomingDir, { recursive: true });
  const upload = multer({
    storage: multer.diskStorage({ destination: incomingDir }),
    limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 10 },
  });
  const router = Router();

  router.post('/api/batches', async (request, response, next) => {
    if (!request.is('multipart/form-data')) return next();
    await new Promise<void>((resolve, reject) =>
      upload.single('file')(request, response, (error: unknown) => (error ? reject(multerError(error, config.uploadMaxBytes)) : resolve())),
    );
    const file = request.file;
    if (!file) throw new HttpError(400, 'no file: send the certificate CSV as multipart form field "file"');
    try {
      const fileName = checkFileName(file.originalname);
      const query = parseInput(UPLOAD_QUERY, request.query);
      if (wantsAsync(request, query)) accept(response, await ingest.beginUploadedFile(file.path, { fileName, source: 'upload' }));
      else sendReport(response, await ingest.ingestUploadedFile(file.path, { fileName, source: 'upload' }));
    } finally {
      fs.rmSync(file.path, { force: true }); // gone already when adopted into the raw store
    }
  });

  router.post('/api/batches', async (request, response) => {
    if (!request.is(['text/csv', 'text/plain', 'application/octet-stream', 'application/json', 'application/fhir+json', 'application/x-ndjson', 'x-application/hl7-v2+er7', 'application/hl7-v2'])) {
      throw new HttpError(415, `unsupported Content-Type: ${JSON.stringify(request.get('content-type') ?? '')} (use multipart/form-data with field "file", or text/csv)`);
    }
    const query = parseInput(UPLOAD_QUERY, request.query);
    const { name } = query;
    const declared = Number(request.get('content-length') ?? 0);
    if (declared > config.uploadMaxBytes) throw new HttpError(413, `file too large: ${declared} bytes (limit ${config.uploadMaxBytes})`);
    const fileName = checkFileName(name);
    const body = request.pipe(byteLimit(config.uploadMaxBytes));
    if (wantsAsync(request, query)) accept(response, await ingest.beginStream(body, { fileName, source: 'upload' }));
    else sendReport(response, await ingest.ingestStream(body, { fileName, source: 'upload' }));
  });

  router.get('/api/batches', async (_request, response) => {
    const rows = (
      await db.connection.runAndReadAll(
        `SELECT batch_id, kind, file_name, status, CAST(received_at AS VARCHAR) AS received_at, records_read,
                records_loaded, records_unchanged, records_rejected
         FROM batches ORDER BY received_at DESC LIMIT 100`,
      )
    ).getRowObjectsJson();
    response.json({ batches: rows });
  });

  router.get('/api/batches/:id', async (request, response) => {
    const { id } = parseInput(z.object({ id: BATCH_ID }), request.params);
    const report = await readBatchReport(db.connection, id);
    // A finished batch has a report, not progress (the load may still be reading it back).
    const progress = report && report.status !== 'processing' ? null : ingest.progress(id);
    if (!report && !progress) throw new HttpError(404, `no batch ${id}`);
    // Between the stored upload and the batch's first row, only the progress exists.
    response.json(report ? { ...report, progress } : { batchId: id, status: 'received', progress });
  });

  /** Every rejected record of a batch as CSV (line, record id, field, message), for the office to fix. */
  router.get('/api/batches/:id/errors.csv', async (request, response) => {
    const { id } = parseInput(z.object({ id: BATCH_ID }), request.params);
    const report = await readBatchReport(db.connection, id, 0);
    if (!report) throw new HttpError(404, `no batch ${id}`);
    const rows = (
      await db.connection.runAndReadAll(`SELECT line, record_id, field, message FROM batch_errors WHERE batch_id = $batch_id ORDER BY line, field`, { batch_id: id })
    ).getRowObjectsJson();
    response
      .type('text/csv')
      .attachment(`${id}-errors.csv`)
      .send(csvLine(['line', 'record_id', 'field', 'message']) + rows.map((r) => csvLine([r.line === null ? '' : String(r.line), String(r.record_id ?? ''), String(r.field ?? ''), String(r.message)])).join(''));
  });
  return router;
}
