/**
 * `GET /api/audit` (admin only): the audit log, newest first, filtered by actor, action (exact,
 * or a prefix as `token.*`), record id and time range; `before` pages back by sequence number.
 * Reading the log is itself logged: who looked at who read what is part of the record.
 */
import { Router } from 'express';
import { z } from 'zod';
import { queryAudit } from '../../pipeline/store/audit.ts';
import { auditRequest } from '../auth/audit-request.ts';
import { requireRole } from '../auth/principal.ts';
import { parseInput } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppServices } from '../services.ts';

/**
 * A date (midnight UTC) or an ISO date-time with an offset or Z. Turned into an instant by
 * `instant` in the handler, not by a zod transform: the OpenAPI document would drop its example.
 */
const INSTANT = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'expected YYYY-MM-DD or an ISO date-time such as 2024-03-01T12:00:00Z' });
const instant = (value: string | undefined) => (value !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);

const QUERY = z
  .strictObject({
    actor: z
      .string()
      .regex(/^(?:[a-z0-9]{12}|public|anonymous|cli:[\w.@ -]{1,64})$/, 'a token id, public, anonymous or cli:<user>')
      .optional()
      .describe('who acted: a token id, public, anonymous (a failed sign-in) or cli:<user>')
      .meta({ examples: ['anonymous'] }),
    action: z
      .string()
      .regex(/^[a-z][a-z_]*(?:\.[a-z_]+)*(?:\.\*)?$/, 'an action such as token.create, or a prefix such as token.*')
      .optional()
      .describe('an action (read.line_list), or a prefix of actions (read.*)')
      .meta({ examples: ['read.*'] }),
    record_id: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('entries naming this record').meta({ examples: [1] }),
    from: INSTANT.optional().describe('from this instant (inclusive)').meta({ examples: ['2024-01-01'] }),
    to: INSTANT.optional().describe('until this instant (exclusive)').meta({ examples: ['2099-01-01T00:00:00Z'] }),
    before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().describe('entries before this sequence number (the previous answer\'s next.before)').meta({ examples: [1000] }),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });

/** For the OpenAPI document (server/openapi.ts). */
export const AUDIT_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/audit',
    summary: 'The audit log, newest first: who read which records, who changed what, failed sign-ins',
    description: 'Append-only. Filters combine; `before` pages back. Reading the log is itself logged (audit.read).',
    tags: ['auth'],
    callers: ['admin'],
    query: QUERY,
    responses: { '200': { description: '{ entries, next }: next is { before } when there may be more.' } },
  },
];

export function auditRoutes(services: AppServices): Router {
  const { db, queries } = services;
  const router = Router();
  router.get('/api/audit', requireRole('admin'), async (request, response) => {
    const q = parseInput(QUERY, request.query);
    const entries = await queryAudit(db.connection, queries, { actor: q.actor, action: q.action, recordId: q.record_id, from: instant(q.from), to: instant(q.to), before: q.before, limit: q.limit });
    await auditRequest(services, response, { action: 'audit.read', detail: { filters: request.query, entries: entries.length } });
    response.json({ entries, next: entries.length === q.limit ? { before: entries.at(-1)!.seq } : null });
  });
  return router;
}
