// A place's series (count or rate per period) with what the latest detection run said about its
// recent periods, in ESSENCE colours (red alert, yellow warning, blue none, grey not computable)
// on a strip under the chart and on the points themselves when the units match. Suppressed
// periods show as such, unreliable rates hollow, confidence limits as a band. A pure function.
import * as Plot from '@observablehq/plot';
import { ticks } from 'd3';
import { rateOf, type AggregateRow } from '../api/aggregates.ts';
import type { AlertRow, AlertStatus } from '../api/alerts.ts';
import type { SeriesUnit, ValueKind } from '../filters.ts';
import { formatCount, formatRate } from '../format.ts';
import { dayDate, perUnit, type Period } from '../periods.ts';
import { STATUS_COLORS, STATUS_LABELS, STATUS_SYMBOLS, worstStatus } from './status.ts';
import { noteWithSwatch } from './marks.ts';

/** The darkest colour of the map's ramp, so the chart and the map read as one measure. */
const LINE = '#b10026';

export interface SeriesPoint {
  period: string;
  start: Date;
  end: Date;
  partial: boolean;
  count: number | null;
  rate: number | null;
  lower: number | null;
  upper: number | null;
  suppressed: boolean;
  unreliable: boolean;
}

/**
 * One point per period. The API leaves out periods without events; here they are zeros (rate 0
 * when the place has a population), so the line does not bridge a gap as if events had been there.
 */
export function completeSeries(rows: readonly AggregateRow[], periods: readonly Period[], adjusted = false): SeriesPoint[] {
  const byPeriod = new Map(rows.map((row) => [row.period, row]));
  const hasPopulation = rows.some((row) => row.population !== null && row.population > 0);
  return periods.map((p) => {
    const row = byPeriod.get(p.key);
    const rate = row ? rateOf(row, adjusted) : { rate: hasPopulation ? 0 : null, lower: null, upper: null };
    return {
      period: p.key,
      start: p.start,
      end: p.end,
      partial: p.partial,
      count: row ? row.count : 0,
      rate: rate.rate,
      lower: rate.lower,
      upper: rate.upper,
      suppressed: row?.suppressed ?? false,
      unreliable: row ? row.unreliable : true,
    };
  });
}

/** A detection period on the strip: its span and the worst status any method gave it. */
export interface StatusSpan {
  start: Date;
  end: Date;
  status: AlertStatus;
  detail: string;
}

/** Groups a series' detection rows by period; the span is a day or an MMWR week. */
export function statusSpans(rows: readonly AlertRow[], methodLabel: (method: string) => string): StatusSpan[] {
  const byPeriod = new Map<string, AlertRow[]>();
  for (const row of rows) byPeriod.set(row.period, [...(byPeriod.get(row.period) ?? []), row]);
  return [...byPeriod.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([period, results]) => {
      const start = dayDate(period);
      const days = results[0]!.periodUnit === 'week' ? 7 : 1;
      return {
        start,
        end: new Date(start.getTime() + days * 86_400_000),
        status: worstStatus(results.map((r) => r.status)),
        detail: results
          .map((r) => `${methodLabel(r.method)}: ${STATUS_LABELS[r.status]}${r.pValue === null ? '' : `, p = ${r.pValue < 0.001 ? '<0.001' : r.pValue.toFixed(3)}`}`)
          .join('\n'),
      };
    });
}

export interface TimeSeriesInput {
  points: readonly SeriesPoint[];
  unit: SeriesUnit;
  value: ValueKind;
  adjusted: boolean;
  /** "Deaths" or "ED visits". */
  noun: string;
  placeLabel: string;
  measureLabel: string;
  width: number;
  /** Detection results for this series, or null when the viewer may not see them. */
  statuses: readonly StatusSpan[] | null;
  /**
   * 'all': every status of the evaluated periods is known; 'flagged': only alerts and warnings
   * were fetched, so an evaluated period without a mark had neither.
   */
  statusCoverage: 'all' | 'flagged';
  /** The detection's own period, when the points share it ('week' for deaths, 'day' for ED). */
  detectionUnit: 'week' | 'day';
}

