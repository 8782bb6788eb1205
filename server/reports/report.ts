/**
 * Building a report: the periods from what was asked and what the data hold, the counts
 * (report-data.ts), the model with its suppression decided for the reader, then the HTML or one
 * chart's PNG. The shell the route calls; everything below it is a pure function of its input.
 */
import { HttpError } from '../errors.ts';
import { chartDocument, svgMarkup } from './charts/frame.ts';
import { renderChart, type ChartId } from './charts/report-charts.ts';
import { renderReportHtml } from './html/report-html.ts';
import type { MapGeography } from './map-geography.ts';
import { buildReportModel, type ReportModel } from './model/report-model.ts';
import type { ReportQuery } from './parameters.ts';
import { checkPeriodLength } from './parameters.ts';
import { periodSlug, shortMonthLabel } from './period.ts';
import type { Places } from './places.ts';
import { planPeriods, requestedPeriod } from './plan.ts';
import { svgToPng } from './png.ts';
import { gatherReportData, readExtent, type DataSource } from './report-data.ts';

export interface ReportContext {
  source: DataSource;
  places: Places;
}

export async function prepareReport(context: ReportContext, query: ReportQuery, publicRelease: boolean): Promise<ReportModel> {
  const extent = await readExtent(context.source);
  if (!extent) throw new HttpError(404, 'no death certificates are loaded yet: there is nothing to report');
  const requested = requestedPeriod(query, extent);
  checkPeriodLength(requested);
  const periods = planPeriods(requested, extent);
  if (!periods) {
    throw new HttpError(
      404,
      `no data for ${shortMonthLabel(requested.from)} – ${shortMonthLabel(requested.to)}: the data cover ${shortMonthLabel(extent.first)} – ${shortMonthLabel(extent.last)}`,
    );
  }
  const data = await gatherReportData(context.source, query.place, periods, publicRelease);
  return buildReportModel({ place: query.place, periods, requested, extent, data, places: context.places, publicRelease });
}

export function reportHtml(model: ReportModel, geography: MapGeography, generatedAt = new Date().toISOString()): string {
  return renderReportHtml(model, geography, generatedAt);
}

export function chartPng(model: ReportModel, geography: MapGeography, chart: ChartId): { png: Buffer; width: number; height: number } {
  return svgToPng(svgMarkup(renderChart(chartDocument(), model, geography, chart)));
}

/** "vigil-overdose-report-39-2024-01_2024-04.html"; unsuppressed files say so in their name. */
export function reportFileName(model: ReportModel, kind: string, extension: string): string {
  const restricted = model.publicRelease ? '' : '-not-for-public-release';
  return `vigil-overdose-${kind}-${model.place.level === 'nation' ? 'US' : model.place.code}-${periodSlug(model.periods.period)}${restricted}.${extension}`;
}
