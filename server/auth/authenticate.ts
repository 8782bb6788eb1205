/**
 * Sets `response.locals.principal` from `Authorization: Bearer vgl_…`. No header is the public;
 * a header with a bad, unknown or revoked token is a 401 (never silently the public: a caller
 * who meant to sign in must learn that it did not work).
 */
import type { RequestHandler } from 'express';
import { verifyToken } from '../../pipeline/store/tokens.ts';
import { HttpError } from '../errors.ts';
import type { AppServices } from '../services.ts';
import { PUBLIC, type Principal } from './principal.ts';

export function authenticate({ db }: Pick<AppServices, 'db'>): RequestHandler {
  return (request, response, next) => {
    const header = request.get('authorization');
    if (header === undefined || header.trim() === '') {
      response.locals.principal = PUBLIC;
      return next();
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return next(new HttpError(401, 'invalid Authorization header: expected "Bearer <token>"'));
    verifyToken(db.connection, match[1]!).then(
      (info) => {
        if (!info) return next(new HttpError(401, 'invalid or revoked API token'));
        const principal: Principal = { kind: 'token', tokenId: info.tokenId, name: info.name, role: info.role, jurisdictions: info.jurisdictions };
        response.locals.principal = principal;
        next();
      },
      (error: unknown) => next(error),
    );
  };
}
