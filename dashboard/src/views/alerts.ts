// Alerts and clusters: every alert and warning of the latest detection run (method, p-value,
// recurrence interval), the series behind the chosen one with its baseline and threshold, the
// space-time clusters, and the chosen cluster drawn on the map. The choice is in the URL.
import { fetchAggregates } from '../api/aggregates.ts';
import { ALERT_STATUSES, fetchAlerts, fetchClusters, seriesOf, type AlertRow, type ClusterRow } from '../api/alerts.ts';
import { isNotAvailable } from '../api/http.ts';
import { alertList } from '../charts/alert-list.ts';
import { alertSeries, type HistoryPoint } from '../charts/alert-series.ts';
import { clusterList } from '../charts/cluster-list.ts';
import { countyMap } from '../charts/county-map.ts';
import { STATUS_LABELS, methodLabel } from '../charts/status.ts';
import { attempt, type AppContext, type View } from '../context.ts';
import { formatCount } from '../format.ts';
import { countNoun, type Source } from '../measures.ts';
import { Panel } from '../panel.ts';
import { dayDate } from '../periods.ts';
import { placeName } from '../places.ts';
import type { Route } from '../route.ts';
import { failed } from './overview-draw.ts';
import { settle } from './overview.ts';

export interface AlertSelection {
  source: Source;
  measure: string;
  geography: string;
  method: string;
  period: string;
}

/** Reads an alertKey back; null for anything else. */
export function parseAlertKey(key: string | null): AlertSelection | null {
  const parts = key?.split('.') ?? [];
  if (parts.length !== 5) return null;
  const [source, measure, geography, method, period] = parts as [string, string, string, string, string];
  if ((source !== 'deaths' && source !== 'ed') || !/^\d{4}-\d{2}-\d{2}$/.test(period)) return null;
  return { source, measure, geography, method, period };
}

export class AlertsView implements View {
  private readonly table: Panel;
  private readonly series: Panel;
  private readonly clusters: Panel;
  private readonly clusterMap: Panel;
  private readonly form: HTMLFormElement;
  private route: Route | null = null;
  private generation = 0;
  private drawn: (() => void)[] = [];

  constructor(private readonly ctx: AppContext) {
    const { document } = ctx;
    this.table = Panel.of(document, 'alert-table');
    this.series = Panel.of(document, 'alert-series');
    this.clusters = Panel.of(document, 'cluster-table');
    this.clusterMap = Panel.of(document, 'cluster-map');
    this.form = document.getElementById('alert-filters') as HTMLFormElement;
    this.form.addEventListener('change', () => this.route && this.show(this.route));
    this.form.addEventListener('submit', (event) => event.preventDefault());
    this.table.chart.addEventListener('click', (event) => {
      const key = (event.target as Element).closest<HTMLElement>('[data-alert]')?.dataset['alert'];
      if (key && this.route) ctx.navigate({ alert: key });
    });
    this.clusters.chart.addEventListener('click', (event) => {
      const id = (event.target as Element).closest<HTMLElement>('[data-cluster]')?.dataset['cluster'];
      if (id && this.route) ctx.navigate({ cluster: id });
    });
  }

  show(route: Route): void {
    this.route = route;
    this.ctx.guard(() => this.load(route));
  }

  redraw(): void {
    for (const draw of this.drawn) draw();
  }

  private async load(route: Route): Promise<void> {
    const generation = ++this.generation;
    const { ctx } = this;
    const source = (this.form.elements.namedItem('source') as HTMLSelectElement).value as Source | 'all';
    const minObserved = Number((this.form.elements.namedItem('min') as HTMLSelectElement).value);
    this.table.loading();
    if (ctx.permissions.clusters) this.clusters.loading();
    const selection = parseAlertKey(route.alert);
    if (selection) this.series.loading();
    else this.series.empty('', route.alert ? `This link names an alert the dashboard cannot read (${route.alert}). Choose “Series” on an alert below.` : 'Choose “Series” on an alert to see its counts, baseline and threshold.');
    if (route.cluster && ctx.permissions.clusters) this.clusterMap.loading();

    const [alerts, clusters, behind] = await Promise.all([
      settle(fetchAlerts(ctx.http, ctx.cache, { source, statuses: ['alert', 'warning'], minObserved })),
      ctx.permissions.clusters ? settle(fetchClusters(ctx.http, ctx.cache)) : Promise.resolve(null),
      selection ? settle(this.seriesBehind(selection)) : Promise.resolve(null),
    ]);
    if (generation !== this.generation) return;
    this.drawn = [
      () => this.drawTable(alerts, route.alert, minObserved),
      () => this.drawClusters(clusters, route.cluster),
    ];
    if (selection && behind) this.drawn.push(() => this.drawSeries(selection, behind));
    this.redraw();
  }

  /** Every stored period of the alert's series and method, and (deaths) its weekly history. */
  private async seriesBehind(selection: AlertSelection): Promise<{ rows: AlertRow[]; history: HistoryPoint[] }> {
    const { ctx } = this;
    // Every status of the source: the chart colours each period (one fetch, cached for the visit).
    const all = await fetchAlerts(ctx.http, ctx.cache, { source: selection.source, statuses: ALERT_STATUSES, minObserved: 0 });
    const rows = seriesOf(all, selection);
    let history: HistoryPoint[] = [];
    if (selection.source === 'deaths' && ctx.meta.extent) {
      const level = selection.geography === 'US' ? 'nation' : 'state';
      const weekly = await fetchAggregates(ctx.http, ctx.cache, { source: 'deaths', measure: selection.measure, geography: level, unit: 'week', from: ctx.meta.extent.from, to: ctx.meta.extent.to });
      history = weekly.rows.filter((r) => r.geography === selection.geography && r.period !== null && r.count !== null).map((r) => ({ date: dayDate(r.period!), count: r.count! }));
    }
    return { rows, history };
  }

