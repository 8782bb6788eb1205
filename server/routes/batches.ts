/**
 * Certificate and ED batch uploads. `POST /api/batches` takes the file as multipart field `file`,
 * or as the raw request body (Content-Type text/csv etc., name in ?name=), streams it to disk,
 * loads it, and answers with the batch id and the per-record error report. With `?async=true`
 * (or the header `Prefer: respond-async`, RFC 7240) it answers 202 as soon as the file is
 * stored, and `GET /api/batches/:id` shows the load's progress until the report is there.
 *
 * Who: uploaders and admins upload. The batch's jurisdiction comes from the token
 * (`auth/batch-scope.ts`), and the ingest path rejects each record of another jurisdiction with
 * its line, id and field. A batch is shown to admins and to uploaders of its jurisdiction; to any
 * other uploader it is a 404 like a batch that does not exist.
 *
 * Nothing from the request names a path: the upload goes to a temporary name multer picks and
 * then to `raw/<month>/<batch id><extension>`; `name` only supplies the extension (checked
 * against a list) and the file name shown in reports; batch ids are checked against their shape.
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
import { auditRequest } from '../auth/audit-request.ts';
import { seesBatch, uploadJurisdiction } from '../auth/batch-scope.ts';
import { principalOf, requireRole, type Principal } from '../auth/principal.ts';
import { HttpError, parseInput, NO_PARAMETERS } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppServices } from '../services.ts';

const ACCEPTED_EXTENSIONS = new Set(['.csv', '.txt', '.ije', '.mor', '.json', '.ndjson', '.jsonl', '.hl7', '.mllp']);
const RAW_BODY_TYPES = ['text/csv', 'text/plain', 'application/octet-stream', 'application/json', 'application/fhir+json', 'application/x-ndjson', 'x-application/hl7-v2+er7', 'application/hl7-v2'];

function checkFileName(name: string): string {
  const base = path.basename(name.replaceAll('\\', '/'));
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

const BATCH_ID = z.string().regex(/^b\d{14}-[0-9a-f]{8}$/, 'not a batch id');
const BATCH_PATH = z.strictObject({ id: BATCH_ID.describe('the batch id, b<yyyymmddhhmmss>-<8 hex digits>') });
const UPLOAD_QUERY = z.strictObject({
  // A display name and an extension; control characters would end up in logs and CSV reports.
  name: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'no control characters')
    .default('upload.csv')
    .describe('the file name for a raw body: its extension says the format (.csv, .ije/.mor, .json/.ndjson, .hl7)'),
  async: z.enum(['true', 'false']).default('false').describe('true: answer 202 once the file is stored, and load it in the background'),
  jurisdiction: z.string().optional().describe('the jurisdiction the batch is for (an uploader token of several names one; an admin may name any)').meta({ examples: ['MA'] }),
});
const LIST_QUERY = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/** For the OpenAPI document (server/openapi.ts). */
export const BATCH_ROUTES: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/api/batches',
    summary: 'Upload a batch of death certificates or ED visits; answers with the per-record report',
    description:
      'The file as multipart field "file", or as the raw body (name in ?name=). Formats: the certificate CSV template, IJE mortality, VRDR FHIR JSON, ED CSV/NDJSON feeds, HL7 v2 ADT. ' +
      'Each record of another jurisdiction than the batch\'s is rejected with its line, id and field. With async=true (or Prefer: respond-async) the answer is 202 with the batch id at once. ' +
      'Answers are never compressed. Audited (batch.upload).',
    tags: ['batches'],
    callers: ['admin', 'uploader'],
    query: UPLOAD_QUERY,
    body: { description: 'The file (up to VIGIL_UPLOAD_MAX_BYTES)', mediaTypes: ['multipart/form-data', ...RAW_BODY_TYPES] },
    responses: {
      '201': { description: 'Loaded: the batch report (records loaded and rejected, each rejection with line, record id, field and message).' },
      '200': { description: 'The same file was loaded before: its batch, nothing loaded again.' },
      '202': { description: 'Accepted (async): { batchId, status: "processing", progress }; GET /api/batches/:id follows it.' },
      '413': { description: 'The file is larger than the limit.' },
      '415': { description: 'Not a file type vigil reads.' },
      '422': { description: 'The file was rejected as a whole (e.g. wrong columns); the report says why.' },
    },
  },
  {
    method: 'get',
    path: '/api/batches',
    summary: 'Recent batches: every batch for an admin, its own jurisdictions\' for an uploader',
    tags: ['batches'],
    callers: ['admin', 'uploader'],
    query: LIST_QUERY,
    responses: { '200': { description: '{ batches }' } },
  },
  {
    method: 'get',
    path: '/api/batches/:id',
    summary: 'One batch: its report, or its progress while it loads',
    description: 'Another jurisdiction\'s batch is a 404, exactly as a batch that does not exist.',
    tags: ['batches'],
    callers: ['admin', 'uploader'],
    query: NO_PARAMETERS,
    pathParameters: BATCH_PATH,
    responses: { '200': { description: 'The report with the batch\'s jurisdiction and progress.' }, '404': { description: 'No such batch (or not this token\'s).' } },
  },
  {
    method: 'get',
    path: '/api/batches/:id/errors.csv',
    summary: 'Every rejected record of a batch as CSV: line, record id, field, message',
    description: 'Audited (batch.read_errors).',
    tags: ['batches'],
    callers: ['admin', 'uploader'],
    query: NO_PARAMETERS,
    pathParameters: BATCH_PATH,
    responses: { '200': { description: 'The errors (Content-Disposition: attachment).', mediaTypes: ['text/csv'] }, '404': { description: 'No such batch (or not this token\'s).' } },
  },
];

