// The overview: the county map of the chosen measure, the selected place's and the nation's
// series with the latest detection's colours, the latest alerts and clusters, and (for roles that
// may read records) the line list behind the selected place. Loads what the filters need, then
// draws; a click on the map drills down (nation → state → county).
import { fetchAggregates, type Aggregates } from '../api/aggregates.ts';
import { fetchAlerts, fetchClusters, type AlertRow, type ClusterRow } from '../api/alerts.ts';
import { fetchRecords, type RecordPage } from '../api/records.ts';
import type { CountyGeography } from '../charts/county-map.ts';
import type { AppContext, View } from '../context.ts';
import type { Filters } from '../filters.ts';
import { measureFor, sourcesOf } from '../measures.ts';
import { Panel } from '../panel.ts';
import { NATION, levelOf, pathTo, placeName, stateOf } from '../places.ts';
import type { Route } from '../route.ts';
import { drawAlerts, drawClusters, drawLineList, drawMap, drawSeries, type SeriesData } from './overview-draw.ts';

/** The alert list leaves out periods with fewer cases: one case after a run of zeros "alerts". */
export const MIN_ALERT_CASES = 3;

/** What a load has brought so far: `undefined` while a part is still on its way. */
export interface OverviewData {
  filters: Filters;
  /** null: the source has no measure for this drug class. */
  map?: PromiseSettledResult<[CountyGeography, Aggregates]> | null;
  place?: SeriesData[];
  nation?: SeriesData[];
  /** Alerts and warnings of the latest run (any count), for colouring the series; null if not allowed. */
  flags?: PromiseSettledResult<AlertRow[]> | null;
}

export class OverviewView implements View {
  private readonly map: Panel;
  private readonly placeSeries: Panel;
  private readonly nationSeries: Panel;
  private readonly alerts: Panel;
  private readonly clusters: Panel;
  private readonly lineList: Panel;
  private readonly breadcrumb: HTMLElement;
  private generation = 0;
  private data: OverviewData | null = null;
  private sideData: { alerts: PromiseSettledResult<AlertRow[]> | null; clusters: PromiseSettledResult<ClusterRow[]> | null } = { alerts: null, clusters: null };
  private lineListKey = '';

  constructor(private readonly ctx: AppContext) {
    const { document } = ctx;
    this.map = Panel.of(document, 'county-map');
    this.placeSeries = Panel.of(document, 'place-series');
    this.nationSeries = Panel.of(document, 'national-series');
    this.alerts = Panel.of(document, 'alerts');
    this.clusters = Panel.of(document, 'clusters');
    this.lineList = Panel.of(document, 'line-list');
    this.breadcrumb = document.getElementById('breadcrumb')!;
    this.clusters.hidden = !ctx.permissions.clusters;
    for (const [panel, attribute] of [[this.alerts, 'alert'], [this.clusters, 'cluster']] as const) {
      panel.chart.addEventListener('click', (event) => {
        const key = (event.target as Element).closest<HTMLElement>(`[data-${attribute}]`)?.dataset[attribute];
        if (key) ctx.navigate({ view: 'alerts', [attribute]: key });
      });
    }
    this.lineList.hidden = !ctx.permissions.lineList;
    this.map.chart.addEventListener('click', (event) => this.drill(event));
    this.breadcrumb.addEventListener('click', (event) => {
      const link = (event.target as Element).closest<HTMLAnchorElement>('a[data-geo]');
      if (!link) return;
      event.preventDefault();
      this.ctx.navigate({ filters: { ...this.data!.filters, geo: link.dataset['geo']! } });
    });
  }

  show(route: Route): void {
    this.ctx.guard(() => this.load(route.filters));
  }

  redraw(): void {
    if (this.data) this.draw(this.data);
  }

  private async load(filters: Filters): Promise<void> {
    const generation = ++this.generation;
    const { ctx } = this;
    const sources = sourcesOf(filters.source);
    this.renderBreadcrumb(filters.geo);
    this.placeSeries.hidden = filters.geo === NATION;
    for (const panel of [this.map, this.nationSeries, ...(filters.geo === NATION ? [] : [this.placeSeries])]) panel.loading();

    // The map shows the first source (deaths when both); the series show each.
    const mapSource = sources[0]!;
    const mapMeasure = measureFor(mapSource, filters.measure);
    const query = { from: filters.from, to: filters.to, wholeExtent: filters.from === ctx.bounds.extent.from && filters.to === ctx.bounds.extent.to };
    const map = mapMeasure === null ? null : Promise.all([ctx.geography, fetchAggregates(ctx.http, ctx.cache, { ...query, source: mapSource, measure: mapMeasure, geography: 'county', unit: 'total' })]);
    const series = (geo: string) =>
      sources.map(async (source): Promise<SeriesData> => {
        const measure = measureFor(source, filters.measure);
        if (measure === null) return { source, measure, geo, result: null };
        const result = await settle(fetchAggregates(ctx.http, ctx.cache, { ...query, source, measure, geography: levelOf(geo), state: stateOf(geo), unit: filters.unit }));
        return { source, measure, geo, result };
      });
    const flags = settle(fetchAlerts(ctx.http, ctx.cache, { source: 'all', statuses: ['alert', 'warning'], minObserved: 0 }));
    if (!this.sideData.alerts) void this.loadSide();
    if (ctx.permissions.lineList) void this.loadLineList(filters);

    // Each panel is drawn as soon as its data is in: the map does not wait for the series.
    const data: OverviewData = { filters };
    this.data = data;
    const current = () => generation === this.generation;
    const mapDrawn = (map ? settle(map) : Promise.resolve(null)).then((result) => {
      if (!current()) return;
      data.map = result;
      this.report(drawMap(ctx, this.map, data), data);
    });
    // The series wait for the detection flags (small, and cached after the first load).
    const flagResult = await flags;
    if (!current()) return;
    data.flags = flagResult;
    const seriesDrawn = [
      filters.geo === NATION
        ? Promise.resolve()
        : Promise.all(series(filters.geo)).then((place) => {
            if (!current()) return;
            data.place = place;
            this.report(drawSeries(ctx, this.placeSeries, data, place), data);
          }),
      Promise.all(series(NATION)).then((nation) => {
        if (!current()) return;
        data.nation = nation;
        this.report(drawSeries(ctx, this.nationSeries, data, nation), data);
      }),
    ];
    await Promise.all([mapDrawn, ...seriesDrawn]);
    if (current()) performance.mark('vigil:overview-drawn');
  }

