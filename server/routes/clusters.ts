/**
 * `GET /api/clusters`: the space-time clusters a detection run found (the latest run by default):
 * per cluster its source and measure, centre county, member counties (nearest first) and their
 * states, radius, start and end day, observed and expected cases, relative risk, log likelihood
 * ratio, p-value and recurrence interval (days). Filters: source, measure, max_p, state, run.
 * JSON (with the run: when it ran, the days analysed, its summary) or Arrow IPC (one row per
 * cluster; counties and states joined by spaces). Epidemiologists and admins only: clusters are
 * small counts in small places.
 */
import { Router } from 'express';
import { z } from 'zod';
import { ARROW_MEDIA_TYPE, rowsToArrow, sendArrow, wantsArrow, type ColumnType } from '../arrow.ts';
import { requireRole } from '../auth/principal.ts';
import { HttpError, parseInput } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppServices } from '../services.ts';

const QUERY = z.strictObject({
  source: z.enum(['deaths', 'ed', 'all']).default('all'),
  measure: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a death measure or syndrome id (lower case, digits, _)').optional().meta({ examples: ['synthetic_opioid'] }),
  max_p: z.coerce.number().gt(0).max(1).default(1),
  state: z.string().regex(/^\d{2}$/, 'a two-digit state FIPS code').optional().meta({ examples: ['39'] }),
  run: z.uuid('a detection run id').optional(),
  format: z.enum(['json', 'arrow']).optional(),
});

export const CLUSTER_COLUMNS: Record<string, ColumnType> = {
  source: 'utf8',
  measure: 'utf8',
  method: 'utf8',
  rank: 'int32',
  centre: 'utf8',
  counties: 'utf8',
  states: 'utf8',
  radius_km: 'float64',
  start_date: 'utf8',
  end_date: 'utf8',
  days: 'int32',
  observed: 'int32',
  expected: 'float64',
  relative_risk: 'float64',
  llr: 'float64',
  p_value: 'float64',
  recurrence_interval_days: 'float64',
  study_start: 'utf8',
  total_cases: 'int32',
  replicates: 'int32',
  seed: 'int32',
};

/** For the OpenAPI document (server/openapi.ts). */
export const CLUSTER_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/clusters',
    summary: 'Space-time clusters of the latest detection run (or of `run`)',
    description:
      'The prospective space-time permutation scan (Kulldorff 2005, as SaTScan) over counties × days: ED syndromes and overdose deaths. ' +
      'Per cluster: centre and member counties, radius (km), start and end day, observed and expected, relative risk, log likelihood ratio, p-value (999 replicates) and recurrence interval in days. Only p ≤ 0.05 is stored.',
    tags: ['detection'],
    callers: ['admin', 'epidemiologist'],
    query: QUERY,
    responses: {
      '200': { description: 'The run and its clusters (JSON), or one row per cluster (Arrow IPC).', mediaTypes: ['application/json', ARROW_MEDIA_TYPE] },
      '404': { description: 'No detection run with that id.' },
    },
  },
];

/** The run asked for (latest when none), parsed; null when there is none (no run yet, or an unknown id). */
export async function detectionRun({ db, queries }: Pick<AppServices, 'db' | 'queries'>, runId: string | undefined) {
  const [run] = await queries.rows(db.connection, 'detection_run', { run_id: runId ?? '' });
  if (!run) return null;
  return { ...run, summary: JSON.parse(String(run.summary)) as unknown } as { run_id: string; computed_at: string; deaths_through: string | null; ed_through: string | null; summary: unknown };
}

export function clusterRoutes(services: AppServices): Router {
  const { db, queries } = services;
  const router = Router();
  router.get('/api/clusters', requireRole('admin', 'epidemiologist'), async (request, response) => {
    const query = parseInput(QUERY, request.query);
    const run = await detectionRun(services, query.run);
    // An unknown run id asks for something that does not exist: not an empty answer.
    if (!run && query.run) throw new HttpError(404, `no detection run ${query.run}`);
    const rows = run
      ? await queries.rows(db.connection, 'run_clusters', { run_id: run.run_id, source: query.source, measure: query.measure ?? '', max_p: query.max_p, state: query.state ?? '' })
      : [];
    if (wantsArrow(request, query.format)) {
      const flat = rows.map((row) => ({ ...row, counties: (row.counties as string[]).join(' '), states: (row.states as string[]).join(' ') }));
      sendArrow(response, rowsToArrow(flat, CLUSTER_COLUMNS));
      return;
    }
    response.json({ run, clusters: rows });
  });
  return router;
}