/**
 * The report as the HTTP API shows it: a batch that failed on the server (not a rejected file)
 * says so without the internal error, which is in the server log under the batch id.
 */
function shownReport(report: BatchReport): BatchReport {
  if (report.status !== 'failed' || report.error === null || report.error.startsWith('interrupted')) return report;
  return { ...report, error: `the load failed on the server and nothing from it was stored; an administrator can find the cause in the server log under batch ${report.batchId}` };
}

/** The caller asked not to wait for the load: `?async=true` or `Prefer: respond-async`. */
function wantsAsync(request: Request, query: { async: string }): boolean {
  return query.async === 'true' || /\brespond-async\b/i.test(request.get('prefer') ?? '');
}

export function batchRoutes(services: AppServices): Router {
  const { config, db, ingest, logger, queries } = services;
  const incomingDir = path.join(config.dataDir, 'incoming');
  fs.mkdirSync(incomingDir, { recursive: true });
  const upload = multer({
    storage: multer.diskStorage({ destination: incomingDir }),
    // The name is checked before a byte is written: a refused type never reaches the disk.
    fileFilter: (_request, file, accept) => {
      try {
        checkFileName(file.originalname);
        accept(null, true);
      } catch (error) {
        accept(error as Error);
      }
    },
    limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 100 },
  });
  // Batches this process accepted with 202 and whose row may not be written yet: whose they are.
  const accepted = new Map<string, string | null>();
  const router = Router();

  /** The jurisdiction of a stored or just-accepted batch; undefined when no such batch exists. */
  const jurisdictionOf = async (batchId: string): Promise<string | null | undefined> => {
    const [row] = await queries.rows(db.connection, 'batch_jurisdiction', { batch_id: batchId });
    if (row) return row.jurisdiction === null ? null : String(row.jurisdiction);
    return accepted.has(batchId) ? accepted.get(batchId)! : undefined;
  };

  /** The batch if this principal may see it; a 404 alike for "no such batch" and "not yours". */
  const visibleBatch = async (principal: Principal, batchId: string): Promise<string | null> => {
    const jurisdiction = await jurisdictionOf(batchId);
    if (jurisdiction === undefined || !seesBatch(principal, jurisdiction)) throw new HttpError(404, `no batch ${batchId}`);
    return jurisdiction;
  };

  /** 201 when records loaded, 200 for a resent file, 422 when the file was rejected as a whole. */
  const sendReport = async (response: Response, report: BatchReport, jurisdiction: string | null) => {
    await auditUpload(response, report.batchId, jurisdiction, report);
    if (report.duplicateOf && !seesBatch(principalOf(response), (await jurisdictionOf(report.duplicateOf)) ?? null)) {
      // The same bytes were loaded before, for a jurisdiction this token does not cover: nothing
      // is loaded again, and the earlier batch (its id, name, time) is not shown.
      return void response.status(200).json({ status: 'duplicate', duplicateOf: null, recordsLoaded: 0, message: 'this file was already loaded (by a batch of another jurisdiction); nothing was loaded again' });
    }
    const status = report.duplicateOf ? 200 : report.status === 'loaded' ? 201 : report.status === 'rejected' ? 422 : 500;
    response.status(status).location(`/api/batches/${report.duplicateOf ?? report.batchId}`).json({ ...shownReport(report), jurisdiction });
  };

  /** 202 at once; the load goes on, and its outcome is in the batch report. */
  const accept = async (response: Response, started: { batchId: string; finished: Promise<BatchReport> }, jurisdiction: string | null) => {
    accepted.set(started.batchId, jurisdiction);
    started.finished
      .catch((error: unknown) => logger.error({ err: error, batchId: started.batchId }, 'background batch failed'))
      .finally(() => accepted.delete(started.batchId));
    await auditUpload(response, started.batchId, jurisdiction, null);
    response.status(202).location(`/api/batches/${started.batchId}`).json({ batchId: started.batchId, status: 'processing', jurisdiction, progress: ingest.progress(started.batchId) });
  };

  const auditUpload = (response: Response, batchId: string, jurisdiction: string | null, report: BatchReport | null) =>
    auditRequest(services, response, {
      action: 'batch.upload',
      target: batchId,
      detail: report
        ? { jurisdiction, fileName: report.fileName, kind: report.kind, status: report.status, recordsLoaded: report.recordsLoaded, recordsRejected: report.recordsRejected, duplicateOf: report.duplicateOf }
        : { jurisdiction, status: 'processing' },
    });

  // Authorization and the query are checked before a byte of the body is read.
  const uploadGuard = [
    requireRole('uploader', 'admin'),
    (request: Request, response: Response, next: (error?: unknown) => void) => {
      const query = parseInput(UPLOAD_QUERY, request.query);
      response.locals.upload = { query, jurisdiction: uploadJurisdiction(principalOf(response), query.jurisdiction) };
      next();
    },
  ];
  const uploadOf = (response: Response) => response.locals.upload as { query: z.infer<typeof UPLOAD_QUERY>; jurisdiction: string | null };

  router.post('/api/batches', ...uploadGuard, async (request, response, next) => {
    if (!request.is('multipart/form-data')) return next();
    const { query, jurisdiction } = uploadOf(response);
    await new Promise<void>((resolve, reject) =>
      upload.single('file')(request, response, (error: unknown) => (error ? reject(multerError(error, config.uploadMaxBytes)) : resolve())),
    );
    const file = request.file;
    if (!file) throw new HttpError(400, 'no file: send the certificate CSV as multipart form field "file"');
    try {
      const fileName = checkFileName(file.originalname);
      const ingestRequest = { fileName, source: 'upload' as const, jurisdiction };
      if (wantsAsync(request, query)) await accept(response, await ingest.beginUploadedFile(file.path, ingestRequest), jurisdiction);
      else await sendReport(response, await ingest.ingestUploadedFile(file.path, ingestRequest), jurisdiction);
    } finally {
      fs.rmSync(file.path, { force: true }); // gone already when adopted into the raw store
    }
  });

  router.post('/api/batches', ...uploadGuard, async (request, response) => {
    if (!request.is(RAW_BODY_TYPES)) {
      throw new HttpError(415, `unsupported Content-Type: ${JSON.stringify(request.get('content-type') ?? '')} (use multipart/form-data with field "file", or text/csv)`);
    }
    const { query, jurisdiction } = uploadOf(response);
    const declared = Number(request.get('content-length') ?? 0);
    if (declared > config.uploadMaxBytes) throw new HttpError(413, `file too large: ${declared} bytes (limit ${config.uploadMaxBytes})`);
    const fileName = checkFileName(query.name);
    const body = request.pipe(byteLimit(config.uploadMaxBytes));
    const ingestRequest = { fileName, source: 'upload' as const, jurisdiction };
    if (wantsAsync(request, query)) await accept(response, await ingest.beginStream(body, ingestRequest), jurisdiction);
    else await sendReport(response, await ingest.ingestStream(body, ingestRequest), jurisdiction);
  });

  /** Recent batches: all for an admin, an uploader's own jurisdictions' for an uploader. */
  router.get('/api/batches', requireRole('uploader', 'admin'), async (request, response) => {
    const { limit } = parseInput(LIST_QUERY, request.query);
    const principal = principalOf(response);
    const all = principal.kind === 'token' && principal.role === 'admin';
    const scope = principal.kind === 'token' ? (principal.jurisdictions ?? []) : [];
    const rows = await queries.rows(db.connection, 'recent_batches', { all_jurisdictions: all, jurisdictions: scope.join(','), limit });
    response.json({ batches: rows });
  });

  router.get('/api/batches/:id', requireRole('uploader', 'admin'), async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    const { id } = parseInput(BATCH_PATH, request.params);
    const jurisdiction = await visibleBatch(principalOf(response), id);
    const report = await readBatchReport(db.connection, id);
    // A finished batch has a report, not progress (the load may still be reading it back).
    const progress = report && report.status !== 'processing' ? null : ingest.progress(id);
    if (!report && !progress) throw new HttpError(404, `no batch ${id}`);
    // Between the stored upload and the batch's first row, only the progress exists.
    response.json(report ? { ...shownReport(report), jurisdiction, progress } : { batchId: id, status: 'received', jurisdiction, progress });
  });

  /** Every rejected record of a batch as CSV (line, record id, field, message), for the office to fix. */
  router.get('/api/batches/:id/errors.csv', requireRole('uploader', 'admin'), async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    const { id } = parseInput(BATCH_PATH, request.params);
    const jurisdiction = await visibleBatch(principalOf(response), id);
    const rows = await queries.rows(db.connection, 'batch_errors', { batch_id: id });
    await auditRequest(services, response, { action: 'batch.read_errors', target: id, detail: { jurisdiction, errors: rows.length } });
    response
      .type('text/csv')
      .attachment(`${id}-errors.csv`)
      .send(csvLine(['line', 'record_id', 'field', 'message']) + rows.map((r) => csvLine([r.line === null ? '' : String(r.line), String(r.record_id ?? ''), String(r.field ?? ''), String(r.message)])).join(''));
  });
  return router;
}
