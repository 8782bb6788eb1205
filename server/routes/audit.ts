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
import type { AppServices } from '../services.ts';

/** A date (midnight UTC) or an ISO date-time with an offset or Z. */
const INSTANT = z.union([z.iso.date().transform((d) => `${d}T00:00:00Z`), z.iso.datetime({ offset: true })], { error: 'expected YYYY-MM-DD or an ISO date-time such as 2024-03-01T12:00:00Z' });

const QUERY = z
  .strictObject({
    actor: z.string().regex(/^(?:[a-z0-9]{12}|public|anonymous|cli:[\w.@ -]{1,64})$/, 'a token id, public, anonymous or cli:<user>').optional(),
    action: z.string().regex(/^[a-z][a-z_]*(?:\.[a-z_]+)*(?:\.\*)?$/, 'an action such as token.create, or a prefix such as token.*').optional(),
    record_id: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    from: INSTANT.optional(),
    to: INSTANT.optional(),
    before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });

export function auditRoutes(services: AppServices): Router {
  const { db, queries } = services;
  const router = Router();
  router.get('/api/audit', requireRole('admin'), async (request, response) => {
    const q = parseInput(QUERY, request.query);
    const entries = await queryAudit(db.connection, queries, { actor: q.actor, action: q.action, recordId: q.record_id, from: q.from, to: q.to, before: q.before, limit: q.limit });
    await auditRequest(services, response, { action: 'audit.read', detail: { filters: request.query, entries: entries.length } });
    response.json({ entries, next: entries.length === q.limit ? { before: entries.at(-1)!.seq } : null });
  });
  return router;
}
