/**
 * Monthly overdose deaths (bars) and the annualised monthly rate (line) over the trend window, the
 * report period highlighted. A pure function of its data. Suppressed months carry no number: they
 * get no bar and no point, only an "S" on the axis, so a reader never takes them for zeros.
 */
import * as Plot from '@observablehq/plot';
import { shortMonthLabel } from '../period.ts';
import { CHART_WIDTH, framedChart, MUTED, tagElements, type ChartText } from './frame.ts';

export interface TrendChartMonth {
  month: string;
  segment: 'earlier' | 'previous' | 'period';
  /** null: suppressed. */
  deaths: number | null;
  /** Deaths per 100,000 per year; null: suppressed or no population. */
  rate: number | null;
  /** The rate is from 20 deaths or more. */
  reliable: boolean;
}

export interface TrendChartInput {
  months: readonly TrendChartMonth[];
  text: ChartText;
}

export const PERIOD_COLOR = '#b10026';
export const PREVIOUS_COLOR = '#f08c5a';
export const EARLIER_COLOR = '#a6a6a6';
const SEGMENT_COLORS = { period: PERIOD_COLOR, previous: PREVIOUS_COLOR, earlier: EARLIER_COLOR } as const;
const PERIOD_SHADE = '#fbeee6';
const PANEL_HEIGHT = 190;

interface Point extends TrendChartMonth {
  date: Date;
  /** Mid-month, where points and labels sit. */
  middle: Date;
}

function monthStart(month: string, offset = 0): Date {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m - 1 + offset, 1));
}

export function trendChart(document: Document, input: TrendChartInput): SVGSVGElement {
  const points: Point[] = input.months.map((m) => ({
    ...m,
    date: monthStart(m.month),
    middle: new Date((monthStart(m.month).getTime() + monthStart(m.month, 1).getTime()) / 2),
  }));
  const inPeriod = points.filter((p) => p.segment === 'period');
  const shade = inPeriod.length > 0 ? [{ x1: inPeriod[0]!.date, x2: monthStart(inPeriod[inPeriod.length - 1]!.month, 1) }] : [];
  const domain = points.length > 0 ? [points[0]!.date, monthStart(points[points.length - 1]!.month, 1)] : undefined;
  const x = { type: 'utc' as const, domain, label: null, ticks: points.length <= 12 ? 'month' : points.length <= 36 ? '3 months' : 'year' };
  const shown = points.filter((p) => p.deaths !== null);
  const suppressed = points.filter((p) => p.deaths === null);
  const rated = points.filter((p) => p.rate !== null);

  const deaths = Plot.plot({
    document,
    width: CHART_WIDTH,
    height: PANEL_HEIGHT,
    marginLeft: 56,
    marginRight: 20,
    x,
    y: { label: 'Deaths per month', grid: true, zero: true, nice: true },
    marks: [
      Plot.rect(shade, { x1: 'x1', x2: 'x2', fill: PERIOD_SHADE, ariaHidden: 'true' }),
      Plot.rectY(shown, {
        x1: 'date',
        x2: (p: Point) => monthStart(p.month, 1),
        y: 'deaths',
        fill: (p: Point) => SEGMENT_COLORS[p.segment],
        inset: 1,
        title: (p: Point) => `${shortMonthLabel(p.month)}: ${p.deaths} deaths`,
        render: tagElements('rect', (i) => ({ 'data-month': shown[i]!.month, 'data-deaths': String(shown[i]!.deaths) })),
      }),
      Plot.text(suppressed, {
        x: 'middle',
        y: 0,
        text: () => 'S',
        dy: -7,
        fill: MUTED,
        fontWeight: 'bold',
        render: tagElements('text', (i) => ({ 'data-month': suppressed[i]!.month, 'data-suppressed': 'true' })),
      }),
      Plot.ruleY([0]),
    ],
  });

  const rates = Plot.plot({
    document,
    width: CHART_WIDTH,
    height: PANEL_HEIGHT,
    marginLeft: 56,
    marginRight: 20,
    x,
    y: { label: 'Deaths per 100,000 per year', grid: true, zero: true, nice: true },
    marks: [
      Plot.rect(shade, { x1: 'x1', x2: 'x2', fill: PERIOD_SHADE, ariaHidden: 'true' }),
      // A month without a rate breaks the line rather than being bridged.
      Plot.lineY(points, { x: 'middle', y: (p: Point) => p.rate ?? Number.NaN, stroke: PERIOD_COLOR, strokeWidth: 1.5 }),
      Plot.dot(rated, {
        x: 'middle',
        y: 'rate',
        r: 3,
        stroke: PERIOD_COLOR,
        fill: (p: Point) => (p.reliable ? PERIOD_COLOR : 'white'),
        title: (p: Point) => `${shortMonthLabel(p.month)}: ${p.rate!.toFixed(1)} per 100,000 per year${p.reliable ? '' : ' (unreliable)'}`,
        render: tagElements('circle', (i) => ({ 'data-month': rated[i]!.month, 'data-rate': rated[i]!.rate!.toFixed(3) })),
      }),
      Plot.ruleY([0]),
    ],
  });

  return framedChart(
    document,
    input.text,
    [
      { element: deaths as unknown as Element, height: PANEL_HEIGHT },
      { element: rates as unknown as Element, height: PANEL_HEIGHT },
    ],
    { id: 'trend', ariaLabel: `${input.text.title}. ${input.text.subtitle}` },
  );
}
