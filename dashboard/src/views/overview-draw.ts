// Drawing the overview's panels from what was loaded: each function puts its panel in the state
// the data calls for (ready, empty, not available here, error) and returns the failure to report
// in the banner, or null.
import type { AggregateRow, Aggregates } from '../api/aggregates.ts';
import type { AlertRow, ClusterRow } from '../api/alerts.ts';
import { isNotAvailable, messageOf } from '../api/http.ts';
import type { RecordPage } from '../api/records.ts';
import { alertList } from '../charts/alert-list.ts';
import { clusterList } from '../charts/cluster-list.ts';
import { addCountyPaths, countyMap, recolourCountyMap, summarizeCountyRows, type CountyMapInput } from '../charts/county-map.ts';
import { recordList } from '../charts/record-list.ts';
import { methodLabel } from '../charts/status.ts';
import { completeSeries, statusSpans, timeSeries } from '../charts/time-series.ts';
import { attempt, type AppContext } from '../context.ts';
import type { Filters } from '../filters.ts';
import { formatCount, formatPeriod } from '../format.ts';
import { countNoun, type Source } from '../measures.ts';
import type { Panel } from '../panel.ts';
import { periodsFor } from '../periods.ts';
import { NATION, levelOf, placeName, stateOf } from '../places.ts';
import type { OverviewData } from './overview.ts';

export interface SeriesData {
  source: Source;
  /** The source's measure key for the chosen drug class; null when the source has none. */
  measure: string | null;
  geo: string;
  result: PromiseSettledResult<Aggregates> | null;
}

const UNIT_WORDS = { day: 'by day', week: 'by MMWR week', month: 'by month', '12mo': '12 months ending each month', year: 'by year' } as const;

/** Rates are age-adjusted only when asked for and the server sends them. */
export function effectiveAdjusted(filters: Filters, aggregates: Aggregates): boolean {
  return filters.value === 'rate' && filters.adjusted && aggregates.hasAgeAdjusted;
}

function adjustmentNote(filters: Filters, aggregates: Aggregates): string {
  return filters.value === 'rate' && filters.adjusted && !aggregates.hasAgeAdjusted ? ' (no age-adjusted rates here: they need age-specific population estimates; crude rates shown)' : '';
}

export function drawMap(ctx: AppContext, panel: Panel, data: OverviewData): unknown {
  const { filters } = data;
  const period = formatPeriod(filters.from, filters.to);
  const measureLabel = ctx.measureLabel(filters.measure);
  const focus = stateOf(filters.geo);
  panel.setTitle(focus ? `${placeName(focus)}, by county` : 'By county');
  if (data.map === undefined) return null;
  if (data.map === null) {
    panel.empty(`${measureLabel}, ${period}`, 'ED visits have no syndrome for this drug class. Choose another measure, or Deaths as the source.');
    return null;
  }
  if (data.map.status === 'rejected') return failed(panel, data.map.reason);
  const [geography, aggregates] = data.map.value;
  const source = filters.source === 'ed' ? 'ed' : 'deaths';
  const noun = countNoun(source);
  const adjusted = effectiveAdjusted(filters, aggregates);
  const summary = summarizeCountyRows({ geography, rows: aggregates.rows, value: filters.value, adjusted, focus });
  const caption = `${measureLabel}, ${period}${adjustmentNote(filters, aggregates)}`;
  if (summary.total === 0 && summary.suppressed === 0) {
    panel.empty(caption, `No ${noun.toLowerCase()} match these filters. Try another measure, place or a longer period.`);
    return null;
  }
  if (summary.filled === 0 && summary.suppressed === 0 && filters.value === 'rate') {
    panel.empty(caption, `There are ${noun.toLowerCase()}, but no population estimates for them, so no rate. Choose Count to see them.`);
    return null;
  }
  const input: CountyMapInput = {
    geography,
    rows: aggregates.rows,
    value: filters.value,
    adjusted,
    noun,
    measureLabel,
    periodLabel: period,
    width: panel.width,
    focus,
    selected: levelOf(filters.geo) === 'county' ? filters.geo : null,
    id: 'overview-map',
  };
  const started = performance.now();
  // The map already drawn at this size and place is recoloured in place (county-map.ts says why);
  // anything else (the first map, another size, state or selection) is drawn anew.
  // A map drawn anew shows its fills and lines first; the county paths (pointer, tooltips, data
  // attributes) follow once that frame is painted (county-map.ts: addCountyPaths says why).
  const previous = panel.chart.firstElementChild;
  const map = attempt(
    (message) => panel.error(message),
    () => (previous && recolourCountyMap(previous, input) ? (previous as HTMLElement) : countyMap(input, { countyPathsLater: true })),
  );
  // How long the map takes to draw, for bench/dashboard.ts.
  performance.measure('vigil:map-render', { start: started });
  if (!map) return null;
  const rows = focus ? aggregates.rows.filter((r) => r.geography.startsWith(focus)).length : aggregates.rows.length;
  panel.ready(
    map,
    `${caption}: ${formatCount(summary.total)} ${noun.toLowerCase()} shown, ${formatCount(summary.filled)} counties shaded${summary.suppressed ? `, ${formatCount(summary.suppressed)} suppressed` : ''}`,
    { rows, total: summary.total },
  );
  performance.mark('vigil:map-drawn');
  if (map.dataset['countyPaths'] === 'pending') {
    // A task queued from the next frame's callbacks runs once that frame (the map) is painted:
    // the paths' work, and their parsing and styling, go into the frames after it.
    requestAnimationFrame(() =>
      setTimeout(() => {
        // A map already replaced (a newer draw) is left as it is.
        if (map.isConnected && addCountyPaths(map)) performance.mark('vigil:map-interactive');
      }),
    );
  }
  return null;
}

