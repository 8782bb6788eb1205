// Reports: pick a place and period (the filters), preview every measure's counts and rates with
// the monthly series, and download it as CSV, a standalone HTML file, a printout (or PDF from the
// print dialog), or Parquet from the server.
import { fetchAggregates, type AggregateRow } from '../api/aggregates.ts';
import { isNotAvailable, messageOf } from '../api/http.ts';
import { reportTables } from '../charts/report-tables.ts';
import { completeSeries, timeSeries } from '../charts/time-series.ts';
import { attempt, type AppContext, type View } from '../context.ts';
import { download } from '../download.ts';
import type { Filters } from '../filters.ts';
import { Panel } from '../panel.ts';
import { periodsFor } from '../periods.ts';
import { levelOf, placeName, stateOf } from '../places.ts';
import { reportCsv, reportFileName, reportHtml, reportSubtitle, reportTitle, type ReportMeasure, type ReportModel } from '../report.ts';
import type { Route } from '../route.ts';
import { failed } from './overview-draw.ts';

/** The measure the report's chart shows. */
const HEADLINE = 'all_overdose';

export class ReportsView implements View {
  private readonly panel: Panel;
  private readonly buttons: Record<'csv' | 'html' | 'print' | 'parquet' | 'server', HTMLButtonElement>;
  private readonly note: HTMLElement;
  private model: ReportModel | null = null;
  private filters: Filters | null = null;
  private generation = 0;

  constructor(private readonly ctx: AppContext) {
    const { document } = ctx;
    this.panel = Panel.of(document, 'report-preview');
    const button = (id: string) => document.getElementById(id) as HTMLButtonElement;
    this.buttons = { csv: button('report-csv'), html: button('report-html'), print: button('report-print'), parquet: button('report-parquet'), server: button('report-server') };
    this.note = document.getElementById('report-download-note')!;
    this.buttons.csv.addEventListener('click', () => {
      if (this.model) download(document, new Blob([reportCsv(this.model)], { type: 'text/csv' }), reportFileName(this.model, 'csv'));
    });
    this.buttons.html.addEventListener('click', () => {
      if (this.model) download(document, new Blob([reportHtml(this.model, this.panel.chart.innerHTML)], { type: 'text/html' }), reportFileName(this.model, 'html'));
    });
    this.buttons.print.addEventListener('click', () => window.print());
    this.buttons.parquet.addEventListener('click', () => void this.parquet());
    this.buttons.server.addEventListener('click', () => void this.serverReport());
  }

  show(route: Route): void {
    this.ctx.guard(() => this.load(route.filters));
  }

  redraw(): void {
    if (this.model) this.draw(this.model);
  }

  private async load(filters: Filters): Promise<void> {
    const generation = ++this.generation;
    const { ctx } = this;
    this.filters = filters;
    this.setButtons(false);
    this.note.textContent = '';
    this.panel.loading();
    const level = levelOf(filters.geo);
    const query = { source: 'deaths' as const, geography: level, state: stateOf(filters.geo), from: filters.from, to: filters.to };
    const measures = await Promise.all(
      ctx.meta.measures.map(async (m): Promise<ReportMeasure> => {
        try {
          const [total, months] = await Promise.all([
            fetchAggregates(ctx.http, ctx.cache, { ...query, measure: m.key, unit: 'total' }),
            fetchAggregates(ctx.http, ctx.cache, { ...query, measure: m.key, unit: 'month' }),
          ]);
          const mine = (rows: AggregateRow[]) => rows.filter((r) => r.geography === filters.geo);
          return { key: m.key, label: m.label, total: mine(total.rows)[0] ?? null, months: new Map(mine(months.rows).map((r) => [r.period!, r])), error: null };
        } catch (error) {
          return { key: m.key, label: m.label, total: null, months: new Map(), error: messageOf(error) };
        }
      }),
    );
    if (generation !== this.generation) return;
    if (measures.every((m) => m.error)) {
      failed(this.panel, new Error(measures[0]?.error ?? 'nothing loaded'));
      return;
    }
    this.model = {
      place: filters.geo,
      placeLabel: placeName(filters.geo, (f) => ctx.countyName(f)),
      from: filters.from,
      to: filters.to,
      dataAsOf: ctx.meta.dataAsOf,
      synthetic: ctx.meta.synthetic,
      generatedAt: new Date().toISOString(),
      measures,
    };
    this.draw(this.model);
  }

