// Which drug classes occur together: a symmetric matrix of deaths involving both classes of a
// pair (the diagonal: deaths involving the class at all), shaded on a colour-blind-safe blue ramp
// with the count written in each cell; withheld cells hatched and marked. A pure function.
import * as Plot from '@observablehq/plot';
import type { PairCount } from '../api/combinations.ts';
import { formatCount } from '../format.ts';
import { hatchDefs, noteWithSwatch } from './marks.ts';

export interface CombinationMatrixInput {
  pairs: readonly PairCount[];
  drugLabel: (key: string) => string;
  periodLabel: string;
  width: number;
  /** Unique on the page: the hatch pattern's id. */
  id: string;
}

interface Cell {
  a: string;
  b: string;
  count: number | null;
}

export function combinationMatrix(input: CombinationMatrixInput): HTMLElement {
  // Both halves, so the matrix reads the same from either side.
  const cells = new Map<string, Cell>();
  for (const p of input.pairs) {
    const a = input.drugLabel(p.a);
    const b = input.drugLabel(p.b);
    cells.set(`${a}\u0000${b}`, { a, b, count: p.count });
    cells.set(`${b}\u0000${a}`, { a: b, b: a, count: p.count });
  }
  const all = [...cells.values()];
  const diagonal = (label: string) => all.find((c) => c.a === label && c.b === label)?.count ?? -1;
  const labels = [...new Set(all.map((c) => c.a))].sort((x, y) => diagonal(y) - diagonal(x) || x.localeCompare(y));
  const shown = all.filter((c): c is Cell & { count: number } => c.count !== null);
  const withheld = all.filter((c) => c.count === null);
  const max = Math.max(1, ...shown.map((c) => c.count));
  const longest = Math.max(0, ...labels.map((l) => l.length));
  const margin = Math.min(220, 40 + longest * 6);
  const side = Math.min(input.width, margin + labels.length * 52);
  const hatch = `${input.id}-hatch`;
  const plot = Plot.plot({
    width: side,
    height: side - margin + 50 + margin * 0.8,
    marginLeft: margin,
    marginBottom: margin * 0.8,
    ariaLabel: `Deaths involving each pair of drug classes, ${input.periodLabel}`,
    ariaDescription: shown.filter((c) => c.a <= c.b).map((c) => `${c.a} with ${c.b}: ${formatCount(c.count)}`).join('; '),
    x: { domain: labels, label: null, tickRotate: -40 },
    y: { domain: labels, label: null },
    color: { type: 'sqrt', scheme: 'blues', domain: [0, max] },
    marks: [
      hatchDefs(hatch),
      Plot.cell(shown, { x: 'a', y: 'b', fill: 'count', inset: 0.5, title: (c: Cell) => `${c.a === c.b ? c.a : `${c.a} with ${c.b}`}: ${formatCount(c.count!)} deaths` }),
      Plot.cell(withheld, { x: 'a', y: 'b', fill: `url(#${hatch})`, inset: 0.5, title: (c: Cell) => `${c.a} with ${c.b}: withheld (a small count)` }),
      // Dark text on light cells, light on dark: readable across the ramp.
      Plot.text(shown, { x: 'a', y: 'b', text: (c: Cell) => formatCount(c.count!), fill: (c: Cell) => (c.count! / max > 0.45 ? 'white' : '#1f2328'), fontSize: 11 }),
    ],
  });
  const legend = Plot.legend({ color: plot.scale('color')!, label: `Deaths involving both, ${input.periodLabel}`, marginLeft: 8, width: 280 });
  const figure = document.createElement('figure');
  figure.className = 'combination-matrix';
  const note = document.createElement('p');
  note.className = 'legend-note';
  note.textContent = 'The diagonal counts deaths involving the class at all; a cell off it, deaths involving both classes (with or without others).';
  figure.append(legend, plot, note);
  if (withheld.length) figure.append(noteWithSwatch('swatch-suppressed', 'Hatched: withheld, a small count.'));
  return figure;
}
