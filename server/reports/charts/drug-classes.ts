/**
 * Overdose deaths by drug class over the period, as horizontal bars, most deaths first. A pure
 * function of its data. Suppressed classes have no bar, only the word, and are listed last in
 * their report order so their place says nothing about their size.
 */
import * as Plot from '@observablehq/plot';
import { formatCount } from '../format.ts';
import { CHART_WIDTH, framedChart, MUTED, tagElements, type ChartText } from './frame.ts';
import { PERIOD_COLOR } from './trend.ts';

export interface DrugClassBar {
  key: string;
  label: string;
  /** null: suppressed. */
  deaths: number | null;
}

export interface DrugClassChartInput {
  classes: readonly DrugClassBar[];
  text: ChartText;
}

const ROW_HEIGHT = 30;

export function drugClassChart(document: Document, input: DrugClassChartInput): SVGSVGElement {
  const shown = input.classes.filter((c) => c.deaths !== null).sort((a, b) => b.deaths! - a.deaths!);
  const hidden = input.classes.filter((c) => c.deaths === null);
  const order = [...shown, ...hidden].map((c) => c.label);
  const height = 40 + ROW_HEIGHT * order.length;
  const max = Math.max(1, ...shown.map((c) => c.deaths!));

  const plot = Plot.plot({
    document,
    width: CHART_WIDTH,
    height,
    marginLeft: 300,
    marginRight: 60,
    x: { label: 'Deaths in the period', grid: true, domain: [0, max], nice: true },
    y: { label: null, domain: order, padding: 0.25 },
    marks: [
      Plot.barX(shown, {
        x: 'deaths',
        y: 'label',
        fill: PERIOD_COLOR,
        title: (c: DrugClassBar) => `${c.label}: ${formatCount(c.deaths!)} deaths`,
        render: tagElements('rect', (i) => ({ 'data-key': shown[i]!.key, 'data-deaths': String(shown[i]!.deaths) })),
      }),
      Plot.text(shown, { x: 'deaths', y: 'label', text: (c: DrugClassBar) => formatCount(c.deaths!), textAnchor: 'start', dx: 4 }),
      Plot.text(hidden, {
        x: 0,
        y: 'label',
        text: () => 'Suppressed',
        textAnchor: 'start',
        dx: 4,
        fill: MUTED,
        render: tagElements('text', (i) => ({ 'data-key': hidden[i]!.key, 'data-suppressed': 'true' })),
      }),
      Plot.ruleX([0]),
    ],
  });
  return framedChart(document, input.text, [{ element: plot as unknown as Element, height }], {
    id: 'drug-classes',
    ariaLabel: `${input.text.title}. ${input.text.subtitle}`,
  });
}
