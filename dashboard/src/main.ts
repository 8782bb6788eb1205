// Wiring: metadata → filters (from the URL) → fetch → draw, again on every filter change.
import { ApiError, fetchAggregates, fetchAlerts, fetchMeta, fetchSyndromeNames, fetchTopology, type AggregateRow, type Meta } from './api.ts';
import { alertList } from './charts/alert-list.ts';
import { countyGeography, countyMap, summarizeCountyRows, type CountyGeography } from './charts/county-map.ts';
import { nationalSeries } from './charts/national-series.ts';
import { Controls, byId } from './controls.ts';
import { defaultFilters, filtersToSearch, monthsBetween, parseFilters, type FilterBounds, type Filters } from './filters.ts';
import { formatCount, formatPeriod, formatTimestamp } from './format.ts';
import { Panel } from './panel.ts';
import { placeName } from './places.ts';

/** The alert list leaves out periods with fewer cases: one case after a run of zeros "alerts". */
const MIN_ALERT_CASES = 3;
const NO_RATE = 'There are deaths, but no population estimates for them, so no rate. Choose Count to see them.';

interface View {
  filters: Filters;
  county: PromiseSettledResult<[CountyGeography, AggregateRow[]]>;
  nation: PromiseSettledResult<AggregateRow[]>;
}