  /** Draws every part that has arrived (again, at the current width). */
  private draw(data: OverviewData): void {
    const { ctx } = this;
    if (data.map !== undefined) this.report(drawMap(ctx, this.map, data), data);
    if (data.place !== undefined) this.report(drawSeries(ctx, this.placeSeries, data, data.place), data);
    if (data.nation !== undefined) this.report(drawSeries(ctx, this.nationSeries, data, data.nation), data);
    const { alerts, clusters } = this.sideData;
    if (alerts) drawAlerts(ctx, this.alerts, alerts, MIN_ALERT_CASES);
    if (clusters) drawClusters(ctx, this.clusters, clusters);
  }

  /** A failed part goes into the banner, with a retry of the whole view. */
  private report(failure: unknown, data: OverviewData): void {
    if (failure === null || failure === undefined) return;
    this.ctx.showError('Could not load the charts.', failure, () => this.show({ view: 'overview', filters: data.filters, alert: null, cluster: null, item: null }));
  }

  /** The latest alerts and clusters: independent of the filters, loaded once. */
  private async loadSide(): Promise<void> {
    this.alerts.loading();
    const { ctx } = this;
    if (ctx.permissions.clusters) this.clusters.loading();
    const [alerts, clusters] = await Promise.all([
      settle(fetchAlerts(ctx.http, ctx.cache, { source: 'all', statuses: ['alert', 'warning'], minObserved: MIN_ALERT_CASES })),
      ctx.permissions.clusters ? settle(fetchClusters(ctx.http, ctx.cache)) : Promise.resolve(null),
    ]);
    this.sideData = { alerts, clusters };
    drawAlerts(ctx, this.alerts, alerts, MIN_ALERT_CASES);
    if (clusters) drawClusters(ctx, this.clusters, clusters);
  }

  private async loadLineList(filters: Filters): Promise<void> {
    const key = `${filters.measure}|${filters.geo}|${filters.from}|${filters.to}|${filters.source}`;
    if (key === this.lineListKey) return;
    this.lineListKey = key;
    if (filters.geo === NATION) {
      this.lineList.empty('', 'Choose a state or county (on the map or in the filters) to list the records behind it.');
      return;
    }
    if (filters.source === 'ed') {
      this.lineList.empty('', 'Line lists are of death certificates; choose Deaths or Both as the source.');
      return;
    }
    this.lineList.loading();
    const result: PromiseSettledResult<RecordPage> = await settle(fetchRecords(this.ctx.http, { measure: filters.measure, geography: filters.geo, from: filters.from, to: filters.to }));
    if (key !== this.lineListKey) return;
    drawLineList(this.ctx, this.lineList, filters, result);
  }

  /** A click on a county: at the nation, into its state; in a state, into the county (again: back out). */
  private drill(event: MouseEvent): void {
    const path = (event.target as Element).closest?.('path[data-fips]');
    const fips = path?.getAttribute('data-fips');
    if (!fips || !this.data) return;
    const { filters } = this.data;
    const geo = filters.geo === NATION ? fips.slice(0, 2) : filters.geo === fips ? stateOf(fips)! : fips;
    this.ctx.navigate({ filters: { ...filters, geo } });
  }

  private renderBreadcrumb(geo: string): void {
    const items = pathTo(geo).map((code, i, all) => {
      const name = placeName(code, (fips) => this.ctx.countyName(fips));
      if (i === all.length - 1) {
        const current = document.createElement('span');
        current.setAttribute('aria-current', 'location');
        current.textContent = name;
        return current;
      }
      const link = document.createElement('a');
      link.href = '#';
      link.dataset['geo'] = code;
      link.textContent = name;
      return link;
    });
    const hint = document.createElement('span');
    hint.className = 'hint';
    hint.textContent = geo.length === 5 ? 'Click the county again to go back to its state.' : geo === NATION ? 'Click a state on the map to drill down.' : 'Click a county to drill down.';
    this.breadcrumb.replaceChildren(...items.flatMap((item, i) => (i === 0 ? [item] : [separator(), item])), hint);
  }
}

function separator(): HTMLElement {
  const s = document.createElement('span');
  s.className = 'separator';
  s.setAttribute('aria-hidden', 'true');
  s.textContent = '›';
  return s;
}

export async function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  try {
    return { status: 'fulfilled', value: await promise };
  } catch (reason) {
    return { status: 'rejected', reason };
  }
}

