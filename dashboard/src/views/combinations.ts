// Drug combinations: which drug classes occur together among overdose deaths in the chosen place
// and period, how each combination changed from the period before, and how the most frequent ones
// moved period by period.
import { combinationUnit, fetchCombinations, type Combinations } from '../api/combinations.ts';
import { combinationBars } from '../charts/combination-bars.ts';
import { combinationMatrix } from '../charts/combination-matrix.ts';
import { combinationTrend } from '../charts/combination-trend.ts';
import { attempt, type AppContext, type View } from '../context.ts';
import { monthsBetween } from '../filters.ts';
import { formatCount, formatPeriod } from '../format.ts';
import { Panel } from '../panel.ts';
import { placeName, stateOf } from '../places.ts';
import type { Route } from '../route.ts';
import { failed } from './overview-draw.ts';
import { settle } from './overview.ts';

export class CombinationsView implements View {
  private readonly bars: Panel;
  private readonly trend: Panel;
  private readonly matrix: Panel;
  private generation = 0;
  private last: { route: Route; result: PromiseSettledResult<Combinations> } | null = null;

  constructor(private readonly ctx: AppContext) {
    this.bars = Panel.of(ctx.document, 'combination-bars');
    this.trend = Panel.of(ctx.document, 'combination-trend');
    this.matrix = Panel.of(ctx.document, 'combination-matrix');
  }

  show(route: Route): void {
    this.ctx.guard(async () => {
      const generation = ++this.generation;
      for (const panel of [this.bars, this.trend, this.matrix]) panel.loading();
      const { filters } = route;
      // The public gets a state's combinations by calendar year only (the server's grid, public-grid.ts).
      const state = stateOf(filters.geo);
      const unit = state && !this.ctx.permissions.unsuppressed ? 'year' : combinationUnit(monthsBetween(filters.from, filters.to).length);
      const result = await settle(fetchCombinations(this.ctx.http, this.ctx.cache, { from: filters.from, to: filters.to, state, unit }));
      if (generation !== this.generation) return;
      this.last = { route, result };
      this.redraw();
    });
  }

  redraw(): void {
    if (!this.last) return;
    const { route, result } = this.last;
    const { filters } = route;
    const place = placeName(stateOf(filters.geo) ?? 'US');
    const period = formatPeriod(filters.from, filters.to);
    this.bars.setTitle(`Drug combinations, ${place}`);
    if (result.status === 'rejected') {
      for (const panel of [this.bars, this.trend, this.matrix]) failed(panel, result.reason);
      return;
    }
    const { classes, tables, suppression } = result.value;
    const drugLabel = (key: string) => shortDrugLabel(classes.get(key) ?? this.ctx.measureLabel(key));
    const latest = tables.at(-1);
    const withheld = suppression === 'none' ? '' : ` Small counts (1–9) are withheld below the nation.`;
    if (!latest || latest.combinations.length === 0) {
      const message = `No overdose deaths with a drug class in ${place}, ${period}. Try a longer period or another place.`;
      for (const panel of [this.bars, this.trend, this.matrix]) panel.empty(period, message);
      return;
    }
    const latestLabel = `${latest.period}${latest.partial ? ' (partial)' : ''}`;
    const bars = attempt((m) => this.bars.error(m), () => combinationBars({ table: latest, drugLabel, periodLabel: latestLabel, width: this.bars.width }));
    const shown = latest.combinations.reduce((s, c) => s + (c.count ?? 0), 0);
    if (bars) this.bars.ready(bars, `${latestLabel}, the latest period of ${period}: ${formatCount(latest.total ?? shown)} overdose deaths, ${formatCount(latest.combinations.length)} combinations.${withheld}`, { rows: latest.combinations.length, total: shown });

    if (tables.length < 2) this.trend.empty(period, 'One period only: choose a longer period to see the change.');
    else {
      const trend = attempt((m) => this.trend.error(m), () => combinationTrend({ tables, drugLabel, width: this.trend.width }));
      if (trend) this.trend.ready(trend, `${place}, ${period}, by ${tables[0]!.period.includes('Q') ? 'quarter' : tables[0]!.period.length === 4 ? 'year' : 'month'}: the six most frequent combinations`, { rows: tables.length, total: tables.reduce((s, t) => s + (t.total ?? 0), 0) });
    }

    if (latest.pairs.length === 0) this.matrix.empty(latestLabel, 'No pairs of drug classes to show (their names are withheld when counts are small).');
    else {
      const matrix = attempt((m) => this.matrix.error(m), () => combinationMatrix({ pairs: latest.pairs, drugLabel, periodLabel: latestLabel, width: this.matrix.width, id: 'combination-matrix' }));
      if (matrix) this.matrix.ready(matrix, `${place}, ${latestLabel}`, { rows: latest.pairs.length, total: latest.pairs.reduce((s, p) => s + (p.count ?? 0), 0) });
    }
  }
}

/**
 * Axis labels stay short: "Fentanyl and other synthetic opioids (T40.4)" → "Fentanyl",
 * "Psychostimulants such as methamphetamine (T43.6)" → "Psychostimulants". Tooltips and the
 * methods keep the full names.
 */
export function shortDrugLabel(label: string): string {
  return label
    .replace(/\s*\([^)]*\)\s*$/, '')
    .replace(/ and other .*$/, '')
    .replace(/ such as .*$/, '');
}
