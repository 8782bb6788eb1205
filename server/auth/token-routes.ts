/**
 * Token management over the API, for an admin while the server holds the database (the CLI
 * cannot open it then): `GET /api/tokens` lists every token (never a secret or its hash),
 * `POST /api/tokens` creates one and shows its secret in that answer only, and
 * `POST /api/tokens/:id/revoke` revokes one (it is kept: the audit log names it). Each change is
 * in the audit log with the admin who made it.
 */
import { Router } from 'express';
import { z } from 'zod';
import { createToken, listTokens, revokeToken, JURISDICTION_CODE, TOKEN_ROLES } from '../../pipeline/store/tokens.ts';
import { HttpError, parseInput, NO_PARAMETERS } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppServices } from '../services.ts';
import { auditRequest } from './audit-request.ts';
import { principalOf, requireRole } from './principal.ts';

const TOKEN_ID = z.string().regex(/^[a-z0-9]{12}$/, 'not a token id');
const TOKEN_PATH = z.strictObject({ id: TOKEN_ID.describe('the token id (12 lower-case letters and digits)') });
const NEW_TOKEN = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    role: z.enum(TOKEN_ROLES),
    jurisdictions: z.array(z.string().regex(JURISDICTION_CODE, 'a two-letter code such as MA')).max(60).optional(),
  })
  .refine((t) => t.role !== 'uploader' || (t.jurisdictions?.length ?? 0) > 0, { message: 'an uploader token needs at least one jurisdiction', path: ['jurisdictions'] })
  .refine((t) => t.role === 'uploader' || t.jurisdictions === undefined, { message: 'only uploader tokens are scoped to jurisdictions', path: ['jurisdictions'] });

/** For the OpenAPI document (server/openapi.ts). */
export const TOKEN_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/tokens',
    summary: 'Every API token: id, name, role, jurisdictions, created and revoked (never a secret or its hash)',
    tags: ['auth'],
    callers: ['admin'],
    query: NO_PARAMETERS,
    responses: { '200': { description: '{ tokens }' } },
  },
  {
    method: 'post',
    path: '/api/tokens',
    summary: 'Create a token; its secret is in this answer only',
    description: 'An uploader token names one or more jurisdictions; other roles take none. Audited (token.create).',
    tags: ['auth'],
    callers: ['admin'],
    query: NO_PARAMETERS,
    body: { description: 'name, role, and an uploader\'s jurisdictions', mediaTypes: ['application/json'], schema: NEW_TOKEN },
    responses: { '201': { description: '{ token, tokenId, name, role, jurisdictions, …, notice }' } },
  },
  {
    method: 'post',
    path: '/api/tokens/:id/revoke',
    summary: 'Revoke a token (it is kept, revoked, so the audit log can name it)',
    tags: ['auth'],
    callers: ['admin'],
    query: NO_PARAMETERS,
    pathParameters: TOKEN_PATH,
    responses: { '200': { description: 'The revoked token (no secret).' }, '404': { description: 'No such token.' } },
  },
];

export function tokenRoutes(services: AppServices): Router {
  const { db, commitLock } = services;
  const router = Router();
  const adminOnly = requireRole('admin');

  router.get('/api/tokens', adminOnly, async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    response.json({ tokens: await listTokens(db.connection) });
  });

  router.post('/api/tokens', adminOnly, async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    const spec = parseInput(NEW_TOKEN, request.body ?? {});
    const admin = principalOf(response);
    const createdBy = admin.kind === 'token' ? admin.tokenId : 'public';
    const { token, info } = await commitLock.run(() => createToken(db.connection, { ...spec, createdBy }));
    await auditRequest(services, response, { action: 'token.create', target: info.tokenId, detail: { name: info.name, role: info.role, jurisdictions: info.jurisdictions } });
    response.status(201).json({ token, ...info, notice: 'This is the only time the token is shown: store it now.' });
  });

  router.post('/api/tokens/:id/revoke', adminOnly, async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    const { id } = parseInput(TOKEN_PATH, request.params);
    const revoked = await commitLock.run(() => revokeToken(db.connection, id));
    if (!revoked) throw new HttpError(404, `no token ${id}`);
    await auditRequest(services, response, { action: 'token.revoke', target: id, detail: { name: revoked.name, role: revoked.role } });
    response.json(revoked);
  });
  return router;
}
