/**
 * Certificate batch uploads. `POST /api/batches` takes the file as multipart field `file`, or as
 * the raw request body (Content-Type text/csv, name in ?name=), streams it to disk, loads it, and
 * answers with the batch id and the per-record error report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { Router, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { BatchReport } from '../../pipeline/ingest/batch-report.ts';
import { readBatchReport } from '../../pipeline/ingest/batch-report.ts';
import { HttpError, parseInput } from '../errors.ts';
import type { AppServices } from '../services.ts';

const ACCEPTED_EXTENSIONS = new Set(['.csv', '.txt']);

function checkFileName(name: string): string {
  const base = path.basename(name);
  if (!ACCEPTED_EXTENSIONS.has(path.extname(base).toLowerCase())) {
    throw new HttpError(415, `unsupported file type: "${base}" (send a certificate CSV template file, .csv)`);
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

export function batchRoutes({ config, db, ingest }: AppServices): Router {
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
      sendReport(response, await ingest.ingestUploadedFile(file.path, { fileName, source: 'upload' }));
    } finally {
      fs.rmSync(file.path, { force: true }); // gone already when adopted into the raw store
    }
  });

  router.post('/api/batches', async (request, response) => {
    if (!request.is(['text/csv', 'text/plain', 'application/octet-stream'])) {
      throw new HttpError(415, `unsupported Content-Type: ${JSON.stringify(request.get('content-type') ?? '')} (use multipart/form-data with field "file", or text/csv)`);
    }
    const { name } = parseInput(z.object({ name: z.string().max(200).default('upload.csv') }), request.query);
    const declared = Number(request.get('content-length') ?? 0);
    if (declared > config.uploadMaxBytes) throw new HttpError(413, `file too large: ${declared} bytes (limit ${config.uploadMaxBytes})`);
    const fileName = checkFileName(name);
    sendReport(response, await ingest.ingestStream(request.pipe(byteLimit(config.uploadMaxBytes)), { fileName, source: 'upload' }));
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
    const { id } = parseInput(z.object({ id: z.string().regex(/^b\d{14}-[0-9a-f]{8}$/, 'not a batch id') }), request.params);
    const report = await readBatchReport(db.connection, id);
    if (!report) throw new HttpError(404, `no batch ${id}`);
    response.json(report);
  });
  return router;
}
