// How drug combinations change over time: the count of each of the most frequent combinations,
// period by period, one line each in the Okabe-Ito colours (colour-blind safe) with a symbol per
// line so colour is not the only cue. Partial periods (only partly inside the data) are hollow. Pure.
import * as Plot from '@observablehq/plot';
import type { CombinationTable } from '../api/combinations.ts';
import { formatCount } from '../format.ts';
import { combinationLabel } from './combination-bars.ts';
import { noteWithSwatch } from './marks.ts';

/** Okabe & Ito (2008), "Color Universal Design". */
const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#0072B2', '#D55E00', '#CC79A7'];
const SYMBOLS = ['circle', 'square', 'triangle', 'diamond', 'star', 'cross'];

export interface CombinationTrendInput {
  tables: readonly CombinationTable[];
  drugLabel: (key: string) => string;
  width: number;
  /** How many combinations get a line (the most frequent over all periods). */
  top?: number;
}

interface Point {
  period: string;
  label: string;
  count: number;
  partial: boolean;
}

export function topCombinations(tables: readonly CombinationTable[], top: number): string[][] {
  const totals = new Map<string, { drugs: string[]; count: number }>();
  for (const table of tables) {
    for (const c of table.combinations) {
      if (c.count === null) continue;
      const key = c.drugs.join('+');
      const entry = totals.get(key) ?? { drugs: c.drugs, count: 0 };
      entry.count += c.count;
      totals.set(key, entry);
    }
  }
  return [...totals.values()].sort((a, b) => b.count - a.count || a.drugs.join('+').localeCompare(b.drugs.join('+'))).slice(0, top).map((e) => e.drugs);
}

export function combinationTrend(input: CombinationTrendInput): HTMLElement {
  const top = topCombinations(input.tables, input.top ?? 6);
  const labels = top.map((drugs) => combinationLabel(drugs, input.drugLabel));
  const points: Point[] = [];
  for (const table of input.tables) {
    top.forEach((drugs, i) => {
      const c = table.combinations.find((x) => x.drugs.join('+') === drugs.join('+'));
      // Not listed in a period: none that period (a withheld one is listed, with no count).
      if (c && c.count === null) return;
      points.push({ period: table.period, label: labels[i]!, count: c?.count ?? 0, partial: table.partial });
    });
  }
  const periods = input.tables.map((t) => t.period);
  const plot = Plot.plot({
    width: input.width,
    height: Math.max(220, Math.min(320, Math.round(input.width * 0.4))),
    marginLeft: 50,
    marginRight: 16,
    ariaLabel: 'Deaths by drug combination, period by period',
    ariaDescription: labels.map((l) => `${l}: ${points.filter((p) => p.label === l).map((p) => `${p.period} ${formatCount(p.count)}`).join(', ')}`).join('; '),
    x: { type: 'point', domain: periods, label: null, padding: 0.3 },
    y: { label: 'Deaths per period', grid: true, zero: true },
    color: { domain: labels, range: OKABE_ITO, legend: true },
    symbol: { domain: labels, range: SYMBOLS },
    marks: [
      Plot.ruleY([0]),
      Plot.lineY(points, { x: 'period', y: 'count', stroke: 'label', strokeWidth: 2 }),
      Plot.dot(points, {
        x: 'period',
        y: 'count',
        stroke: 'label',
        symbol: 'label',
        fill: (p: Point) => (p.partial ? 'white' : p.label),
        r: 4,
        title: (p: Point) => `${p.label}\n${p.period}: ${formatCount(p.count)} deaths${p.partial ? ' (partial period)' : ''}`,
      }),
    ],
  });
  const figure = document.createElement('figure');
  figure.className = 'combination-trend';
  figure.append(plot);
  if (points.some((p) => p.partial)) figure.append(noteWithSwatch('swatch-hollow', 'Hollow: a period only partly inside the data, so it reads low.'));
  return figure;
}
