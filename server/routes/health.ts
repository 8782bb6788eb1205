import { Router } from 'express';
import type { AppServices } from '../services.ts';

/** Liveness and the basics an operator checks first: the database answers, and which schema. Public. */
export function healthRoutes({ db, queries }: AppServices): Router {
  const router = Router();
  router.get('/api/health', async (_request, response) => {
    const [row] = await queries.rows(db.connection, 'schema_version');
    response.json({ status: 'ok', schemaVersion: Number(row?.schema_version ?? 0), time: new Date().toISOString() });
  });
  return router;
}
