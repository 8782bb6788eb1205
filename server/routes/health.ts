/** `GET /api/health`: liveness and the basics an operator checks first: the database answers, and which schema. Public. */
import { Router } from 'express';
import { z } from 'zod';
import { parseInput, NO_PARAMETERS } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppServices } from '../services.ts';


/** For the OpenAPI document (server/openapi.ts). */
export const HEALTH_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/health',
    summary: 'Liveness: the database answers, with its schema version and the server time',
    tags: ['meta'],
    callers: ['public', 'admin', 'uploader', 'coder', 'epidemiologist'],
    query: NO_PARAMETERS,
    responses: { '200': { description: 'The server and its database are up.', schema: z.object({ status: z.literal('ok'), schemaVersion: z.number().int(), time: z.string() }) } },
  },
];

export function healthRoutes({ db, queries }: AppServices): Router {
  const router = Router();
  router.get('/api/health', async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    const [row] = await queries.rows(db.connection, 'schema_version');
    response.json({ status: 'ok', schemaVersion: Number(row?.schema_version ?? 0), time: new Date().toISOString() });
  });
  return router;
}