  private draw(model: ReportModel): void {
    const content = document.createElement('article');
    content.className = 'report';
    const title = document.createElement('h1');
    title.textContent = reportTitle(model);
    const subtitle = document.createElement('p');
    subtitle.className = 'subtitle';
    subtitle.textContent = reportSubtitle(model);

    content.append(title, subtitle);
    if (model.synthetic) content.append(syntheticWarning());
    const headline = model.measures.find((m) => m.key === HEADLINE && !m.error);
    if (headline) {
      const points = completeSeries([...headline.months.values()], periodsFor('month', model.from, model.to));
      const chart = attempt(
        () => {},
        () => timeSeries({ points, unit: 'month', value: 'count', adjusted: false, noun: 'Deaths', placeLabel: model.placeLabel, measureLabel: headline.label, width: Math.min(this.panel.width, 900), statuses: null, statusCoverage: 'all', detectionUnit: 'week' }),
      );
      if (chart) content.append(chart);
    }
    content.append(reportTables(model));
    const total = headline?.total?.count ?? 0;
    this.panel.ready(content, `${model.placeLabel}, ${model.measures.filter((m) => !m.error).length} measures`, { rows: model.measures.length, total });
    this.setButtons(true);
  }

  private setButtons(enabled: boolean): void {
    for (const button of Object.values(this.buttons)) button.disabled = !enabled;
  }

  /** The monthly counts of the place (a state's counties, for a county) as the server writes Parquet. */
  private async parquet(): Promise<void> {
    const filters = this.filters;
    if (!filters) return;
    const level = levelOf(filters.geo);
    const params = new URLSearchParams({ measure: HEADLINE, geography: level, unit: 'month', from: filters.from, to: filters.to, format: 'parquet' });
    if (level !== 'nation') params.set('state', filters.geo.slice(0, 2));
    await this.fetchDownload(`/api/aggregates?${params}`, 'Parquet downloads', ['format', 'state'], `vigil-${HEADLINE}-${filters.geo}-${filters.from}-${filters.to}.parquet`,
      `Parquet: monthly ${HEADLINE} counts${level === 'county' ? ` of every county of ${placeName(filters.geo.slice(0, 2))}` : ''}, as the server keeps them (Parquet readers: DuckDB, pandas, R arrow).`);
  }

  /** The server's own printable report (GET /api/reports), with its charts and methods. */
  private async serverReport(): Promise<void> {
    const filters = this.filters;
    if (!filters) return;
    const params = new URLSearchParams({ place: filters.geo === 'US' ? 'nation' : filters.geo, from: filters.from, to: filters.to });
    await this.fetchDownload(`/api/reports?${params}`, 'server reports', [], `vigil-report-${filters.geo}-${filters.from}-${filters.to}.html`, 'The server’s report: open it in a browser and print it to PDF.');
  }

  /** Fetched with the token (a plain link could not send it), then saved. */
  private async fetchDownload(url: string, feature: string, newParameters: string[], fileName: string, done: string): Promise<void> {
    this.note.textContent = 'Asking the server…';
    try {
      const response = await this.ctx.http.request(url, { feature, newParameters });
      download(this.ctx.document, await response.blob(), fileName);
      this.note.textContent = done;
    } catch (error) {
      this.note.textContent = isNotAvailable(error) ? `${messageOf(error)} Download the CSV instead (the same figures as the preview).` : messageOf(error);
    }
  }
}

function syntheticWarning(): HTMLElement {
  const warning = document.createElement('p');
  warning.className = 'synthetic';
  warning.textContent = 'Synthetic demo data, not real deaths.';
  return warning;
}
