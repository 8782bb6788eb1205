/**
 * The printable HTML report: one self-contained file (inline stylesheet, charts as inline SVG, no
 * script, nothing fetched), so it passes helmet's Content-Security-Policy, opens offline and
 * prints as it shows.
 */
import { chartDocument } from '../charts/frame.ts';
import { renderChart } from '../charts/report-charts.ts';
import type { MapGeography } from '../map-geography.ts';
import type { ReportModel } from '../model/report-model.ts';
import { periodLabel } from '../period.ts';
import { el } from './dom.ts';
import { methodsSection, suppressionSection } from './methods.ts';
import { alertsSection, drugTables, figureSection, headerSection, keyFiguresSection, releaseMarking, reportTitle, tablesSection } from './sections.ts';
import { REPORT_CSS } from './styles.ts';

export function renderReportHtml(model: ReportModel, geography: MapGeography, generatedAt: string): string {
  const document = chartDocument();
  const html = document.documentElement;
  html.setAttribute('lang', 'en');
  document.head.append(
    el(document, 'meta', { charset: 'utf-8' }),
    el(document, 'meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
    el(document, 'meta', { name: 'generator', content: 'vigil' }),
    el(document, 'meta', { name: 'vigil-release', content: model.publicRelease ? 'public' : 'not-for-public-release' }),
    el(document, 'title', {}, `${reportTitle(model)}${model.publicRelease ? '' : ' (not for public release)'}`),
    el(document, 'style', {}, REPORT_CSS),
  );
  const period = periodLabel(model.periods.period);
  const level = model.areas.level === 'county' ? 'county' : 'state';
  const chart = (id: 'trend' | 'map' | 'drug-classes') => renderChart(document, model, geography, id);
  document.body.append(
    releaseMarking(document, model, 'print-marking'),
    el(
      document,
      'main',
      {},
      headerSection(document, model, generatedAt),
      keyFiguresSection(document, model),
      figureSection(document, {
        id: 'trend',
        title: 'Trend',
        chart: chart('trend'),
        caption: `Monthly deaths and annualised rates; the report period (${period}) is shaded. Table 1 lists the figures.`,
      }),
      figureSection(document, {
        id: 'map',
        title: 'Map',
        chart: chart('map'),
        caption: `Rates by ${level} of residence over ${period}. Table 2 lists every ${level}.`,
        pageBreak: true,
      }),
      figureSection(
        document,
        { id: 'drugs', title: 'Drugs involved', chart: chart('drug-classes'), caption: 'Deaths by drug class; a death can involve several.', pageBreak: true },
        ...drugTables(document, model),
      ),
      alertsSection(document, model),
      suppressionSection(document, model),
      methodsSection(document),
      tablesSection(document, model),
    ),
  );
  return `<!doctype html>\n${html.outerHTML}\n`;
}
