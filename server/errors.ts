/**
 * One error vocabulary and one error handler. A 4xx names the bad value so the caller can fix
 * it; a 5xx says nothing internal (the log has the details, tied to the request id).
 */
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

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, request, response, _next) => {
    const known = error instanceof HttpError;
    // Errors raised by body parsers and multer carry a status of their own.
    const status = known ? error.status : typeof error?.status === 'number' && error.status < 500 ? error.status : 500;
    if (status >= 500) logger.error({ err: error, method: request.method, url: request.originalUrl }, 'request failed');
    const message = status >= 500 ? 'Internal Server Error' : error instanceof Error ? error.message : String(error);
    const body: { error: { status: number; message: string; details?: unknown } } = { error: { status, message } };
    if (known && error.details !== undefined) body.error.details = error.details;
    response.status(status).json(body);
  };
}
