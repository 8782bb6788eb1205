/**
 * Sets `response.locals.principal` from `Authorization: Bearer vgl_…`. No header is the public;
 * a header with a bad, unknown or revoked token is a 401 (never silently the public: a caller
 * who meant to sign in must learn that it did not work), and the failure is written to the audit
 * log with the client address and the reason, never the presented token. A token id is logged
 * only when it names a stored token (a revoked token still in use is worth an admin's look). The
 * refusal is marked on the response for the failed sign-in limit (auth-failure-limit.ts).
 *
 * Answers to a signed-in caller are `Cache-Control: private, no-store`, and every API answer
 * varies by Authorization: what one token was shown must not be served from a cache to another.
 */
import type { RequestHandler } from 'express';
import { checkToken, type TokenRefusal } from '../../pipeline/store/tokens.ts';
import { appendAudit } from '../../pipeline/store/audit.ts';
import { HttpError } from '../errors.ts';
import type { AppServices } from '../services.ts';
import { markSignInRefused } from './auth-failure-limit.ts';
import { PUBLIC, requestIdOf, type Principal } from './principal.ts';

const MESSAGES: Record<TokenRefusal['reason'] | 'scheme', string> = {
  scheme: 'invalid Authorization header: expected "Bearer <token>"',
  malformed: 'invalid API token: not a vigil token (vgl_…)',
  unknown: 'invalid or revoked API token',
  'wrong-secret': 'invalid or revoked API token',
  revoked: 'invalid or revoked API token',
};

export function authenticate(services: Pick<AppServices, 'db' | 'logger'>): RequestHandler {
  const { db, logger } = services;
  return (request, response, next) => {
    response.vary('Authorization');
    const header = request.get('authorization');
    if (header === undefined || header.trim() === '') {
      response.locals.principal = PUBLIC;
      return next();
    }
    response.set('Cache-Control', 'private, no-store');
    const refuse = (refusal: TokenRefusal | { reason: 'scheme' }) => {
      markSignInRefused(response); // what the failed sign-in limit counts, once the 401 is sent
      const tokenId = 'tokenId' in refusal ? refusal.tokenId : null;
      logger.warn({ requestId: requestIdOf(response), ip: request.ip, reason: refusal.reason, tokenId }, 'failed sign-in');
      appendAudit(db, {
        actor: 'anonymous',
        role: 'public',
        action: 'auth.failed',
        target: tokenId,
        detail: { reason: refusal.reason, ip: request.ip ?? null, method: request.method, path: request.baseUrl + request.path },
        requestId: requestIdOf(response),
      }).then(
        () => next(new HttpError(401, MESSAGES[refusal.reason])),
        (error: unknown) => next(error),
      );
    };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return refuse({ reason: 'scheme' });
    checkToken(db.connection, match[1]!).then(
      (check) => {
        if (!check.ok) return refuse(check);
        const principal: Principal = { kind: 'token', tokenId: check.tokenId, name: check.name, role: check.role, jurisdictions: check.jurisdictions };
        response.locals.principal = principal;
        next();
      },
      (error: unknown) => next(error),
    );
  };
}