export function drawSeries(ctx: AppContext, panel: Panel, data: OverviewData, series: readonly SeriesData[]): unknown {
  const { filters } = data;
  const geo = series[0]?.geo ?? NATION;
  const place = placeName(geo, (fips) => ctx.countyName(fips));
  panel.setTitle(`${place}, ${UNIT_WORDS[filters.unit]}`);
  const measureLabel = ctx.measureLabel(filters.measure);
  const period = formatPeriod(filters.from, filters.to);
  const periods = periodsFor(filters.unit, filters.from, filters.to);
  const parts: HTMLElement[] = [];
  const notes: string[] = [];
  let failure: unknown = null;
  let rows = 0;
  let total = 0;
  let unavailable = 0;

  for (const s of series) {
    const noun = countNoun(s.source);
    if (s.measure === null || s.result === null) {
      notes.push(`${noun}: no ED syndrome for this drug class.`);
      continue;
    }
    if (s.result.status === 'rejected') {
      if (isNotAvailable(s.result.reason)) {
        unavailable++;
        notes.push(`${noun}: ${messageOf(s.result.reason)}`);
      } else {
        failure ??= s.result.reason;
        notes.push(`${noun}: ${messageOf(s.result.reason)}`);
      }
      continue;
    }
    const aggregates = s.result.value;
    const mine = aggregates.rows.filter((r) => r.geography === geo);
    const adjusted = effectiveAdjusted(filters, aggregates);
    const points = completeSeries(mine, periods, adjusted);
    const counted = points.reduce((sum, p) => sum + (p.count ?? 0), 0);
    if (counted === 0 && !points.some((p) => p.suppressed)) {
      // A 12-month-ending count needs the 12 months before it: none in the data's first 11 months.
      notes.push(filters.unit === '12mo' && mine.length === 0 ? `${noun}: 12-month-ending counts need 12 months of data before each month; choose a later period or another unit.` : `${noun}: none match these filters.`);
      continue;
    }
    if (filters.value === 'rate' && points.every((p) => p.rate === null)) {
      notes.push(`${noun}: no population estimates, so no rate; choose Count.`);
      continue;
    }
    const detectionGeo = levelOf(geo) === 'county' ? null : geo;
    const flags = data.flags?.status === 'fulfilled' ? data.flags.value : null;
    const statuses = flags && detectionGeo ? statusSpans(flags.filter((a) => a.source === s.source && a.measure === s.measure && a.geography === detectionGeo), methodLabel) : null;
    const chart = attempt(
      (message) => notes.push(`${noun}: ${message}`),
      () =>
        timeSeries({
          points,
          unit: filters.unit,
          value: filters.value,
          adjusted,
          noun,
          placeLabel: place,
          measureLabel: s.source === 'deaths' ? measureLabel : ctx.measureLabel(s.measure!),
          width: panel.width,
          statuses,
          statusCoverage: 'flagged',
          detectionUnit: s.source === 'deaths' ? 'week' : 'day',
        }),
    );
    if (!chart) continue;
    rows += mine.length;
    total += counted;
    if (series.length > 1) {
      const heading = document.createElement('h3');
      heading.textContent = `${noun}: ${formatCount(counted)} (${s.source === 'deaths' ? measureLabel : ctx.measureLabel(s.measure!)})${adjustmentNote(filters, aggregates)}`;
      parts.push(heading);
    }
    chart.dataset['source'] = s.source;
    parts.push(chart);
    if (series.length === 1) notes.unshift(`${formatCount(counted)} ${counted === 1 ? singular(noun) : noun.toLowerCase()}${points.some((p) => p.suppressed) ? ' shown (suppressed periods not counted)' : ''}${adjustmentNote(filters, aggregates)}`);
    const pending = pendingNote(mine);
    if (pending) notes.push(pending);
  }

  const caption = `${measureLabel}, ${period}`;
  if (parts.length === 0) {
    if (unavailable > 0 && unavailable === series.length) panel.unavailable(notes.join(' '));
    else if (failure) return failed(panel, failure);
    else panel.empty(caption, notes.join(' ') || 'Nothing to show for these filters.');
    return null;
  }
  const content = document.createElement('div');
  content.className = 'series-stack';
  content.append(...parts);
  panel.ready(content, [caption, ...notes].join(' · '), { rows, total });
  return failure;
}

