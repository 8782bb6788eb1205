/**
 * Failed sign-ins per client address: after `limit` requests whose token authentication refused
 * in a window of 10 minutes (from that address's first failure), the address gets 429 until the
 * window passes, whatever token it sends. Only requests that present a token are checked; the
 * public is never locked out by it.
 *
 * What counts is a response that finished (was sent whole) with the 401 or 403 that
 * `authenticate` gave a refused token (it marks the response: `markSignInRefused`). Nothing else
 * counts: not a request that succeeds, not a 403 for a role a route does not allow, and not a
 * response the client abandoned (a download cancelled half way): express-rate-limit, used here
 * before, counted every request up front and took it back only on a successful finish, so 25
 * aborted downloads with a good token locked the address out.
 *
 * The counts live in the limiter (one per app), not in a module-level store.
 */
import type { RequestHandler, Response } from 'express';
import { HttpError } from '../errors.ts';

export const AUTH_FAILURE_WINDOW_MS = 10 * 60_000;

/** Addresses held before expired windows are swept (a sweep is O(addresses), so not every request). */
const SWEEP_AT = 10_000;

const REFUSED = Symbol('sign-in refused');

/** Called by authentication when it refuses the token this response answers. */
export function markSignInRefused(response: Response): void {
  (response.locals as Record<symbol, unknown>)[REFUSED] = true;
}

function wasRefused(response: Response): boolean {
  return (response.locals as Record<symbol, unknown>)[REFUSED] === true;
}

interface Window {
  failures: number;
  resetAt: number;
}

export function authFailureLimit(limit: number, options: { windowMs?: number; now?: () => number } = {}): RequestHandler {
  const windowMs = options.windowMs ?? AUTH_FAILURE_WINDOW_MS;
  const now = options.now ?? Date.now;
  const windows = new Map<string, Window>();

  const current = (address: string): Window | undefined => {
    const window = windows.get(address);
    if (window && window.resetAt <= now()) {
      windows.delete(address);
      return undefined;
    }
    return window;
  };

  const countFailure = (address: string) => {
    const window = current(address);
    if (window) window.failures++;
    else {
      if (windows.size >= SWEEP_AT) for (const [key, w] of windows) if (w.resetAt <= now()) windows.delete(key);
      windows.set(address, { failures: 1, resetAt: now() + windowMs });
    }
  };

  return (request, response, next) => {
    if ((request.get('authorization') ?? '').trim() === '') return next();
    const address = request.ip ?? 'unknown';
    const window = current(address);
    if (window && window.failures >= limit) {
      response.set('Retry-After', String(Math.max(1, Math.ceil((window.resetAt - now()) / 1000))));
      return next(new HttpError(429, `too many failed sign-ins from this address: try again in ${Math.ceil(windowMs / 60_000)} minutes`));
    }
    response.on('finish', () => {
      if (wasRefused(response) && (response.statusCode === 401 || response.statusCode === 403)) countFailure(address);
    });
    next();
  };
}
