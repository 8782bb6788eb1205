import { Router } from 'express';
import type { AppServices } from '../services.ts';

/** Liveness and the basics an operator checks first: the database answers, and which schema. */
export function healthRoutes({ db }: AppServices): Router {
  const router = Router();
  router.get('/api/health', async (_request, response) => {
    const rows = (await db.connection.runAndReadAll('SELECT max(version) AS schema_version FROM schema_version')).getRowObjectsJson();
    response.json({ status: 'ok', schemaVersion: Number(rows[0]?.schema_version ?? 0), time: new Date().toISOString() });
  });
  return router;
}
