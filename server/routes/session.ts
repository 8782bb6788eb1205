/**
 * `GET /api/session`: who the caller is, for the dashboard's sign-in: the token's id, name,
 * role and jurisdictions, or `{ role: 'public' }` without a token (a bad token never gets here:
 * it is a 401 at authentication).
 */
import { Router } from 'express';
import { principalOf } from '../auth/principal.ts';

export function sessionRoutes(): Router {
  const router = Router();
  router.get('/api/session', (_request, response) => {
    const principal = principalOf(response);
    if (principal.kind === 'public') return void response.json({ role: 'public' });
    response.json({ role: principal.role, name: principal.name, jurisdictions: principal.jurisdictions, tokenId: principal.tokenId });
  });
  return router;
}
