// Drug combinations in one period: the most frequent combinations of drug classes among overdose
// deaths, as bars of the period's count with a tick at the previous period's, the share and the
// change written out, and the withheld small combinations said in words. A pure function.
import * as Plot from '@observablehq/plot';
import type { CombinationTable } from '../api/combinations.ts';
import { formatCount, formatShare } from '../format.ts';
import { noteWithSwatch } from './marks.ts';

export interface CombinationBarsInput {
  table: CombinationTable;
  drugLabel: (key: string) => string;
  periodLabel: string;
  width: number;
  limit?: number;
}

interface Bar {
  label: string;
  count: number;
  previous: number | null;
  note: string;
}

export function combinationLabel(drugs: readonly string[], drugLabel: (key: string) => string): string {
  return drugs.length === 0 ? 'No drug class specified' : drugs.map(drugLabel).join(' + ');
}

export function changeText(count: number, previous: number | null): string {
  if (previous === null) return 'no earlier period';
  const diff = count - previous;
  if (previous === 0) return diff === 0 ? 'unchanged' : `+${formatCount(diff)} (none before)`;
  const pct = (diff / previous) * 100;
  return `${diff >= 0 ? '+' : '−'}${formatCount(Math.abs(diff))} (${diff >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(0)}%)`;
}

export function combinationBars(input: CombinationBarsInput): HTMLElement {
  const { table } = input;
  const bars: Bar[] = table.combinations
    .filter((c): c is typeof c & { count: number } => c.count !== null)
    .sort((a, b) => b.count - a.count)
    .slice(0, input.limit ?? 15)
    .map((c) => ({
      label: combinationLabel(c.drugs, input.drugLabel),
      count: c.count,
      previous: c.previousCount,
      note: `${c.share === null ? '' : `${formatShare(c.share)} · `}${changeText(c.count, c.previousCount)}`,
    }));
  const plot = Plot.plot({
    width: input.width,
    height: 48 + bars.length * 26,
    marginLeft: Math.min(360, Math.max(140, Math.max(0, ...bars.map((b) => b.label.length)) * 6.2)),
    marginRight: 170,
    ariaLabel: `Most frequent drug combinations, ${input.periodLabel}`,
    ariaDescription: bars.map((b) => `${b.label}: ${formatCount(b.count)}, ${b.note}`).join('; '),
    x: { label: `Deaths, ${input.periodLabel}`, grid: true, axis: 'top' },
    y: { label: null, domain: bars.map((b) => b.label) },
    marks: [
      Plot.barX(bars, { y: 'label', x: 'count', fill: '#0b5cad', title: (b: Bar) => `${b.label}\n${formatCount(b.count)} deaths\n${b.note}` }),
      Plot.tickX(bars.filter((b) => b.previous !== null), { y: 'label', x: 'previous', stroke: '#1f2328', strokeWidth: 2.5 }),
      Plot.text(bars, { y: 'label', x: (b: Bar) => Math.max(b.count, b.previous ?? 0), text: (b: Bar) => `${formatCount(b.count)} · ${b.note}`, dx: 6, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  });
  const figure = document.createElement('figure');
  figure.className = 'combination-bars';
  figure.append(plot, noteWithSwatch('swatch-tick', `Black tick: the count in the previous period${table.previousPeriod ? ` (${table.previousPeriod})` : ''}. Each death counts once, under its whole combination.`));
  const withheld = table.combinations.filter((c) => c.count === null).length;
  if (withheld > 0 || table.other) {
    const note = document.createElement('p');
    note.className = 'legend-note';
    const together = table.other?.count ?? null;
    note.textContent = `Withheld (small counts): ${withheld ? `${formatCount(withheld)} combination${withheld === 1 ? '' : 's'}` : 'some combinations'}${together !== null ? `, ${formatCount(together)} deaths together` : ''}.`;
    figure.append(note);
  }
  return figure;
}
