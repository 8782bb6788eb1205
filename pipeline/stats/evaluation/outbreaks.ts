/**
 * Injected outbreaks: a centre county and its nearest neighbours, a start day in the evaluated
 * year, a duration, and extra cases in proportion to what the counties expect over the window,
 * spread over the days as the demo generator spreads its outbreaks (a triangle peaking a third of
 * the way in: fixtures/generator/outbreaks.ts) and over the counties by population. Seeded: the
 * same options give the same outbreaks, case for case.
 */
import { Rng } from '../../../fixtures/generator/random.ts';
import type { Baseline, EvaluationCounty } from './synthetic-series.ts';

export interface OutbreakPlanOptions {
  seed: number;
  count: number;
  /** Durations drawn uniformly in [min, max] days. */
  minDays: number;
  maxDays: number;
  /** Extra cases = max(minExtra, multiplier × expected) with the multiplier uniform in [min, max]. */
  minMultiplier: number;
  maxMultiplier: number;
  minExtraEd: number;
  minExtraDeaths: number;
  /** Counties besides the centre: 0 … maxNeighbours, uniform. */
  maxNeighbours: number;
}

export interface InjectedOutbreak {
  id: number;
  /** Indices into Baseline.counties, the centre first. */
  counties: number[];
  /** Index into the ED series of the first day, and the duration. */
  start: number;
  days: number;
  multiplier: number;
  /** ed[k][d]: extra visits in counties[k] on day start + d; deaths likewise by day (summed into weeks). */
  extraEd: number[][];
  extraDeaths: number[][];
}

/** Same shape as the demo generator's outbreaks: a fast rise to a peak a third of the way in, a slower fall. */
function curve(days: number): number[] {
  const peak = Math.floor(days / 3);
  const raw = Array.from({ length: days }, (_, i) => (i <= peak ? (i + 1) / (peak + 1) : (days - i) / (days - peak)));
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => x / sum);
}

/** The k counties nearest a centre, by an equirectangular distance (longitude scaled by cos latitude): enough to pick neighbours. */
function nearest(counties: readonly EvaluationCounty[], centre: number, k: number): number[] {
  const c = counties[centre]!;
  const scale = Math.cos((c.lat * Math.PI) / 180);
  return counties
    .map((o, i) => ({ i, d: ((o.lon - c.lon) * scale) ** 2 + (o.lat - c.lat) ** 2 }))
    .filter((o) => o.i !== centre)
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, k)
    .map((o) => o.i);
}

/** Draws `count` extra cases over days × counties (multinomial by curve × population). */
function spread(rng: Rng, count: number, shape: readonly number[], weights: readonly number[]): number[][] {
  const grid = weights.map(() => new Array<number>(shape.length).fill(0));
  const total = weights.reduce((a, b) => a + b, 0);
  for (let n = 0; n < count; n++) {
    let u = rng.next();
    let d = 0;
    while (d < shape.length - 1 && (u -= shape[d]!) > 0) d++;
    let v = rng.next() * total;
    let k = 0;
    while (k < weights.length - 1 && (v -= weights[k]!) > 0) k++;
    grid[k]![d]!++;
  }
  return grid;
}

/**
 * Plans outbreaks in the evaluated year. A county takes part in at most one outbreak at a time,
 * with 60 days between (so a detector's baseline is clean again and each alert is owed to one).
 */
export function planOutbreaks(baseline: Baseline, options: OutbreakPlanOptions): InjectedOutbreak[] {
  const rng = new Rng(options.seed, 'evaluation:outbreaks');
  const n = baseline.counties.length;
  const yearDays = baseline.edDaily[0]!.length - baseline.edYearStart;
  const busy: { from: number; to: number }[][] = Array.from({ length: n }, () => []);
  const outbreaks: InjectedOutbreak[] = [];
  for (let attempt = 0; outbreaks.length < options.count && attempt < options.count * 50; attempt++) {
    const days = rng.between(options.minDays, options.maxDays);
    const start = baseline.edYearStart + rng.int(Math.max(1, yearDays - days));
    const centre = rng.int(n);
    const members = [centre, ...nearest(baseline.counties, centre, rng.between(0, options.maxNeighbours))];
    if (members.some((k) => busy[k]!.some((b) => start < b.to + 60 && start + days + 60 > b.from))) continue;
    members.forEach((k) => busy[k]!.push({ from: start, to: start + days }));
    const multiplier = options.minMultiplier + rng.next() * (options.maxMultiplier - options.minMultiplier);
    const shape = curve(days);
    const expectedEd = members.reduce((s, k) => s + sumRange(baseline.edExpected[k]!, start, start + days), 0);
    // Deaths: the expected weekly deaths over the window's days (a seventh of each week's mean a day).
    const expectedDeaths = members.reduce((s, k) => s + expectedDeathsBetween(baseline, k, start, start + days), 0);
    const weights = members.map((k) => baseline.counties[k]!.population);
    outbreaks.push({
      id: outbreaks.length,
      counties: members,
      start,
      days,
      multiplier,
      extraEd: spread(rng, Math.max(options.minExtraEd, Math.round(multiplier * expectedEd)), shape, weights),
      extraDeaths: spread(rng, Math.max(options.minExtraDeaths, Math.round(multiplier * expectedDeaths)), shape, weights),
    });
  }
  return outbreaks.sort((a, b) => a.start - b.start || a.id - b.id).map((o, id) => ({ ...o, id }));
}

function sumRange(values: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  return sum;
}

/** ED day index → the death series' week index. */
export function weekOfEdDay(baseline: Baseline, edIndex: number): number {
  return Math.floor((baseline.edFirstDay + edIndex - baseline.deathFirstWeek) / 7);
}

function expectedDeathsBetween(baseline: Baseline, county: number, from: number, to: number): number {
  let sum = 0;
  for (let t = from; t < to; t++) sum += baseline.deathExpected[county]![weekOfEdDay(baseline, t)]! / 7;
  return sum;
}

/** The ED and death series with the outbreaks added (copies; only affected counties differ). */
export function injected(baseline: Baseline, outbreaks: readonly InjectedOutbreak[]): { edDaily: Int32Array[]; deathWeekly: Int32Array[]; affected: Set<number> } {
  const edDaily = baseline.edDaily.map((row) => Int32Array.from(row));
  const deathWeekly = baseline.deathWeekly.map((row) => Int32Array.from(row));
  const affected = new Set<number>();
  for (const o of outbreaks) {
    o.counties.forEach((k, j) => {
      affected.add(k);
      for (let d = 0; d < o.days; d++) {
        edDaily[k]![o.start + d]! += o.extraEd[j]![d]!;
        deathWeekly[k]![weekOfEdDay(baseline, o.start + d)]! += o.extraDeaths[j]![d]!;
      }
    });
  }
  return { edDaily, deathWeekly, affected };
}