export function timeSeries(input: TimeSeriesInput): HTMLElement {
  const { points, unit, value, adjusted, noun, width } = input;
  const isRate = value === 'rate';
  const format = isRate ? formatRate : formatCount;
  const yLabel = isRate ? `${adjusted ? 'Age-adjusted rate' : `${noun} per 100,000`} ${perUnit(unit)}` : `${noun} ${perUnit(unit)}`;
  const y = (p: SeriesPoint) => (isRate ? p.rate : p.count);
  const shown = points.filter((p) => !p.suppressed && y(p) !== null);
  const suppressed = points.filter((p) => p.suppressed);
  const mid = (p: SeriesPoint) => new Date((p.start.getTime() + p.end.getTime()) / 2);
  const statusByStart = new Map((input.statuses ?? []).map((s) => [s.start.getTime(), s]));
  const pointStatus = (p: SeriesPoint) => (unit === input.detectionUnit ? statusByStart.get(p.start.getTime()) : undefined);
  const domain: [Date, Date] = [points[0]?.start ?? new Date(0), points[points.length - 1]?.end ?? new Date(0)];
  const height = Math.max(180, Math.min(300, Math.round(width * 0.3)));
  const intervals = isRate && shown.some((p) => p.lower !== null && p.upper !== null);

  const plot = Plot.plot({
    width,
    height,
    marginLeft: 56,
    marginRight: 16,
    ariaLabel: `${input.measureLabel}, ${input.placeLabel}, ${perUnit(unit)}`,
    ariaDescription: shown.map((p) => `${p.period}: ${format(y(p)!)}`).join('; '),
    x: { type: 'utc', label: null, domain, ticks: timeTicks(domain, width) },
    // Counts are whole: no 0.5-death ticks on a small series.
    y: { label: yLabel, grid: true, zero: true, tickFormat: (d: number) => format(d), ...(isRate ? {} : { ticks: wholeTicks(Math.max(1, ...shown.map((p) => p.count ?? 0)), height) }) },
    symbol: { domain: Object.keys(STATUS_SYMBOLS), range: Object.values(STATUS_SYMBOLS) },
    marks: [
      // Every point goes to the line and area, a suppressed one as a gap: the line never bridges it.
      intervals
        ? Plot.areaY(points, { x: mid, y1: (p: SeriesPoint) => gap(p, p.lower), y2: (p: SeriesPoint) => gap(p, p.upper), fill: LINE, fillOpacity: 0.15 })
        : // y1/y2, not y: areaY's implicit stack would read a gap as zero.
          Plot.areaY(points, { x: mid, y1: 0, y2: (p: SeriesPoint) => gap(p, y(p)), fill: LINE, fillOpacity: 0.08 }),
      Plot.lineY(points, { x: mid, y: (p: SeriesPoint) => gap(p, y(p)), stroke: LINE, strokeWidth: 2 }),
      Plot.ruleY([0]),
      Plot.dot(suppressed, { x: mid, y: 0, symbol: 'times', r: 5, stroke: '#57606a', strokeWidth: 2, title: (p: SeriesPoint) => `${p.period}: suppressed (1–9 ${noun.toLowerCase()})` }),
      Plot.dot(shown, {
        x: mid,
        y,
        r: (p: SeriesPoint) => (pointStatus(p) ? 6 : 3.5),
        symbol: (p: SeriesPoint) => pointStatus(p)?.status ?? 'none',
        fill: (p: SeriesPoint) => (p.partial || (isRate && p.unreliable) ? 'white' : (pointStatus(p) ? STATUS_COLORS[pointStatus(p)!.status] : LINE)),
        stroke: (p: SeriesPoint) => (pointStatus(p) ? '#1f2328' : LINE),
        strokeWidth: 1.5,
        tip: true,
        title: (p: SeriesPoint) => pointTitle(p, noun, pointStatus(p)),
      }),
    ],
  });

  const figure = document.createElement('figure');
  figure.className = 'time-series';
  figure.append(plot);
  if (input.statuses) figure.append(statusStrip(input, domain), statusLegend(input));
  figure.append(...seriesNotes(points, isRate, intervals, noun, unit));
  return figure;
}

/** Tick values for a count axis up to `max`: whole numbers only, about one per 40 px. */
export function wholeTicks(max: number, height: number): number[] {
  return ticks(0, max, Math.max(2, Math.floor(height / 40))).filter(Number.isInteger);
}

/** A value to draw, or NaN (a gap in the line) for a suppressed period or an unknown value. */
function gap(p: SeriesPoint, value: number | null): number {
  return p.suppressed || value === null ? NaN : value;
}

/** Calendar ticks that fit: months for a year or less, then quarters, then years (a tick per ~70 px). */
export function timeTicks(domain: [Date, Date], width: number): string {
  const months = Math.round((domain[1].getTime() - domain[0].getTime()) / (30.44 * 86_400_000) * 10) / 10;
  const room = Math.max(2, Math.floor((width - 72) / 70));
  if (months <= 1.5) return 'week';
  if (months <= room) return 'month';
  if (months <= room * 3) return '3 months';
  if (months <= room * 6) return '6 months';
  return 'year';
}

