/**
 * `GET /api/alerts`: the latest detection run's results (the detect job), alerts and warnings by
 * default, with at least `min_observed` cases (default 1). Each row: source, measure (death
 * measure or syndrome), level and geography, period, method, observed, expected, threshold,
 * p-value, status (ESSENCE colours), note. Filters: source, status or level (the lowest alert
 * level: alert, or warning and above), measure, geography (a level, or one place), method, and
 * from/to on the period.
 *
 * Small numbers: the public and uploaders (who see aggregates as the public does) are not shown
 * an alert whose observed count is 1-9 for a place below the nation; such alerts are left out
 * whole rather than shown with the count blanked, because expected, threshold and p-value
 * together give the count back (a Poisson p-value at a known expectation names the count).
 */
import { Router } from 'express';
import { z } from 'zod';
import { ALERT_METHODS } from '../../pipeline/jobs/detect.ts';
import { principalOf, seesUnsuppressed } from '../auth/principal.ts';
import { HttpError, parseInput } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppServices } from '../services.ts';
import { boundParameter, dayRange } from './period-bounds.ts';

const STATUSES = ['alert', 'warning', 'none', 'insufficient'] as const;
const DEFAULT_STATUSES = 'alert,warning';
/** `level`: the lowest alert level shown. */
const AT_LEAST: Record<'alert' | 'warning', readonly string[]> = { alert: ['alert'], warning: ['alert', 'warning'] };

export const ALERT_QUERY = z.strictObject({
  source: z.enum(['deaths', 'ed', 'all']).default('all').describe('deaths (weekly series), ed (daily syndrome series) or all'),
  status: z
    .string()
    .refine((v) => v.split(',').every((s) => (STATUSES as readonly string[]).includes(s)), `a comma-separated list of ${STATUSES.join(', ')}`)
    .optional()
    .describe(`statuses to include, comma-separated (${STATUSES.join(', ')}); default ${DEFAULT_STATUSES}. Not with level`)
    .meta({ examples: ['alert,warning,none'] }),
  level: z.enum(['alert', 'warning']).optional().describe('the lowest alert level to include: alert (red only) or warning (yellow and red). Not with status'),
  min_observed: z.coerce.number().int().min(0).max(1_000_000).default(1).describe('leave out periods with fewer cases'),
  measure: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a death measure or syndrome id (lower case, digits, _)')
    .optional()
    .describe('one death measure or ED syndrome id')
    .meta({ examples: ['all_overdose'] }),
  geography: z
    .string()
    .regex(/^(nation|state|county|US|\d{2}|\d{5})$/, 'a level (nation, state, county) or a place (US, a 2-digit state or 5-digit county FIPS code)')
    .optional()
    .describe("a level's series (nation, state, county), or one place's (US, a state or a county FIPS code)")
    .meta({ examples: ['state'] }),
  method: z.enum(ALERT_METHODS).optional().describe('one detection method: farrington and cusum (deaths, weekly), switch (regression/EWMA, ESSENCE) and ears_c2 (ED, daily)'),
  from: boundParameter('periods from (a month: its first day; or a day); a weekly period is its MMWR week\'s Sunday', '2024-01'),
  to: boundParameter('periods to (a month: its last day; or a day)', '2099-12'),
});
type AlertParameters = z.infer<typeof ALERT_QUERY>;

/** For the OpenAPI document (server/openapi.ts). */
export const ALERT_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/alerts',
    summary: 'Results of the latest detection run: alerts and warnings by place, measure, period and method',
    description:
      'ESSENCE statuses: alert (red, p < 0.01), warning (yellow, p < 0.05), none (blue), insufficient (grey). Newest period first, alerts before warnings. ' +
      'The public and uploaders are not shown sub-national results with 1-9 cases (expected, threshold and p-value would give the count back).',
    tags: ['detection'],
    callers: ['public', 'admin', 'uploader', 'coder', 'epidemiologist'],
    query: ALERT_QUERY,
    responses: { '200': { description: '{ alerts }' } },
  },
];

/** DOMAIN.md: sub-national counts of 1-9 are suppressed. */
export function isSmallSubnationalCount(row: Record<string, unknown>): boolean {
  const observed = Number(row.observed);
  return row.level !== 'nation' && observed >= 1 && observed <= 9;
}

/** The filters as the query alerts_of_latest_run binds them ('' = any). */
export function alertFilters(parameters: AlertParameters): Record<string, string | number> {
  if (parameters.status !== undefined && parameters.level !== undefined) {
    throw new HttpError(400, `invalid level: ${JSON.stringify(parameters.level)} (give status or level, not both)`);
  }
  const statuses = parameters.level ? AT_LEAST[parameters.level] : (parameters.status ?? DEFAULT_STATUSES).split(',');
  const geography = parameters.geography ?? '';
  const isLevel = ['nation', 'state', 'county'].includes(geography);
  const range = dayRange(parameters, { from: '0001-01-01', to: '9999-12-31' });
  return {
    source: parameters.source,
    statuses: JSON.stringify(statuses),
    min_observed: parameters.min_observed,
    measure: parameters.measure ?? '',
    level: isLevel ? geography : '',
    geography: isLevel ? '' : geography,
    method: parameters.method ?? '',
    from: range.from,
    to: range.to,
  };
}

export function alertRoutes({ db, queries }: AppServices): Router {
  const router = Router();
  router.get('/api/alerts', async (request, response) => {
    const filters = alertFilters(parseInput(ALERT_QUERY, request.query));
    const rows = await queries.rows(db.connection, 'alerts_of_latest_run', filters);
    response.json({ alerts: seesUnsuppressed(principalOf(response)) ? rows : rows.filter((row) => !isSmallSubnationalCount(row)) });
  });
  return router;
}
