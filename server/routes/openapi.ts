/**
 * `GET /api/openapi.json`: the OpenAPI 3.1 document of the documented routes (server/openapi.ts),
 * built once when the router is made.
 */
import { Router } from 'express';
import { z } from 'zod';
import { parseInput } from '../errors.ts';
import { openApiDocument, type RouteDoc } from '../openapi.ts';

const NO_PARAMETERS = z.strictObject({});

export const OPENAPI_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This API described as an OpenAPI 3.1 document',
    tags: ['meta'],
    callers: ['public'],
    query: NO_PARAMETERS,
    responses: { '200': { description: 'The OpenAPI document (generated from the routes\' own zod schemas).' } },
  },
];

export const API_INFO = {
  title: 'vigil',
  version: '0.1.0',
  description:
    'Public-health surveillance: death certificates and ED visits coded to ICD-10, aggregated with rates, confidence intervals and small-number suppression. ' +
    'Without a token a caller is the public and sees suppressed aggregates; a token (Authorization: Bearer vgl_...) carries one role.',
};

export function openapiRoutes(routes: readonly RouteDoc[]): Router {
  const document = openApiDocument([...routes, ...OPENAPI_ROUTES], API_INFO);
  const router = Router();
  router.get('/api/openapi.json', (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    response.set('Cache-Control', 'no-cache').json(document);
  });
  return router;
}