function pointTitle(p: SeriesPoint, noun: string, status: StatusSpan | undefined): string {
  const lines = [`${p.period}${p.partial ? ' (partial: only the days inside the chosen months)' : ''}`, `${formatCount(p.count ?? 0)} ${noun.toLowerCase()}`];
  if (p.rate !== null) lines.push(`${formatRate(p.rate)} per 100,000${p.lower !== null && p.upper !== null ? ` (95% CI ${formatRate(p.lower)}–${formatRate(p.upper)})` : ''}${p.unreliable ? ', unreliable (fewer than 20)' : ''}`);
  if (status) lines.push(status.detail);
  return lines.join('\n');
}

/** The detection strip: one cell per evaluated period, on the chart's time axis. */
function statusStrip(input: TimeSeriesInput, domain: [Date, Date]): SVGSVGElement | HTMLElement {
  const spans = input.statuses ?? [];
  return Plot.plot({
    width: input.width,
    height: 44,
    marginLeft: 56,
    marginRight: 16,
    marginTop: 4,
    marginBottom: 20,
    ariaLabel: 'Detection status of the latest run',
    ariaDescription: spans.length === 0 ? 'No alerts or warnings in this series.' : spans.map((s) => `${s.start.toISOString().slice(0, 10)}: ${STATUS_LABELS[s.status]}`).join('; '),
    x: { type: 'utc', domain, label: null, ticks: 0 },
    y: { axis: null, domain: [0, 1] },
    marks: [
      Plot.rectY([{ start: domain[0], end: domain[1] }], { x1: 'start', x2: 'end', y1: 0, y2: 1, fill: '#f6f8fa', stroke: '#d0d7de' }),
      Plot.rectY(spans, {
        x1: 'start',
        x2: 'end',
        y1: 0,
        y2: 1,
        fill: (s: StatusSpan) => STATUS_COLORS[s.status],
        stroke: 'white',
        title: (s: StatusSpan) => `${s.start.toISOString().slice(0, 10)}: ${STATUS_LABELS[s.status]}\n${s.detail}`,
        render: (index, scales, values, dimensions, context, next) => {
          const g = next!(index, scales, values, dimensions, context);
          g?.querySelectorAll(':scope > rect').forEach((rect, j) => rect.setAttribute('data-status', spans[index[j]!]!.status));
          return g;
        },
      }),
      Plot.text(['Detection'], { frameAnchor: 'left', dx: -6, textAnchor: 'end', fontSize: 10, fill: '#57606a' }),
    ],
  });
}

function statusLegend(input: TimeSeriesInput): HTMLElement {
  const legend = document.createElement('div');
  legend.className = 'status-legend legend-notes';
  const present = new Set((input.statuses ?? []).map((s) => s.status));
  const keys: AlertStatus[] = input.statusCoverage === 'all' ? ['alert', 'warning', 'none', 'insufficient'] : ['alert', 'warning'];
  const items = document.createElement('p');
  items.className = 'legend-note';
  for (const status of keys) {
    const item = document.createElement('span');
    item.className = 'legend-item';
    const swatch = document.createElement('span');
    swatch.className = `swatch status-${status}`;
    swatch.setAttribute('aria-hidden', 'true');
    item.append(swatch, `${STATUS_LABELS[status]}${present.has(status) ? '' : ' (none here)'}`);
    items.append(item);
  }
  legend.append(items);
  const what = input.detectionUnit === 'week' ? 'MMWR week' : 'day';
  const note = document.createElement('p');
  note.className = 'legend-note';
  note.textContent =
    input.statusCoverage === 'all'
      ? `Latest detection run, by ${what}: red p < 0.01, yellow p < 0.05, blue no signal, grey too little baseline to compute.`
      : `Latest detection run, by ${what}: alerts (p < 0.01) and warnings (p < 0.05) only; an evaluated ${what} without a mark had neither. The Alerts page shows every status.`;
  legend.append(note);
  return legend;
}

function seriesNotes(points: readonly SeriesPoint[], isRate: boolean, intervals: boolean, noun: string, unit: SeriesUnit): HTMLElement[] {
  const notes: HTMLElement[] = [];
  if (points.some((p) => p.suppressed)) notes.push(noteWithSwatch('swatch-times', `Suppressed period (1–9 ${noun.toLowerCase()}): a gap in the line.`));
  if (points.some((p) => p.partial)) notes.push(noteWithSwatch('swatch-hollow', `Hollow point at an end: a partial ${unit === 'week' ? 'week' : 'period'} (only the days inside the chosen months), so it reads low.`));
  if (isRate) {
    notes.push(noteWithSwatch('swatch-hollow', 'Hollow point: unreliable rate, from fewer than 20 (NCHS).'));
    if (intervals) notes.push(noteWithSwatch('swatch-band', 'Band: 95% confidence interval.'));
    if (unit !== 'year' && unit !== '12mo') notes.push(noteWithSwatch('swatch-blank', 'Rates are per period, not annualised.'));
  }
  return notes;
}
