/**
 * CORS, closed by default: no Access-Control-Allow-Origin on any answer and every preflight
 * refused, so a page on another site cannot call the API from a visitor's browser (the served
 * dashboard is same-origin and needs none). VIGIL_CORS_ORIGINS lists the origins to grant.
 * Tokens travel in the Authorization header, never in cookies, so credentials are never allowed.
 */
import type { RequestHandler } from 'express';
import { HttpError } from '../errors.ts';

const ALLOWED_METHODS = 'GET, HEAD, POST';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Prefer';
const EXPOSED_HEADERS = 'Location, X-Request-Id, RateLimit, RateLimit-Policy, Retry-After';

export function cors(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (request, response, next) => {
    const origin = request.get('origin');
    const preflight = request.method === 'OPTIONS' && request.get('access-control-request-method') !== undefined;
    if (origin === undefined) return next();
    response.vary('Origin');
    if (!allowed.has(origin)) {
      // A same-origin POST carries Origin too: only a preflight is refused outright; any other
      // request goes on, and without the header the browser keeps the answer from a foreign page.
      return preflight ? next(new HttpError(403, `cross-origin requests from ${JSON.stringify(origin)} are not allowed (VIGIL_CORS_ORIGINS)`)) : next();
    }
    response.set('Access-Control-Allow-Origin', origin);
    if (!preflight) {
      response.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
      return next();
    }
    response.set({ 'Access-Control-Allow-Methods': ALLOWED_METHODS, 'Access-Control-Allow-Headers': ALLOWED_HEADERS, 'Access-Control-Max-Age': '600' });
    response.status(204).end();
  };
}
