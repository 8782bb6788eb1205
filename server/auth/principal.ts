/**
 * Who is calling: the public (no token) or a token with one role. Set on every request by
 * `authenticate` (authenticate.ts) as `response.locals.principal`; routes read it with
 * `principalOf` and guard themselves with `requireRole`.
 *
 * What each role may do (test/authz-matrix.ts holds the policy of every route, and
 * test/authz.test.ts checks it for every role):
 * - admin: everything, including tokens, definitions, lexicon approvals and the audit log;
 * - uploader: uploads, and its own jurisdictions' batches only; aggregates and alerts as the
 *   public sees them;
 * - coder: the review queue and corrections, record-level read; unsuppressed aggregates;
 * - epidemiologist: record-level read (line lists), unsuppressed aggregates, alerts, clusters, jobs;
 * - public: suppressed aggregates, alerts without small counts, reports, definitions.
 */
import type { NextFunction, Request, Response } from 'express';
import { TOKEN_ROLES, type TokenRole } from '../../pipeline/store/tokens.ts';
import { HttpError } from '../errors.ts';

export const ROLES = TOKEN_ROLES;
export type Role = TokenRole;

export type Principal =
  | { kind: 'public' }
  | {
      kind: 'token';
      tokenId: string;
      name: string;
      role: Role;
      /** The jurisdictions an uploader may upload for; null for roles without that scope. */
      jurisdictions: readonly string[] | null;
    };

export const PUBLIC: Principal = Object.freeze({ kind: 'public' });

export function principalOf(response: Response): Principal {
  return (response.locals.principal as Principal | undefined) ?? PUBLIC;
}

export function roleOf(principal: Principal): Role | 'public' {
  return principal.kind === 'public' ? 'public' : principal.role;
}

/** Roles that see aggregates without small-number suppression (they may read the records anyway). */
export function seesUnsuppressed(principal: Principal): boolean {
  const role = roleOf(principal);
  return role === 'admin' || role === 'epidemiologist' || role === 'coder';
}

/** Roles that may read record-level data (line lists, record text, traces). */
export function readsRecords(principal: Principal): boolean {
  return seesUnsuppressed(principal);
}

/** May this principal act for the jurisdiction (upload for it, see its batches)? */
export function coversJurisdiction(principal: Principal, jurisdiction: string | null): boolean {
  if (principal.kind === 'public') return false;
  if (principal.role === 'admin') return true;
  if (principal.role !== 'uploader') return false;
  return jurisdiction !== null && (principal.jurisdictions ?? []).includes(jurisdiction);
}

/** The request id `app.ts` gives every request (also the X-Request-Id header and the log line's). */
export function requestIdOf(response: Response): string | null {
  return typeof response.locals.requestId === 'string' ? response.locals.requestId : null;
}

/** 401 without a token, 403 with a token of another role. */
export function requireRole(...roles: Role[]) {
  return (_request: Request, response: Response, next: NextFunction): void => {
    const principal = principalOf(response);
    if (principal.kind === 'public') return next(new HttpError(401, 'sign in: this needs an API token (Authorization: Bearer …)'));
    if (!roles.includes(principal.role)) return next(new HttpError(403, `a ${principal.role} token may not do this (needs ${roles.join(' or ')})`));
    next();
  };
}