/** "death", "ED visit": for a count of one. */
export function singular(noun: string): string {
  return noun.toLowerCase().replace(/s$/, '');
}

/** "3.1% of deaths in Apr 2024 pending investigation": provisional data, NCHS VSRR style. */
export function pendingNote(rows: readonly AggregateRow[]): string | null {
  const latest = [...rows].filter((r) => r.pendingShare !== null && r.period !== null).sort((a, b) => (a.period! < b.period! ? 1 : -1))[0];
  if (!latest) return null;
  return `${(latest.pendingShare! * 100).toFixed(1)}% of all deaths in the latest period (${latest.period}) pending investigation`;
}

export function drawAlerts(ctx: AppContext, panel: Panel, result: PromiseSettledResult<AlertRow[]>, minCases: number): void {
  if (result.status === 'rejected') {
    failed(panel, result.reason);
    return;
  }
  const rows = result.value;
  if (rows.length === 0) {
    panel.empty('', 'No alerts or warnings in the latest detection run (or detection has not run yet).');
    return;
  }
  const alertsN = rows.filter((r) => r.status === 'alert').length;
  const caption = `${formatCount(alertsN)} alerts and ${formatCount(rows.length - alertsN)} warnings with at least ${minCases} cases in the latest detection run${rows.length > 10 ? '; the 10 newest here, all on the Alerts page' : ''}`;
  const table = attempt((m) => panel.error(m), () => alertList({ rows, measureLabel: (k) => ctx.measureLabel(k), placeName: (g) => placeName(g, (f) => ctx.countyName(f)), limit: 10 }));
  if (table) panel.ready(table, caption, { rows: rows.length, total: rows.length });
}

export function drawClusters(ctx: AppContext, panel: Panel, result: PromiseSettledResult<ClusterRow[]>): void {
  if (result.status === 'rejected') {
    if (isNotAvailable(result.reason)) panel.unavailable('Space-time clusters are not available on this server yet; they appear here once its scan results are served (GET /api/clusters).');
    else failed(panel, result.reason);
    return;
  }
  const rows = result.value;
  if (rows.length === 0) {
    panel.empty('', 'No space-time clusters in the latest scan.');
    return;
  }
  const table = attempt((m) => panel.error(m), () => clusterList({ rows, countyName: (f) => ctx.countyName(f), measureLabel: (k) => ctx.measureLabel(k), selected: null, limit: 5 }));
  if (table) panel.ready(table, `${formatCount(rows.length)} clusters in the latest scan${rows.length > 5 ? '; the first 5 here' : ''}`, { rows: rows.length, total: rows.length });
}

export function drawLineList(ctx: AppContext, panel: Panel, filters: Filters, result: PromiseSettledResult<RecordPage>): void {
  if (result.status === 'rejected') {
    if (isNotAvailable(result.reason)) panel.unavailable('Line lists are not available on this server yet; the records behind a place appear here once it serves them (GET /api/records).');
    else failed(panel, result.reason);
    return;
  }
  const place = placeName(filters.geo, (f) => ctx.countyName(f));
  const list = recordList({ records: result.value.records, total: result.value.total, countyName: (f) => ctx.countyName(f), empty: `No records of ${ctx.measureLabel(filters.measure).toLowerCase()} in ${place}, ${formatPeriod(filters.from, filters.to)}.` });
  panel.ready(list, `${ctx.measureLabel(filters.measure)}, ${place}, ${formatPeriod(filters.from, filters.to)}`, { rows: result.value.records.length, total: result.value.total });
}

/** A failed load: "not available here" is a state, anything else an error to report. */
export function failed(panel: Panel, reason: unknown): unknown {
  if (isNotAvailable(reason)) {
    panel.unavailable(messageOf(reason));
    return null;
  }
  panel.error(messageOf(reason));
  return reason;
}