function startDashboard(document: Document): void {
  const controls = new Controls(document);
  const mapPanel = new Panel(byId(document, 'county-map', HTMLElement));
  const seriesPanel = new Panel(byId(document, 'national-series', HTMLElement));
  const alertsPanel = new Panel(byId(document, 'alerts', HTMLElement));
  const dataInfo = byId(document, 'data-info', HTMLElement);
  const errorBanner = byId(document, 'error-banner', HTMLElement);
  const notice = byId(document, 'notice-banner', HTMLElement);
  let retry: () => void = () => guard(init);
  byId(document, 'error-retry', HTMLButtonElement).addEventListener('click', () => retry());

  let meta: Meta | null = null;
  let bounds: FilterBounds | null = null;
  let geography: Promise<CountyGeography> | null = null;
  let inFlight: AbortController | null = null;
  let view: View | null = null;

  async function init(): Promise<void> {
    hideError();
    mapPanel.loading();
    seriesPanel.loading();
    // A failed topology load is retried with everything else.
    geography = fetchTopology().then(countyGeography);
    geography.catch(() => {}); // reported when the map is drawn
    try {
      meta = await fetchMeta();
    } catch (error) {
      showError('Could not load the dashboard.', error, () => guard(init));
      mapPanel.error('Not loaded.');
      seriesPanel.error('Not loaded.');
      return;
    }
    const { extent } = meta;
    dataInfo.textContent =
      (extent ? `Data: ${formatPeriod(extent.from, extent.to)}` : 'No data loaded yet') +
      (meta.dataAsOf ? ` · data as of ${formatTimestamp(meta.dataAsOf)}` : '') +
      (meta.synthetic ? ' · synthetic demo data, not real deaths' : '');
    if (!extent) {
      const message = 'No deaths have been loaded yet. Upload certificates or run `vigil demo`, then reload.';
      mapPanel.empty('', message);
      seriesPanel.empty('', message);
      return;
    }
    const measures = meta.measures.map((m) => m.key);
    bounds = { measures, defaultMeasure: measures.includes('all_overdose') ? 'all_overdose' : measures[0]!, extent };
    controls.setOptions(meta.measures, monthsBetween(extent.from, extent.to));
    controls.enable(true);
    const { filters, corrections } = parseFilters(location.search, bounds);
    if (corrections.length) {
      showNotice(`This link had ${corrections.join('; ')}. Showing the nearest valid view.`);
      history.replaceState(null, '', filtersToSearch(filters));
    }
    controls.show(filters);
    void loadAlerts();
    await load(filters);
  }

  /** The latest detection run's alerts and warnings: independent of the filters, loaded once. */
  async function loadAlerts(): Promise<void> {
    alertsPanel.loading();
    try {
      const [rows, syndromes] = await Promise.all([fetchAlerts(MIN_ALERT_CASES), fetchSyndromeNames()]);
      const labels = new Map([...(meta?.measures ?? []).map((m): [string, string] => [m.key, m.label]), ...syndromes]);
      const caption = `${formatCount(rows.filter((r) => r.status === 'alert').length)} alerts and ${formatCount(rows.filter((r) => r.status === 'warning').length)} warnings with at least ${MIN_ALERT_CASES} cases in the latest detection run`;
      if (rows.length === 0) alertsPanel.empty('', 'No alerts or warnings in the latest detection run (or detection has not run yet).');
      else {
        const table = attempt(alertsPanel, () => alertList({ rows, measureLabel: (key) => labels.get(key) ?? key, placeName }));
        if (table) alertsPanel.ready(table, caption, { rows: rows.length, total: rows.length });
      }
    } catch (error) {
      alertsPanel.error(messageOf(error));
    }
  }

  async function load(filters: Filters): Promise<void> {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    hideError();
    mapPanel.loading();
    seriesPanel.loading();
    const query = { measure: filters.measure, from: filters.from, to: filters.to };
    const [county, nation] = await Promise.allSettled([
      Promise.all([geography!, fetchAggregates({ ...query, geography: 'county', unit: 'total' }, controller.signal)]),
      fetchAggregates({ ...query, geography: 'nation', unit: 'month' }, controller.signal),
    ]);
    if (controller.signal.aborted) return; // a newer load owns the panels
    inFlight = null;
    view = { filters, county, nation };
    draw();
  }

  function draw(): void {
    if (!view || !meta) return;
    const { filters } = view;
    const measureLabel = meta.measures.find((m) => m.key === filters.measure)?.label ?? filters.measure;
    const period = formatPeriod(filters.from, filters.to);
    document.title = `${measureLabel} · vigil`;
    const failures: unknown[] = [];

    if (view.county.status === 'rejected') {
      failures.push(view.county.reason);
      mapPanel.error(messageOf(view.county.reason));
    } else {
      const [geo, rows] = view.county.value;
      const summary = summarizeCountyRows({ geography: geo, rows, value: filters.value });
      const caption = `${measureLabel}, ${period}`;
      if (summary.deaths === 0) mapPanel.empty(caption);
      else if (summary.filled === 0 && filters.value === 'rate') mapPanel.empty(caption, NO_RATE);
      else {
        const map = attempt(mapPanel, () =>
          countyMap({ geography: geo, rows, value: filters.value, measureLabel, periodLabel: period, width: mapPanel.width }),
        );
        const shaded = `${formatCount(summary.filled)} counties shaded`;
        if (map) mapPanel.ready(map, `${caption}: ${formatCount(summary.deaths)} deaths, ${shaded}`, { rows: rows.length, total: summary.deaths });
      }
    }

    if (view.nation.status === 'rejected') {
      failures.push(view.nation.reason);
      seriesPanel.error(messageOf(view.nation.reason));
    } else {
      const rows = view.nation.value;
      const total = rows.reduce((sum, row) => sum + row.deaths, 0);
      const caption = `${measureLabel}, ${period}`;
      if (total === 0) seriesPanel.empty(caption);
      else if (filters.value === 'rate' && rows.every((row) => row.ratePer100k === null)) seriesPanel.empty(caption, NO_RATE);
      else {
        const months = monthsBetween(filters.from, filters.to);
        const chart = attempt(seriesPanel, () =>
          nationalSeries({ rows, months, value: filters.value, measureLabel, width: seriesPanel.width }),
        );
        if (chart) seriesPanel.ready(chart, `${caption}: ${formatCount(total)} deaths`, { rows: rows.length, total });
      }
    }

    if (failures.length) showError('Could not load the charts.', failures[0], () => guard(() => load(filters)));
  }

  function change(filters: Filters): void {
    const search = filtersToSearch(filters);
    if (search !== location.search) history.pushState(null, '', search);
    guard(() => load(filters));
  }

  controls.onChange(change);
  controls.onReset(() => {
    if (!bounds) return;
    const filters = defaultFilters(bounds);
    controls.show(filters);
    showNotice('');
    change(filters);
  });
  addEventListener('popstate', () => {
    if (!bounds) return;
    const { filters } = parseFilters(location.search, bounds);
    controls.show(filters);
    guard(() => load(filters));
  });
  redrawOnResize(document, () => {
    if (!inFlight) draw();
  });

  function showError(what: string, error: unknown, again: () => void): void {
    byId(document, 'error-message', HTMLElement).textContent = `${what} ${messageOf(error)}`;
    retry = again;
    errorBanner.hidden = false;
  }
  function hideError(): void {
    errorBanner.hidden = true;
  }
  function showNotice(text: string): void {
    notice.textContent = text;
    notice.hidden = text === '';
  }

  /** Runs a step; a bug in it ends in the error state with a message, never a page stuck loading. */
  function guard(task: () => Promise<void>): void {
    task().catch((error: unknown) => {
      console.error(error);
      showError('The dashboard hit an unexpected problem.', error, () => guard(init));
      mapPanel.error('Not drawn.');
      seriesPanel.error('Not drawn.');
    });
  }

  guard(init);
}

/** Draws a chart, or puts the panel in its error state if the chart itself throws. */
function attempt(panel: Panel, draw: () => HTMLElement): HTMLElement | null {
  try {
    return draw();
  } catch (error) {
    console.error(error);
    panel.error(`This chart could not be drawn (${messageOf(error)}). Reload the page; if it persists, tell the vigil operators.`);
    return null;
  }
}

function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Redraws (without refetching) when the chart column changes width. */
function redrawOnResize(document: Document, redraw: () => void): void {
  const main = document.getElementById('main');
  if (!main || typeof ResizeObserver === 'undefined') return;
  let width = main.clientWidth;
  let timer: ReturnType<typeof setTimeout> | undefined;
  new ResizeObserver(() => {
    if (main.clientWidth === width) return;
    width = main.clientWidth;
    clearTimeout(timer);
    timer = setTimeout(redraw, 150);
  }).observe(main);
}

startDashboard(document);
