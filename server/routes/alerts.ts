/**
 * `GET /api/alerts`: the latest detection run's results (the detect job), alerts and warnings by
 * default, with at least `min_observed` cases (default 1). Each row: source, measure (death measure or syndrome), level and geography, period,
 * method, observed, expected, threshold, p-value, status (ESSENCE colours), note.
 *
 * Small numbers: the public and uploaders (who see aggregates as the public does) are not shown
 * an alert whose observed count is 1-9 for a place below the nation; such alerts are left out
 * whole rather than shown with the count blanked, because expected, threshold and p-value
 * together give the count back (a Poisson p-value at a known expectation names the count).
 */
import { listValue } from '@duckdb/node-api';
import { Router } from 'express';
import { z } from 'zod';
import { principalOf, seesUnsuppressed } from '../auth/principal.ts';
import { parseInput } from '../errors.ts';
import type { AppServices } from '../services.ts';

const STATUSES = ['alert', 'warning', 'none', 'insufficient'] as const;
const QUERY = z.strictObject({
  source: z.enum(['deaths', 'ed', 'all']).default('all'),
  status: z
    .string()
    .default('alert,warning')
    .refine((v) => v.split(',').every((s) => (STATUSES as readonly string[]).includes(s)), `a comma-separated list of ${STATUSES.join(', ')}`),
  min_observed: z.coerce.number().int().min(0).max(1_000_000).default(1),
});

/** DOMAIN.md: sub-national counts of 1-9 are suppressed. */
export function isSmallSubnationalCount(row: Record<string, unknown>): boolean {
  const observed = Number(row.observed);
  return row.level !== 'nation' && observed >= 1 && observed <= 9;
}

export function alertRoutes({ db, queries }: AppServices): Router {
  const router = Router();
  router.get('/api/alerts', async (request, response) => {
    const { source, status, min_observed } = parseInput(QUERY, request.query);
    const rows = await queries.rows(db.connection, 'latest_alerts', { source, statuses: listValue(status.split(',')), min_observed });
    response.json({ alerts: seesUnsuppressed(principalOf(response)) ? rows : rows.filter((row) => !isSmallSubnationalCount(row)) });
  });
  return router;
}