  private drawTable(result: PromiseSettledResult<AlertRow[]>, selected: string | null, minObserved: number): void {
    if (result.status === 'rejected') {
      failed(this.table, result.reason);
      return;
    }
    const rows = result.value;
    if (rows.length === 0) {
      this.table.empty('', `No alerts or warnings with at least ${minObserved} case${minObserved === 1 ? '' : 's'} in the latest detection run. Lower the minimum, or check that the detect job has run (GET /api/jobs).`);
      return;
    }
    const alertsN = rows.filter((r) => r.status === 'alert').length;
    const table = attempt((m) => this.table.error(m), () =>
      alertList({ rows, measureLabel: (k) => this.ctx.measureLabel(k), placeName: (g) => placeName(g, (f) => this.ctx.countyName(f)), limit: 200, selected }),
    );
    const computed = rows[0]?.computedAt ? ` (run of ${rows[0].computedAt.slice(0, 16)} UTC)` : '';
    if (table) this.table.ready(table, `${formatCount(alertsN)} alerts and ${formatCount(rows.length - alertsN)} warnings${computed}${rows.length > 200 ? '; the 200 newest shown' : ''}. “By chance once in”: how often a signal this strong would come up by chance in that one series.`, { rows: rows.length, total: rows.length });
  }

  private drawSeries(selection: AlertSelection, result: PromiseSettledResult<{ rows: AlertRow[]; history: HistoryPoint[] }>): void {
    const panel = this.series;
    if (result.status === 'rejected') {
      failed(panel, result.reason);
      return;
    }
    const { rows, history } = result.value;
    const label = `${this.ctx.measureLabel(selection.measure)}, ${placeName(selection.geography)}, ${methodLabel(selection.method)}`;
    if (rows.length === 0) {
      panel.empty(label, 'The latest detection run has no results for this series any more (a newer run replaced it). Choose an alert from the list.');
      return;
    }
    const current = rows.find((r) => r.period === selection.period);
    const chart = attempt((m) => panel.error(m), () =>
      alertSeries({ rows, period: selection.period, history, noun: countNoun(selection.source), title: label, width: panel.width }),
    );
    const what = current ? `${STATUS_LABELS[current.status]} for ${current.period}: observed ${formatCount(current.observed)}, expected ${current.expected?.toFixed(1) ?? 'unknown'}, threshold ${current.threshold?.toFixed(1) ?? 'unknown'}` : `period ${selection.period} is no longer in the latest run`;
    if (chart) panel.ready(chart, `${label}. ${what}.`, { rows: rows.length, total: rows.reduce((s, r) => s + r.observed, 0) });
  }

  private drawClusters(result: PromiseSettledResult<ClusterRow[]> | null, selected: string | null): void {
    if (result === null) {
      const message = 'Space-time clusters are for epidemiologists and admins (they are small counts in small places): sign in with such a token to see them.';
      this.clusters.empty('', message);
      this.clusterMap.empty('', message);
      return;
    }
    if (result.status === 'rejected') {
      if (isNotAvailable(result.reason)) {
        this.clusters.unavailable('Space-time clusters are not available on this server yet; they appear here once its scan results are served (GET /api/clusters).');
        this.clusterMap.unavailable('No clusters to draw on this server yet.');
      } else {
        failed(this.clusters, result.reason);
        this.clusterMap.empty('', 'No clusters to draw.');
      }
      return;
    }
    const rows = result.value;
    if (rows.length === 0) {
      this.clusters.empty('', 'No space-time clusters in the latest scan.');
      this.clusterMap.empty('', 'No clusters to draw.');
      return;
    }
    const table = attempt((m) => this.clusters.error(m), () =>
      clusterList({ rows, countyName: (f) => this.ctx.countyName(f), measureLabel: (k) => this.ctx.measureLabel(k), selected }),
    );
    if (table) this.clusters.ready(table, `${formatCount(rows.length)} clusters, most likely first. Recurrence interval: how often a cluster this unusual would arise by chance.`, { rows: rows.length, total: rows.length });
    const cluster = rows.find((r) => r.id === selected);
    if (!cluster) {
      this.clusterMap.empty('', selected ? 'That cluster is not in the latest scan. Choose “Map” on a cluster.' : 'Choose “Map” on a cluster to draw it.');
      return;
    }
    void this.drawClusterMap(cluster);
  }

  private async drawClusterMap(cluster: ClusterRow): Promise<void> {
    const geography = await this.ctx.geography;
    const state = cluster.centre.slice(0, 2);
    // The cluster's own counties, shaded by nothing but outlined: its observed and expected are in the caption.
    const map = attempt((m) => this.clusterMap.error(m), () =>
      countyMap({ geography, rows: [], value: 'count', adjusted: false, noun: countNoun(cluster.source), measureLabel: 'Cluster', periodLabel: `${cluster.start} – ${cluster.end}`, width: this.clusterMap.width, focus: cluster.members.every((m) => m.startsWith(state)) ? state : null, selected: null, cluster, id: 'cluster-map' }),
    );
    if (map) this.clusterMap.ready(map, `Centre ${this.ctx.countyName(cluster.centre)}; ${cluster.members.length} counties; ${cluster.start} to ${cluster.end}; observed ${formatCount(cluster.observed)}, expected ${cluster.expected.toFixed(1)}.`, { rows: cluster.members.length, total: cluster.observed });
  }
}

