/**
 * CUSUM as R's surveillance::algo.cusum (surveillance 1.20): k = 1.04, h = 2.26, reference value
 * m = mean of the counts before the first monitored week, alarm when the sum reaches h (≥), no
 * reset. Transformation 'rossi' (Rossi et al. 1999 approximate Poisson, as docs/ALERTS.md asks),
 * x → (x - 3m + 2√(xm)) / (2√m); algo.cusum's own default is 'standard', (x - m)/√m, available here.
 */
import { mean } from './moments.ts';
import { type DetectorPoint, assertCounts } from './status.ts';

export type CusumTransform = 'rossi' | 'standard';

export interface CusumOptions {
  /** First monitored index (0-based); the counts before it are phase 1 and give m. Ours: 52 (a year of weeks); algo.cusum has no default range. */
  start?: number;
  k?: number;
  h?: number;
  /** Reference value; default the mean of counts[0 … start-1] (algo.cusum's m = NULL). */
  m?: number;
  trans?: CusumTransform;
}

export interface CusumPoint extends DetectorPoint {
  /** algo.cusum's alarm: the cumulative sum ≥ h. */
  alarm: boolean;
}

/** The count that would make the sum reach h, given the previous sum (algo.cusum's upperbound). */
function upperBound(trans: CusumTransform, m: number, k: number, h: number, previous: number): number {
  const rm = Math.sqrt(m);
  const ub =
    trans === 'rossi'
      ? 2 * h * rm + 2 * k * rm - 2 * previous * rm + 5 * m - 2 * Math.sqrt(4 * m * m + 2 * m ** 1.5 * h + 2 * m ** 1.5 * k - 2 * m ** 1.5 * previous)
      : Math.ceil(rm * (h + k - previous) + m);
  return Number.isNaN(ub) || ub < 0 ? 0 : ub;
}

/** surveillance::algo.cusum over a weekly count series (oldest first); one point per week. */
export function cusum(counts: readonly number[], options: CusumOptions = {}): CusumPoint[] {
  assertCounts(counts);
  const start = options.start ?? 52;
  const k = options.k ?? 1.04;
  const h = options.h ?? 2.26;
  const trans = options.trans ?? 'rossi';
  if (!Number.isInteger(start) || start < 0 || (start === 0 && options.m === undefined)) throw new Error(`invalid CUSUM start: ${start} (phase 1 needs at least one count, or give m)`);
  const m = options.m ?? mean(counts, 0, start);
  const points: CusumPoint[] = [];
  let previous = 0;
  counts.forEach((x, t) => {
    if (t < start || !(m > 0)) {
      points.push({ observed: x, statistic: null, expected: null, threshold: null, p: null, status: 'insufficient', alarm: false });
      return;
    }
    const standardised = trans === 'rossi' ? (x - 3 * m + 2 * Math.sqrt(x * m)) / (2 * Math.sqrt(m)) : (x - m) / Math.sqrt(m);
    const threshold = upperBound(trans, m, k, h, previous);
    const sum = Math.max(0, previous + standardised - k);
    const alarm = sum >= h;
    points.push({ observed: x, statistic: sum, expected: m, threshold, p: null, status: alarm ? 'alert' : 'none', alarm });
    previous = sum;
  });
  return points;
}
