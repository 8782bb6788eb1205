/**
 * ED syndrome definitions: `GET /api/syndromes` lists every version (built-in and users' own,
 * which is active); `POST /api/syndromes` adds a new version of a definition (a new id starts at
 * version 1) in the ESSENCE free-text syntax and makes it active. Every ED visit loaded from then
 * on is evaluated against it, and the visits already loaded are re-evaluated in the background (a
 * recode run); a query that does not parse is a 400 naming the position. Definitions are not
 * sensitive (the built-ins follow the public CDC NSSP CCDD): anyone may read them; only an admin
 * changes them, and each change is in the audit log.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { SyndromeDefinitionInput } from '../../pipeline/coding/ed/syndromes/definition.ts';
import { validateDefinition } from '../../pipeline/coding/ed/syndromes/definition.ts';
import { recordJobRun } from '../../pipeline/jobs/job-runs.ts';
import { recodeStaleEd } from '../../pipeline/jobs/recode-ed.ts';
import { addDefinitionVersion, listDefinitions } from '../../pipeline/store/syndrome-definitions.ts';
import { auditRequest } from '../auth/audit-request.ts';
import { principalOf, requireRole } from '../auth/principal.ts';
import { HttpError, parseInput, NO_PARAMETERS } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppServices } from '../services.ts';

const PART = z.string().min(1).max(20_000).optional();
const DEFINITION = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/, 'lower-case letters, digits and _ (2-41 characters), starting with a letter'),
  name: z.string().min(1).max(200),
  description: z.string().max(4000).default(''),
  source: z.string().max(1000).optional(),
  query: PART,
  diagnosisCodes: PART,
  autoIncludeTerms: PART,
  overdoseTerms: PART,
  drugTerms: PART,
  exclusions: PART,
});


/** For the OpenAPI document (server/openapi.ts). */
export const SYNDROME_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/syndromes',
    summary: 'ED syndrome definitions: every version, built-in and users\' own, and which is active',
    tags: ['syndromes'],
    callers: ['public', 'admin', 'uploader', 'coder', 'epidemiologist'],
    query: NO_PARAMETERS,
    responses: { '200': { description: '{ definitions }: each with id, version, name, description, its parts, active, builtin, created_at, created_by.' } },
  },
  {
    method: 'post',
    path: '/api/syndromes',
    summary: 'Add a version of a syndrome definition (ESSENCE free-text syntax) and make it active',
    description:
      'A new id starts at version 1. Every ED visit loaded from then on is evaluated against it, and the visits already loaded are re-evaluated in the background (a recode run). ' +
      'A query that does not parse is a 400 naming the position. Audited (syndrome.define).',
    tags: ['syndromes'],
    callers: ['admin'],
    query: NO_PARAMETERS,
    body: { description: 'The definition: id, name, and its query or parts', mediaTypes: ['application/json'], schema: DEFINITION },
    responses: { '201': { description: '{ id, version, active: true, reevaluation: "started" }' } },
  },
];

export function syndromeRoutes(services: AppServices): Router {
  const { db, edCoding, commitLock, logger } = services;
  const router = Router();
  router.get('/api/syndromes', async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    response.json({ definitions: await listDefinitions(db.connection) });
  });

  // The body is parsed by app.ts's JSON parser (1 MB); every part is capped by the schema.
  router.post('/api/syndromes', requireRole('admin'), async (request, response) => {
    parseInput(NO_PARAMETERS, request.query);
    const input = parseInput(DEFINITION, request.body ?? {});
    const candidate = { ...input, version: 1, active: true } as SyndromeDefinitionInput;
    const errors = validateDefinition(candidate).filter((issue) => issue.severity === 'error');
    if (errors.length > 0) throw new HttpError(400, `invalid definition ${input.id}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    const principal = principalOf(response);
    const createdBy = principal.kind === 'token' ? principal.tokenId : null;
    const version = await commitLock.run(() => addDefinitionVersion(db.connection, input as Omit<SyndromeDefinitionInput, 'version'>, createdBy));
    await auditRequest(services, response, { action: 'syndrome.define', target: `${input.id}@${version}`, detail: { id: input.id, version, name: input.name } });
    await edCoding.reload(db.connection);
    // Every visit already loaded is evaluated against the new definition, in the background (the
    // job-run log records it as a manual recode run).
    void recordJobRun(db, 'recode', 'manual', () => recodeStaleEd(db, edCoding.current(), commitLock)).catch((error: unknown) => logger.error({ err: error }, 'ED recode after a definition change failed'));
    response.status(201).location(`/api/syndromes`).json({ id: input.id, version, active: true, reevaluation: 'started' });
  });
  return router;
}
