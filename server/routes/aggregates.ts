/**
 * Aggregates for the dashboard and the API: deaths by measure × geography × period, as JSON or
 * Arrow IPC. Every parameter is validated; only the named query runs.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { ARROW_MEDIA_TYPE, rowsToArrow, sendArrow, type ColumnType } from '../arrow.ts';
import { HttpError, parseInput } from '../errors.ts';
import type { AppServices } from '../services.ts';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM');

export const DEATH_COUNT_COLUMNS: Record<string, ColumnType> = {
  geography: 'utf8',
  period: 'utf8',
  deaths: 'int32',
  population: 'float64',
  rate_per_100k: 'float64',
};

function wantsArrow(request: Request, format: 'json' | 'arrow' | undefined): boolean {
  return format === 'arrow' || (format === undefined && request.accepts(['application/json', ARROW_MEDIA_TYPE]) === ARROW_MEDIA_TYPE);
}

/** First day of the month after `yyyyMm`, for an exclusive upper bound. */
function monthAfter(yyyyMm: string): string {
  const [year, monthNumber] = yyyyMm.split('-').map(Number) as [number, number];
  return monthNumber === 12 ? `${year + 1}-01-01` : `${year}-${String(monthNumber + 1).padStart(2, '0')}-01`;
}

export async function aggregateRoutes({ db, queries }: AppServices): Promise<Router> {
  const measures = (await queries.rows(db.connection, 'death_measures')).map((row) => String(row.key));
  const schema = z
    .object({
      measure: z.enum(measures as [string, ...string[]]).default('all_overdose'),
      geography: z.enum(['county', 'state', 'nation']).default('county'),
      unit: z.enum(['week', 'month', 'year', 'total']).default('month'),
      from: month.optional(),
      to: month.optional(),
      format: z.enum(['json', 'arrow']).optional(),
    })
    .strict();

  const router = Router();
  router.get('/api/meta', async (_request, response) => {
    const [extent] = await queries.rows(db.connection, 'data_extent');
    response.json({
      measures: await queries.rows(db.connection, 'death_measures'),
      extent: extent?.first_month ? { from: extent.first_month, to: extent.last_month } : null,
      dataAsOf: extent?.data_as_of ?? null,
      certificates: Number(extent?.certificates ?? 0),
      synthetic: extent?.synthetic === true,
    });
  });

  router.get('/api/aggregates', async (request, response) => {
    const parameters = parseInput(schema, request.query);
    // The data extent is a scan of every current certificate: read it only to fill a missing bound.
    const extent = parameters.from && parameters.to ? undefined : (await queries.rows(db.connection, 'data_extent'))[0];
    const from = parameters.from ?? (extent?.first_month as string | null | undefined) ?? '1900-01';
    const to = parameters.to ?? (extent?.last_month as string | null | undefined) ?? from;
    if (from > to) throw new HttpError(400, `invalid from: "${from}" is after to "${to}"`);
    const rows = await queries.rows(db.connection, 'death_counts', {
      measure: parameters.measure,
      geography: parameters.geography,
      unit: parameters.unit,
      from: `${from}-01`,
      to: monthAfter(to),
    });
    response.set('Cache-Control', 'no-cache');
    if (wantsArrow(request, parameters.format)) sendArrow(response, rowsToArrow(rows, DEATH_COUNT_COLUMNS));
    else response.json({ measure: parameters.measure, geography: parameters.geography, unit: parameters.unit, from, to, rows });
  });
  return router;
}
