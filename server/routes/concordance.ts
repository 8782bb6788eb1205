/**
 * `GET /api/concordance`: ED syndrome alerts followed by rising deaths of the matching drug class
 * in the same place, as the latest detection run (or `run`) evaluated them
 * (pipeline/stats/concordance/README.md). Alerts and warnings by default; filters: status, level,
 * syndrome, death_measure, state. JSON (with the run) or Arrow IPC. Its own route rather than a
 * `kind` of /api/clusters: a signal is an ED alert episode and a death-rate test, not a
 * space-time cylinder, so the two share almost no column. Epidemiologists and admins only.
 */
import { listValue } from '@duckdb/node-api';
import { Router } from 'express';
import { z } from 'zod';
import { ARROW_MEDIA_TYPE, rowsToArrow, sendArrow, wantsArrow, type ColumnType } from '../arrow.ts';
import { requireRole } from '../auth/principal.ts';
import { HttpError, parseInput } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppServices } from '../services.ts';
import { detectionRun } from './clusters.ts';

const STATUSES = ['alert', 'warning', 'none', 'pending', 'insufficient'] as const;
const id = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'an id (lower case, digits, _)');
const QUERY = z.strictObject({
  status: z
    .string()
    .default('alert,warning')
    .refine((v) => v.split(',').every((s) => (STATUSES as readonly string[]).includes(s)), `a comma-separated list of ${STATUSES.join(', ')}`),
  level: z.enum(['county', 'state', 'nation', 'all']).default('all'),
  syndrome: id.optional().meta({ examples: ['fentanyl'] }),
  death_measure: id.optional().meta({ examples: ['synthetic_opioid'] }),
  state: z.string().regex(/^\d{2}$/, 'a two-digit state FIPS code').optional().meta({ examples: ['39'] }),
  run: z.uuid('a detection run id').optional(),
  format: z.enum(['json', 'arrow']).optional(),
});

export const CONCORDANCE_COLUMNS: Record<string, ColumnType> = {
  syndrome: 'utf8',
  death_measure: 'utf8',
  level: 'utf8',
  geography: 'utf8',
  ed_first_day: 'utf8',
  ed_last_day: 'utf8',
  ed_alert_days: 'int32',
  ed_min_p: 'float64',
  ed_visits: 'int32',
  window_start: 'utf8',
  window_end: 'utf8',
  window_weeks: 'int32',
  deaths_observed: 'int32',
  deaths_expected: 'float64',
  baseline_weeks: 'int32',
  baseline_deaths: 'int32',
  rate_ratio: 'float64',
  p_value: 'float64',
  status: 'utf8',
  note: 'utf8',
};

/** For the OpenAPI document (server/openapi.ts). */
export const CONCORDANCE_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/concordance',
    summary: 'ED alerts followed by rising deaths of the matching drug class in the same place',
    description:
      'Each ED syndrome alert episode of the last 8 weeks, in a county, state or the nation, against the paired death measure over the alert week and the 3 after it, ' +
      'tested one-sided and exactly against the place\'s own baseline rate (status alert p < 0.01, warning p < 0.05, none, pending, insufficient).',
    tags: ['detection'],
    callers: ['admin', 'epidemiologist'],
    query: QUERY,
    responses: {
      '200': { description: 'The run and its signals (JSON), or one row per signal (Arrow IPC).', mediaTypes: ['application/json', ARROW_MEDIA_TYPE] },
      '404': { description: 'No detection run with that id.' },
    },
  },
];

export function concordanceRoutes(services: AppServices): Router {
  const { db, queries } = services;
  const router = Router();
  router.get('/api/concordance', requireRole('admin', 'epidemiologist'), async (request, response) => {
    const query = parseInput(QUERY, request.query);
    const run = await detectionRun(services, query.run);
    if (!run && query.run) throw new HttpError(404, `no detection run ${query.run}`);
    const rows = run
      ? await queries.rows(db.connection, 'run_concordance', {
          run_id: run.run_id,
          statuses: listValue(query.status.split(',')),
          level: query.level,
          syndrome: query.syndrome ?? '',
          death_measure: query.death_measure ?? '',
          state: query.state ?? '',
        })
      : [];
    if (wantsArrow(request, query.format)) sendArrow(response, rowsToArrow(rows, CONCORDANCE_COLUMNS));
    else response.json({ run, signals: rows });
  });
  return router;
}
