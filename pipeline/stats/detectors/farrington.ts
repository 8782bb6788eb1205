/**
 * Farrington flexible as R's surveillance::farringtonFlexible with its default control
 * (surveillance 1.20; Noufaily et al. 2013): b = 5 years, w = 3 weeks either side, noPeriods = 1,
 * quasi-Poisson GLM with trend, reweighting of Anscombe residuals > 2.58, φ ≥ 1, one-sided
 * 2/3-power upper bound at α = 0.05, alarm when y > U, y > 0 and ≥ 5 cases in the last 4 weeks.
 */
import { type FarringtonModelOptions, farringtonPredict } from './farrington-model.ts';
import { normalQuantile, normalUpper } from './normal.ts';
import { type DetectorPoint, assertCounts } from './status.ts';

export interface FarringtonOptions {
  b?: number;
  w?: number;
  /** Periods per year (52 weekly, 12 monthly); reference weeks are t - frequency·j, as R does for a non-date epoch. */
  frequency?: number;
  reweight?: boolean;
  weightsThreshold?: number;
  alpha?: number;
  trend?: boolean;
  pThresholdTrend?: number;
  /** [cases, periods]: no alarm unless the last `periods` weeks (this one included) hold ≥ `cases`. */
  limit54?: readonly [number, number];
  seDispersion?: FarringtonModelOptions['seDispersion'];
  /**
   * Fit only the last N periods (a GLM per period costs ~0.15 ms; a job wants the latest weeks of
   * hundreds of series). Earlier periods come back 'insufficient' with a note saying so.
   */
  lastPoints?: number;
}

export interface FarringtonPoint extends DetectorPoint {
  /** farringtonFlexible's alarm (its colour comes from p: red below 0.01, else yellow). */
  alarm: boolean;
  /** The limit54 rule: ≥ 5 cases in the last 4 weeks. R reports no upper bound when false; we still do. */
  enoughCases: boolean;
  /** R's score (y - μ0) / (U - μ0): alarm when > 1. Same as `statistic`. */
  score: number | null;
  /** max(φ, 1) of the final fit. */
  phi: number | null;
  /** Trend coefficient per week when the trend was kept. */
  trend: number | null;
  /** Years of baseline actually used (≤ b). */
  years: number;
  /** Plain-language caveat, e.g. fewer than b years of history; null when none. */
  note: string | null;
}

/** surveillance::farringtonFlexible over a weekly (or monthly) count series, oldest first. */
export function farringtonFlexible(counts: readonly number[], options: FarringtonOptions = {}): FarringtonPoint[] {
  assertCounts(counts);
  const b = options.b ?? 5;
  const w = options.w ?? 3;
  const freq = options.frequency ?? 52;
  const alpha = options.alpha ?? 0.05;
  const [limitCases, limitPeriods] = options.limit54 ?? [5, 4];
  if (!(b >= 1 && Number.isInteger(b)) || !(w >= 0 && 2 * w + 1 < freq)) throw new Error(`invalid Farrington window: b=${b} w=${w} frequency=${freq}`);
  const model: Omit<FarringtonModelOptions, 'years'> = {
    reweight: options.reweight ?? true,
    weightsThreshold: options.weightsThreshold ?? 2.58,
    trend: options.trend ?? true,
    pThresholdTrend: options.pThresholdTrend ?? 0.05,
    seDispersion: options.seDispersion ?? 'surveillance',
  };
  const z = normalQuantile(1 - alpha);

  const firstFitted = options.lastPoints === undefined ? 0 : Math.max(0, counts.length - options.lastPoints);
  return counts.map((y, t): FarringtonPoint => {
    // Full years of reference windows t - freq·j ± w that exist before t.
    const years = Math.min(b, Math.floor((t - w) / freq));
    const base = { observed: y, statistic: null, expected: null, threshold: null, p: null, alarm: false, enoughCases: false, score: null, phi: null, trend: null };
    if (t < firstFitted) return { ...base, status: 'insufficient', years: 0, note: 'not evaluated: only the last periods were asked for' };
    if (years < 1) {
      return { ...base, status: 'insufficient', years: 0, note: `less than one year of history (needs ${freq + w + 1} periods, has ${t + 1}); Farrington needs ${b} years` };
    }
    let note: string | null = null;
    if (years < b) {
      note = `only ${years} of ${b} years of history: baseline is ${years * (2 * w + 1)} periods instead of ${b * (2 * w + 1)}` + (years < 3 ? ', and no trend is fitted with fewer than 3 years' : '');
    }
    const idx: number[] = [];
    for (let j = years; j >= 1; j--) for (let d = -w; d <= w; d++) idx.push(t - freq * j + d);
    // R's wtime is the 1-based position in the series.
    const pred = farringtonPredict(
      idx.map((i) => counts[i]!),
      idx.map((i) => i + 1),
      t + 1,
      { ...model, years },
    );
    if (pred === null) {
      return { ...base, status: 'insufficient', years, note: [note, 'the GLM did not converge with or without trend (R: NA)'].filter(Boolean).join('; ') };
    }
    const { mu, se, phi, trend } = pred;
    // Delta method on the 2/3-power scale (algo.farrington.threshold.farrington).
    const tau = phi + (se * se) / mu;
    const sePower = Math.sqrt((4 / 9) * mu ** (1 / 3) * tau);
    const upper = (mu ** (2 / 3) + z * sePower) ** 1.5;
    const p = normalUpper((y ** (2 / 3) - mu ** (2 / 3)) / sePower);
    const score = (y - mu) / (upper - mu);
    let recent = 0;
    for (let i = Math.max(0, t - limitPeriods + 1); i <= t; i++) recent += counts[i]!;
    const enoughCases = recent >= limitCases;
    const alarm = enoughCases && score > 1 && y !== 0;
    const status = alarm ? (p < 0.01 ? 'alert' : 'warning') : 'none';
    return { observed: y, statistic: score, expected: mu, threshold: upper, p, status, alarm, enoughCases, score, phi, trend, years, note };
  });
}
