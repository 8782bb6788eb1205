/**
 * One error vocabulary and one error handler. A 4xx names the bad value so the caller can fix
 * it; a 5xx says nothing internal (the log has the details, tied to the request id, which the
 * answer carries). Errors raised by libraries (body parsers, multer) are answered with a message
 * of our own: theirs can quote the request body back.
 */
import http from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A month parameter, YYYY-MM (from/to of the aggregates, combinations and reports). */
/** The query of a route that takes no parameters: anything given is refused, by name. */
export const NO_PARAMETERS = z.strictObject({});

export const yearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM');

/** Parses request input with a zod schema; a failure is a 400 naming each bad parameter and value. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const record = (input ?? {}) as Record<string, unknown>;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const value = key in record ? JSON.stringify(record[key]) : 'missing';
    return key ? `invalid ${key}: ${value} (${issue.message})` : issue.message;
  });
  throw new HttpError(400, problems.join('; '));
}

export const notFound: RequestHandler = (request, _response, next) => {
  next(new HttpError(404, `no route for ${request.method} ${request.path}`));
};

/** body-parser's error types (https://github.com/expressjs/body-parser#errors), in our words. */
const BODY_PARSER_MESSAGES: Record<string, (error: { limit?: number }) => string> = {
  'entity.parse.failed': () => 'invalid JSON body',
  'entity.too.large': (e) => `request body too large${e.limit ? ` (limit ${e.limit} bytes)` : ''}`,
  'entity.verify.failed': () => 'request body failed verification',
  'encoding.unsupported': () => 'unsupported Content-Encoding',
  'charset.unsupported': () => 'unsupported charset: send UTF-8',
  'parameters.too.many': () => 'too many form parameters',
  'request.aborted': () => 'request aborted while its body was read',
  'request.size.invalid': () => 'request body size does not match Content-Length',
  'stream.encoding.set': () => 'bad request body',
  'stream.not.readable': () => 'bad request body',
};

/** The message a library's 4xx error is answered with: never its own text. */
function libraryMessage(error: { type?: unknown; limit?: number }, status: number): string {
  const known = typeof error.type === 'string' ? BODY_PARSER_MESSAGES[error.type] : undefined;
  return known ? known(error) : (http.STATUS_CODES[status] ?? 'Bad Request');
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, request, response, _next) => {
    const known = error instanceof HttpError;
    // Errors raised by body parsers carry a status of their own.
    const status = known ? error.status : typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    const requestId = typeof response.locals.requestId === 'string' ? response.locals.requestId : undefined;
    if (status >= 500) logger.error({ err: error, requestId, method: request.method, url: request.originalUrl }, 'request failed');
    const message = status >= 500 ? 'Internal Server Error' : known ? error.message : libraryMessage(error as { type?: unknown; limit?: number }, status);
    const body: { error: { status: number; message: string; details?: unknown; requestId?: string } } = { error: { status, message } };
    if (known && status < 500 && error.details !== undefined) body.error.details = error.details;
    if (requestId) body.error.requestId = requestId;
    // A stream that failed mid-answer: cut the connection, so the client sees a truncated answer as one.
    if (response.headersSent) return void response.destroy();
    response.status(status).json(body);
  };
}
