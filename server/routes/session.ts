/**
 * `GET /api/session`: who the caller is, for the dashboard's sign-in: the token's id, name,
 * role and jurisdictions, or `{ role: 'public' }` without a token (a bad token never gets here:
 * it is a 401 at authentication).
 */
import { Router } from 'express';
import { z } from 'zod';
import { principalOf, ROLES } from '../auth/principal.ts';
import { parseInput, NO_PARAMETERS } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';


/** For the OpenAPI document (server/openapi.ts). */
export const SESSION_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/session',
    summary: 'Who the caller is: the public, or the token (id, name, role, jurisdictions)',
    tags: ['auth'],
    callers: ['public', 'admin', 'uploader', 'coder', 'epidemiologist'],
    query: NO_PARAMETERS,
    responses: {
      '200': {
        description: '{ role: "public" }, or the token: jurisdictions are an uploader\'s, null for other roles.',
        schema: z.union([
          z.object({ role: z.literal('public') }),
          z.object({ role: z.enum(ROLES), name: z.string(), jurisdictions: z.array(z.string()).nullable(), tokenId: z.string() }),
        ]),
      },
    },
  },
];

export function sessionRoutes(): Router {
  const router = Router();
  router.get('/api/session', (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    const principal = principalOf(response);
    if (principal.kind === 'public') return void response.json({ role: 'public' });
    response.json({ role: principal.role, name: principal.name, jurisdictions: principal.jurisdictions, tokenId: principal.tokenId });
  });
  return router;
}
