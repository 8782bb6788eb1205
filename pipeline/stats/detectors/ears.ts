/**
 * EARS C1, C2 and C3 exactly as R's surveillance::earsC (surveillance 1.20): baseline of 7 days,
 * C1 over t-7 … t-1, C2 over t-9 … t-3, upper bound mean + z_{1-α}·max(sd, minSigma);
 * C3 from the C2 statistics of t-1 and t-2. α = 0.001 for C1/C2 and 0.025 for C3 (earsC's
 * defaults when alpha is not given).
 */
import { mean, sd } from './moments.ts';
import { normalQuantile } from './normal.ts';
import { type DetectorPoint, assertCounts, finiteOrNull } from './status.ts';

export type EarsMethod = 'C1' | 'C2' | 'C3';

export interface EarsOptions {
  method?: EarsMethod;
  /** Days of baseline (earsC: 7, at least 3). */
  baseline?: number;
  /** Floor on the baseline sd (earsC: 0, so a flat baseline gives an upper bound equal to its mean). */
  minSigma?: number;
  /** earsC: 0.001 for C1 and C2, 0.025 for C3. */
  alpha?: number;
}

export interface EarsPoint extends DetectorPoint {
  /** earsC's alarm: observed > upper bound (false when not computable). */
  alarm: boolean;
}

const insufficient = (y: number): EarsPoint => ({ observed: y, statistic: null, expected: null, threshold: null, p: null, status: 'insufficient', alarm: false });

/** Mean, floored sd and C statistic of y[t] against the `baseline` days ending `lag` days before t. */
function cStatistic(counts: readonly number[], t: number, baseline: number, lag: number, minSigma: number) {
  const from = t - lag - baseline + 1;
  const m = mean(counts, from, t - lag + 1);
  const s = Math.max(sd(counts, from, t - lag + 1), minSigma);
  return { mean: m, sigma: s, c: (counts[t]! - m) / s };
}

/** surveillance::earsC over a daily count series (oldest first); one point per day. */
export function earsC(counts: readonly number[], options: EarsOptions = {}): EarsPoint[] {
  assertCounts(counts);
  const method = options.method ?? 'C1';
  const baseline = options.baseline ?? 7;
  const minSigma = options.minSigma ?? 0;
  const alpha = options.alpha ?? (method === 'C3' ? 0.025 : 0.001);
  if (baseline < 3) throw new Error(`EARS baseline must be at least 3 days: ${baseline}`);
  if (minSigma < 0) throw new Error(`EARS minSigma must not be negative: ${minSigma}`);
  const z = normalQuantile(1 - alpha);
  // earsC's first tested day (0-based): baseline, baseline + 2, baseline + 4.
  const firstDay = method === 'C1' ? baseline : method === 'C2' ? baseline + 2 : baseline + 4;

  return counts.map((y, t): EarsPoint => {
    if (t < firstDay) return insufficient(y);
    let statistic: number;
    let expected: number;
    let upper: number;
    if (method === 'C3') {
      const now = cStatistic(counts, t, baseline, 3, minSigma);
      const lag1 = cStatistic(counts, t - 1, baseline, 3, minSigma).c;
      const lag2 = cStatistic(counts, t - 2, baseline, 3, minSigma).c;
      // surveillance sums the C2 excesses of t-1 and t-2 only (the CDC's C3 also adds day t).
      statistic = Math.max(0, lag2 - 1) + Math.max(0, lag1 - 1);
      expected = now.mean;
      upper = Math.max(0, y + now.sigma * (z - statistic));
    } else {
      const c = cStatistic(counts, t, baseline, method === 'C1' ? 1 : 3, minSigma);
      statistic = c.c;
      expected = c.mean;
      upper = c.mean + z * c.sigma;
    }
    // A flat baseline with minSigma 0 makes the statistic 0/0 and, for C3, the bound NaN (R: NA).
    if (Number.isNaN(upper)) return { ...insufficient(y), expected };
    const alarm = y > upper;
    return { observed: y, statistic: finiteOrNull(statistic), expected, threshold: upper, p: null, status: alarm ? 'alert' : 'none', alarm };
  });
}
