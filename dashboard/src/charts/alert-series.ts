// The series behind an alert: what was observed in each recent period, what the method expected
// (its baseline) and the threshold above which it alerts, each period in its ESSENCE colour and
// symbol; with the longer history of counts in grey when there is one. A pure function.
import * as Plot from '@observablehq/plot';
import type { AlertRow } from '../api/alerts.ts';
import { formatCount } from '../format.ts';
import { dayDate } from '../periods.ts';
import { noteWithSwatch } from './marks.ts';
import { STATUS_COLORS, STATUS_LABELS, STATUS_SYMBOLS, methodLabel } from './status.ts';

export interface HistoryPoint {
  date: Date;
  count: number;
}

export interface AlertSeriesInput {
  /** Every stored period of one series by one method (seriesOf), in period order. */
  rows: readonly AlertRow[];
  /** The alert being looked at: its period is marked. */
  period: string;
  /** Earlier counts of the same series (weekly deaths from /api/aggregates), or empty. */
  history: readonly HistoryPoint[];
  /** "Deaths" or "ED visits". */
  noun: string;
  title: string;
  width: number;
}

interface Point {
  date: Date;
  row: AlertRow;
}

export function alertSeries(input: AlertSeriesInput): HTMLElement {
  const { rows, noun, width } = input;
  const unit = rows[0]?.periodUnit ?? 'day';
  const points: Point[] = rows.map((row) => ({ date: dayDate(row.period), row }));
  const selected = points.filter((p) => p.row.period === input.period);
  const first = points[0]?.date.getTime() ?? 0;
  const history = input.history.filter((h) => h.date.getTime() <= (points[points.length - 1]?.date.getTime() ?? Infinity));
  const yLabel = `${noun} per ${unit === 'week' ? 'MMWR week' : 'day'}`;
  const defined = (key: 'expected' | 'threshold') => points.filter((p) => p.row[key] !== null);

  const plot = Plot.plot({
    width,
    height: Math.max(220, Math.min(340, Math.round(width * 0.36))),
    marginLeft: 56,
    marginRight: 110,
    ariaLabel: input.title,
    ariaDescription: points.map((p) => `${p.row.period}: observed ${formatCount(p.row.observed)}, expected ${p.row.expected?.toFixed(1) ?? 'unknown'}, ${STATUS_LABELS[p.row.status]}`).join('; '),
    x: { type: 'utc', label: null },
    y: { label: yLabel, grid: true, zero: true },
    symbol: { domain: Object.keys(STATUS_SYMBOLS), range: Object.values(STATUS_SYMBOLS) },
    marks: [
      Plot.lineY(history, { x: 'date', y: 'count', stroke: '#8c959f', strokeWidth: 1.25 }),
      Plot.ruleX([new Date(first)], { stroke: '#d0d7de', strokeDasharray: '2,3' }),
      Plot.lineY(defined('expected'), { x: 'date', y: (p: Point) => p.row.expected, stroke: '#2c7bb6', strokeWidth: 2, strokeDasharray: '6,3' }),
      Plot.lineY(defined('threshold'), { x: 'date', y: (p: Point) => p.row.threshold, stroke: '#1f2328', strokeWidth: 1.5, strokeDasharray: '2,2' }),
      Plot.text(defined('expected').slice(-1), { x: 'date', y: (p: Point) => p.row.expected, text: () => 'expected', dx: 8, textAnchor: 'start', fill: '#2c7bb6' }),
      Plot.text(defined('threshold').slice(-1), { x: 'date', y: (p: Point) => p.row.threshold, text: () => 'threshold', dx: 8, textAnchor: 'start', fill: '#1f2328' }),
      Plot.lineY(points, { x: 'date', y: (p: Point) => p.row.observed, stroke: '#1f2328', strokeWidth: 1 }),
      Plot.ruleY([0]),
      Plot.dot(selected, { x: 'date', y: (p: Point) => p.row.observed, r: 11, stroke: '#1f2328', strokeWidth: 1.5 }),
      Plot.dot(points, {
        x: 'date',
        y: (p: Point) => p.row.observed,
        symbol: (p: Point) => p.row.status,
        r: 6,
        fill: (p: Point) => STATUS_COLORS[p.row.status],
        stroke: '#1f2328',
        tip: true,
        title: (p: Point) =>
          [
            p.row.period,
            `observed ${formatCount(p.row.observed)}`,
            `expected ${p.row.expected?.toFixed(1) ?? 'unknown'}`,
            `threshold ${p.row.threshold?.toFixed(1) ?? 'unknown'}`,
            `${methodLabel(p.row.method)}: ${STATUS_LABELS[p.row.status]}${p.row.pValue === null ? '' : `, p = ${p.row.pValue < 0.001 ? '<0.001' : p.row.pValue.toFixed(3)}`}`,
            ...(p.row.note ? [p.row.note] : []),
          ].join('\n'),
      }),
    ],
  });

  const figure = document.createElement('figure');
  figure.className = 'alert-series';
  const notes = document.createElement('div');
  notes.className = 'legend-notes';
  const statuses = document.createElement('p');
  statuses.className = 'legend-note';
  for (const status of ['alert', 'warning', 'none', 'insufficient'] as const) {
    const item = document.createElement('span');
    item.className = 'legend-item';
    const swatch = document.createElement('span');
    swatch.className = `swatch status-${status}`;
    swatch.setAttribute('aria-hidden', 'true');
    item.append(swatch, STATUS_LABELS[status]);
    statuses.append(item);
  }
  notes.append(
    statuses,
    noteWithSwatch('swatch-expected', 'Dashed blue: expected (the method’s baseline).'),
    noteWithSwatch('swatch-threshold', 'Dotted black: threshold; a count above it alerts.'),
  );
  if (history.length) notes.append(noteWithSwatch('swatch-history', `Grey: the ${unit === 'week' ? 'weekly' : 'daily'} counts before the periods the run kept.`));
  const methodNotes = [...new Set(rows.map((r) => r.note).filter((n): n is string => n !== null))];
  for (const note of methodNotes) {
    const p = document.createElement('p');
    p.className = 'legend-note method-note';
    p.textContent = `From the method: ${note}`;
    notes.append(p);
  }
  figure.append(plot, notes);
  return figure;
}
