/**
 * Failed sign-ins per client address: after `limit` requests with a token that was refused in
 * 10 minutes, that address gets 429 until the window passes, whatever token it sends. Only
 * requests that present a token count, and only those answered 401 (express-rate-limit counts a
 * request and takes it back once it succeeds); the public is never locked out by it.
 */
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { HttpError } from '../errors.ts';

export const AUTH_FAILURE_WINDOW_MS = 10 * 60_000;

export function authFailureLimit(limit: number): RequestHandler {
  return rateLimit({
    windowMs: AUTH_FAILURE_WINDOW_MS,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skip: (request) => (request.get('authorization') ?? '').trim() === '',
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_request, response) => response.statusCode !== 401,
    handler: (_request, _response, next) => next(new HttpError(429, `too many failed sign-ins from this address: try again in ${AUTH_FAILURE_WINDOW_MS / 60_000} minutes`)),
  });
}
