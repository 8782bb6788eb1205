// National monthly series of deaths (or the monthly rate per 100,000) for one measure.
// A pure function of its data: the page decides when to fetch and where to put the element.
import * as Plot from '@observablehq/plot';
import type { AggregateRow } from '../api.ts';
import type { ValueKind } from '../filters.ts';
import { formatCount, formatMonth, formatRate, monthDate } from '../format.ts';

/** The darkest colour of the map's ramp, so the two charts read as one measure. */
const LINE = '#b10026';

export interface SeriesPoint {
  month: string;
  date: Date;
  deaths: number;
  ratePer100k: number | null;
}

/**
 * One point per month of the period. The API leaves out months without deaths; here they are
 * zeros, so the line does not bridge a gap as if deaths had been reported there.
 */
export function completeSeries(rows: readonly AggregateRow[], months: readonly string[]): SeriesPoint[] {
  const byMonth = new Map(rows.map((row) => [row.period, row]));
  const hasPopulation = rows.some((row) => row.population !== null && row.population > 0);
  return months.map((month) => {
    const row = byMonth.get(month);
    return {
      month,
      date: monthDate(month),
      deaths: row?.deaths ?? 0,
      ratePer100k: row ? row.ratePer100k : hasPopulation ? 0 : null,
    };
  });
}

export interface NationalSeriesInput {
  /** geography=nation, unit=month rows. */
  rows: readonly AggregateRow[];
  /** Every month of the chosen period, YYYY-MM. */
  months: readonly string[];
  value: ValueKind;
  measureLabel: string;
  width: number;
}

export function nationalSeries(input: NationalSeriesInput): HTMLElement {
  const { value, measureLabel, width } = input;
  const points = completeSeries(input.rows, input.months);
  const y = value === 'rate' ? 'ratePer100k' : 'deaths';
  const format = value === 'rate' ? formatRate : formatCount;
  const yLabel = value === 'rate' ? 'Deaths per 100,000 per month' : 'Deaths per month';
  const defined = points.filter((p) => p[y] !== null);

  const plot = Plot.plot({
    width,
    height: Math.max(200, Math.min(320, Math.round(width * 0.32))),
    marginLeft: 56,
    ariaLabel: `${measureLabel}, United States, by month`,
    ariaDescription: defined.map((p) => `${formatMonth(p.month)}: ${format(p[y]!)}`).join('; '),
    x: { type: 'utc', label: null, ticks: tickInterval(points.length) },
    y: { label: yLabel, grid: true, zero: true, tickFormat: (d: number) => format(d) },
    marks: [
      Plot.areaY(defined, { x: 'date', y, fill: LINE, fillOpacity: 0.12 }),
      Plot.lineY(defined, { x: 'date', y, stroke: LINE, strokeWidth: 2 }),
      Plot.ruleY([0]),
      Plot.dot(defined, {
        x: 'date',
        y,
        fill: LINE,
        r: 3.5,
        tip: true,
        title: (p: SeriesPoint) =>
          `${formatMonth(p.month)}\n${formatCount(p.deaths)} deaths` +
          (p.ratePer100k === null ? '' : `\n${formatRate(p.ratePer100k)} per 100,000`),
      }),
    ],
  });

  const figure = document.createElement('figure');
  figure.className = 'national-series';
  figure.append(plot);
  if (value === 'rate') {
    const note = document.createElement('p');
    note.className = 'legend-note';
    note.textContent = 'Monthly rates are deaths in the month per 100,000 population, not annualised.';
    figure.append(note);
  }
  return figure;
}

function tickInterval(months: number): string {
  if (months <= 12) return 'month';
  if (months <= 36) return '3 months';
  return 'year';
}
