/**
 * ESSENCE EWMA (CDC ESSENCE; the R package Rnssp's alert_ewma): baseline B = 28 days ending
 * g = 2 days before the day tested, weights 0.4 (gradual) and 0.9 (sudden), the smaller p of the
 * two reported. Formulas exactly as docs/ALERTS.md.
 */
import { mean, sd } from './moments.ts';
import { type DetectorPoint, assertCounts, statusFromP } from './status.ts';
import { studentTQuantile, studentTUpper } from './student-t.ts';

export interface EwmaOptions {
  /** B: the longest baseline, days (ESSENCE: 28). */
  baselineDays?: number;
  /** g: days between the baseline and the day tested (ESSENCE: 2). */
  guardDays?: number;
  /** The shortest baseline that gives a result; the baseline grows from it to B (ESSENCE: 7). */
  minBaselineDays?: number;
  /** Smoothing weights; the point reports the smallest p (ESSENCE: 0.4 and 0.9). */
  weights?: readonly number[];
}

export interface EwmaWeightResult {
  weight: number;
  /** z_t before damping. */
  z: number;
  sigma: number;
  /** T = (z_t - E) / σ. */
  statistic: number;
  /** E + t_{0.99,df}·σ: the level of z_t at which T turns red. */
  threshold: number;
  p: number;
}

export interface EwmaPoint extends DetectorPoint {
  /** Days of baseline used (n); 0 when too few. */
  baselineDays: number;
  /** The weight whose p is reported (the smallest), null when insufficient. */
  weight: number | null;
  byWeight: EwmaWeightResult[];
}

const DEFAULTS = { baselineDays: 28, guardDays: 2, minBaselineDays: 7, weights: [0.4, 0.9] } as const;

/** corr, minσ and const of docs/ALERTS.md for weight w, baseline n, guard g, t_{0.95,df}. */
export function ewmaSigmaTerms(w: number, n: number, g: number, t95: number) {
  const corr = Math.sqrt(w / (2 - w) + 1 / n - (2 * (1 - w) ** (g + 1) * (1 - (1 - w) ** n)) / n);
  const minSigma = (w / t95) * (0.01 + 0.05 * (1 - w) ** 2);
  const constant = (0.1289 - (0.2414 - 0.1826 * (1 - w) ** 4) * Math.log(10 * 0.05)) * (w / t95);
  return { corr, minSigma, constant };
}

/** ESSENCE EWMA over a daily count series (oldest first), one point per day. */
export function ewma(counts: readonly number[], options: EwmaOptions = {}): EwmaPoint[] {
  assertCounts(counts);
  const B = options.baselineDays ?? DEFAULTS.baselineDays;
  const g = options.guardDays ?? DEFAULTS.guardDays;
  const minN = options.minBaselineDays ?? DEFAULTS.minBaselineDays;
  const weights = options.weights ?? DEFAULTS.weights;
  if (minN < 2 || B < minN) throw new Error(`invalid EWMA baseline: ${minN} to ${B} days`);
  if (weights.length === 0 || weights.some((w) => !(w > 0 && w <= 1))) throw new Error(`invalid EWMA weights: ${weights.join(', ')}`);

  const zPrev: number[] = weights.map(() => Number.NaN);
  return counts.map((y, t) => {
    // z initialised at the first count; afterwards the (possibly damped) recursion.
    const zNow = weights.map((w, i) => (t === 0 ? y : w * y + (1 - w) * zPrev[i]!));
    const n = Math.min(B, t - g);
    if (n < minN) {
      zNow.forEach((z, i) => (zPrev[i] = z));
      return { observed: y, statistic: null, expected: null, threshold: null, p: null, status: 'insufficient', baselineDays: 0, weight: null, byWeight: [] };
    }
    // Baseline: days t-g-n … t-g-1.
    const from = t - g - n;
    const E = mean(counts, from, t - g);
    const s = sd(counts, from, t - g);
    const df = n - 1;
    const t95 = studentTQuantile(0.95, df);
    const t99 = studentTQuantile(0.99, df);
    const byWeight = weights.map((w, i): EwmaWeightResult => {
      const { corr, minSigma, constant } = ewmaSigmaTerms(w, n, g, t95);
      const sigma = Math.max(minSigma, s * corr + constant);
      const z = zNow[i]!;
      const T = (z - E) / sigma;
      // Damping: an outlier moves z at most to the red line, so it does not mask the next days.
      zPrev[i] = Math.abs(T) > t99 ? E + Math.sign(T) * t99 * sigma : z;
      return { weight: w, z, sigma, statistic: T, threshold: E + t99 * sigma, p: studentTUpper(T, df) };
    });
    let best = byWeight[0]!;
    for (const r of byWeight) if (r.p < best.p) best = r;
    return { observed: y, statistic: best.statistic, expected: E, threshold: best.threshold, p: best.p, status: statusFromP(best.p), baselineDays: n, weight: best.weight, byWeight };
  });
}
