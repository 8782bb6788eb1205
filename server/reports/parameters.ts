/**
 * The reports' query parameters: `place` (nation, a state or county FIPS code), optional `from`
 * and `to` months, and the chart of a PNG. Strict: an unknown parameter is a 400 naming it.
 */
import { z } from 'zod';
import { HttpError, parseInput, yearMonth } from '../errors.ts';
import { CHARTS, type ChartId } from './charts/report-charts.ts';
import { monthCount } from './period.ts';
import type { Place, Places } from './places.ts';

/** Five years: longer periods belong in the aggregates API, not a briefing. */
export const MAX_MONTHS = 60;


export const REPORT_QUERY = z.strictObject({
  place: z
    .string({ error: 'required: "nation", a 2-digit state or 5-digit county FIPS code' })
    .max(10)
    .describe('"nation", a 2-digit state FIPS code or a 5-digit county FIPS code')
    .meta({ examples: ['39'] }),
  from: yearMonth.optional().describe('first month of the period (default: 11 months before `to`)').meta({ examples: ['2024-01'] }),
  to: yearMonth.optional().describe("last month of the period (default: the data's last month)").meta({ examples: ['2024-03'] }),
});

export const CHART_PARAMETERS = z.strictObject({ chart: z.enum(CHARTS).describe('which chart of the report') });

export interface ReportQuery {
  place: Place;
  from?: string | undefined;
  to?: string | undefined;
}

/** A 400 naming every parameter the route does not take (zod's own message would not name it as a parameter). */
function rejectUnknown(input: unknown, allowed: readonly string[]): void {
  const unknown = Object.keys((input ?? {}) as object).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new HttpError(400, `invalid parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}: not one of ${allowed.join(', ')}`);
  }
}

export function parseReportQuery(query: unknown, places: Places): ReportQuery {
  rejectUnknown(query, Object.keys(REPORT_QUERY.shape));
  const parameters = parseInput(REPORT_QUERY, query);
  const place = places.resolve(parameters.place);
  if ('error' in place) throw new HttpError(400, `invalid place: ${JSON.stringify(parameters.place)} (${place.error})`);
  const { from, to } = parameters;
  if (from && to) {
    if (from > to) throw new HttpError(400, `invalid from: "${from}" is after to "${to}"`);
    if (monthCount({ from, to }) > MAX_MONTHS) throw new HttpError(400, `invalid from: "${from}" to "${to}" is more than ${MAX_MONTHS} months`);
  }
  return { place, from, to };
}

export function parseChart(params: unknown): ChartId {
  return parseInput(CHART_PARAMETERS, params).chart;
}

/** The checks that need the bounds filled from the data. */
export function checkPeriodLength(period: { from: string; to: string }): void {
  if (period.from > period.to) throw new HttpError(400, `invalid to: "${period.to}" is before from "${period.from}"`);
  if (monthCount(period) > MAX_MONTHS) throw new HttpError(400, `invalid from: "${period.from}" to "${period.to}" is more than ${MAX_MONTHS} months`);
}
