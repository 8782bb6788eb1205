/**
 * Reports for policymakers (server/reports/):
 * - `GET /api/reports?place=&from=&to=`: the printable HTML report, as a download;
 * - `GET /api/reports/charts/:chart.png?place=&from=&to=`: one of its charts (trend, map,
 *   drug-classes) as a PNG.
 * `place` is "nation", a 2-digit state or a 5-digit county FIPS code; `from` and `to` are months
 * (YYYY-MM, default: the 12 months ending the last month with data). The public gets the
 * suppressed version; roles that see unsuppressed aggregates get every figure, marked not for
 * public release.
 */
import { Router, type Response } from 'express';
import { principalOf, seesUnsuppressed } from '../auth/principal.ts';
import { AggregateService } from '../../pipeline/stats/aggregates/aggregate-service.ts';
import { HttpError } from '../errors.ts';
import { loadMapGeography, type MapGeography } from '../reports/map-geography.ts';
import type { RouteDoc } from '../openapi.ts';
import { CHART_PARAMETERS, MAX_MONTHS, parseChart, parseReportQuery, REPORT_QUERY } from '../reports/parameters.ts';
import { Places } from '../reports/places.ts';
import { MissingFontError } from '../reports/png.ts';
import { chartPng, prepareReport, reportFileName, reportHtml } from '../reports/report.ts';
import type { AppServices } from '../services.ts';

const CALLERS = ['public', 'admin', 'uploader', 'coder', 'epidemiologist'] as const;
const VERSIONS =
  'The public (and uploaders) get the version with small-number suppression, withholding what /api/aggregates, /api/combinations and /api/alerts withhold; ' +
  'admins, coders and epidemiologists get it unsuppressed, marked not for public release.';

/** For the OpenAPI document (server/openapi.ts). */
export const REPORT_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/reports',
    summary: 'A printable report for a place and period (HTML, charts inline)',
    description:
      'Key figures (deaths, crude and age-adjusted rates per 100,000 per year with 95% CIs, change from the previous period with its significance, share pending investigation), ' +
      `the monthly trend, a map, drug classes and combinations, alerts, methods and suppression notes, in one self-contained HTML file. At most ${MAX_MONTHS} months. ${VERSIONS}`,
    tags: ['reports'],
    callers: CALLERS,
    query: REPORT_QUERY,
    responses: {
      '200': { description: 'The report (Content-Disposition: attachment).', mediaTypes: ['text/html'] },
      '404': { description: 'No death data for the period (the message says what the data cover).' },
    },
  },
  {
    method: 'get',
    path: '/api/reports/charts/:chart.png',
    summary: 'One chart of the report as a PNG (1,440 pixels wide)',
    description: `The same chart the HTML report inlines, titled, with its notes and source. ${VERSIONS}`,
    tags: ['reports'],
    callers: CALLERS,
    query: REPORT_QUERY,
    pathParameters: CHART_PARAMETERS,
    responses: { '200': { description: 'The chart (Content-Disposition: attachment).', mediaTypes: ['image/png'] } },
  },
];

export function reportRoutes({ db, queries }: AppServices): Router {
  // Read on first use, then kept for the life of the router: the reference tables and the map file
  // are committed files that do not change while the server runs.
  let places: Places | undefined;
  let geography: MapGeography | undefined;
  // The figures /api/aggregates serves, and their suppression (a pure function of the counts, so
  // this instance withholds what the aggregates route's own instance does).
  const aggregates = new AggregateService(db, queries);
  const placesOf = () => (places ??= Places.load());
  const geographyOf = () => (geography ??= loadMapGeography());

  const prepare = async (query: unknown, response: Response) => {
    const parsed = parseReportQuery(query, placesOf());
    const publicRelease = !seesUnsuppressed(principalOf(response));
    // Signed-in answers are already `private, no-store` (authenticate.ts); the public version may be
    // stored but must be revalidated, as the data change with every batch.
    if (publicRelease) response.set('Cache-Control', 'no-cache');
    return prepareReport({ source: { db, queries, aggregates }, places: placesOf() }, parsed, publicRelease);
  };

  const router = Router();
  router.get('/api/reports', async (request, response) => {
    const model = await prepare(request.query, response);
    const html = reportHtml(model, geographyOf());
    response.attachment(reportFileName(model, 'report', 'html'));
    response.type('html').send(html);
  });

  router.get('/api/reports/charts/:chart.png', async (request, response) => {
    const chart = parseChart(request.params);
    const model = await prepare(request.query, response);
    let png: Buffer;
    try {
      ({ png } = chartPng(model, geographyOf(), chart));
    } catch (error) {
      if (error instanceof MissingFontError) throw new HttpError(503, 'PNG charts are not available on this server: it lacks the DejaVu Sans fonts (fonts-dejavu-core)');
      throw error;
    }
    response.attachment(reportFileName(model, chart, 'png'));
    response.type('png').send(png);
  });
  return router;
}
