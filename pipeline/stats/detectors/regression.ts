/**
 * ESSENCE adaptive regression ("Regression 1.2"): OLS of the baseline counts on intercept, day
 * index and 6 day-of-week dummies over B = 28 days ending g = 2 days before the day tested
 * (minimum 11 days), forecast on the day tested, Student t p-value. Formulas as docs/ALERTS.md.
 */
import { leastSquares } from './least-squares.ts';
import { mean } from './moments.ts';
import { type DetectorPoint, assertCounts, statusFromP } from './status.ts';
import { studentTQuantile, studentTUpper } from './student-t.ts';

export interface RegressionOptions {
  /** Weekday of counts[0]: 0 = Sunday … 6 = Saturday (dummies and the weekend rule need it). */
  firstWeekday: number;
  /** B, days, a multiple of 7 (ESSENCE: 28). */
  baselineDays?: number;
  /** g (ESSENCE: 2). */
  guardDays?: number;
  /** Shortest baseline that gives a result (ESSENCE: 11; never below 9, df = n - 8). */
  minBaselineDays?: number;
}

export interface RegressionPoint extends DetectorPoint {
  baselineDays: number;
  weekday: number;
  sigma: number | null;
  /** Adjusted R² of the baseline fit; null when the baseline is flat (no variance to explain). */
  adjustedR2: number | null;
  /** An alert or warning turned to 'none' because the count is falling (see fallingCount). */
  suppressed: boolean;
}

/** Intercept, day index, dummies for Monday … Saturday (Sunday is the reference level). */
function designRow(dayIndex: number, weekday: number): number[] {
  return [1, dayIndex, ...[1, 2, 3, 4, 5, 6].map((d) => (weekday === d ? 1 : 0))];
}

/**
 * ESSENCE's falling-count rule: the count is below its 7-day moving average (days t-6 … t); on
 * Saturday and Sunday it must also be below the average of the same weekday over 7 weeks (t, t-7,
 * … t-42, those that exist), because weekend counts are below the weekly average by design.
 */
export function fallingCount(counts: readonly number[], t: number, weekday: number): boolean {
  const y = counts[t]!;
  const from = Math.max(0, t - 6);
  if (!(y < mean(counts, from, t + 1))) return false;
  if (weekday !== 0 && weekday !== 6) return true;
  const same: number[] = [];
  for (let k = 0; k < 7 && t - 7 * k >= 0; k++) same.push(counts[t - 7 * k]!);
  return y < mean(same);
}

/** ESSENCE adaptive regression over a daily count series (oldest first). */
export function adaptiveRegression(counts: readonly number[], options: RegressionOptions): RegressionPoint[] {
  assertCounts(counts);
  const B = options.baselineDays ?? 28;
  const g = options.guardDays ?? 2;
  const minN = options.minBaselineDays ?? 11;
  const first = options.firstWeekday;
  if (!Number.isInteger(first) || first < 0 || first > 6) throw new Error(`invalid firstWeekday: ${first}`);
  if (B % 7 !== 0 || minN < 9 || minN > B) throw new Error(`invalid regression baseline: ${minN} to ${B} days`);

  return counts.map((y, t): RegressionPoint => {
    const weekday = (first + t) % 7;
    const n = Math.min(B, t - g);
    if (n < minN) return { observed: y, statistic: null, expected: null, threshold: null, p: null, status: 'insufficient', baselineDays: 0, weekday, sigma: null, adjustedR2: null, suppressed: false };
    const from = t - g - n;
    const rows: number[][] = [];
    const ys: number[] = [];
    for (let k = 1; k <= n; k++) {
      rows.push(designRow(k, (first + from + k - 1) % 7));
      ys.push(counts[from + k - 1]!);
    }
    const fit = leastSquares(rows, ys);
    const beta = fit.coefficients;
    const predict = (row: readonly number[]) => row.reduce((s, x, i) => s + x * beta[i]!, 0);
    const sse = rows.reduce((s, row, i) => s + (ys[i]! - predict(row)) ** 2, 0);
    const yBar = mean(ys);
    const sst = ys.reduce((s, v) => s + (v - yBar) ** 2, 0);
    const df = n - 8;
    const mse = sse / df;
    const sigma = Math.max(Math.sqrt(mse) * Math.sqrt(((n + 7) * (n - 4)) / (n * (n - 7))), 0.01 / studentTQuantile(0.95, df));
    // Forecast day n + g + 1 of the baseline's day index, never below zero.
    const expected = Math.max(0, predict(designRow(n + g + 1, weekday)));
    const T = (y - expected) / sigma;
    const p = studentTUpper(T, df);
    const adjustedR2 = sst > 0 ? 1 - mse / (sst / (n - 1)) : null;
    let status = statusFromP(p);
    let suppressed = false;
    if ((status === 'alert' || status === 'warning') && fallingCount(counts, t, weekday)) {
      status = 'none';
      suppressed = true;
    }
    const threshold = expected + studentTQuantile(0.99, df) * sigma;
    return { observed: y, statistic: T, expected, threshold, p, status, baselineDays: n, weekday, sigma, adjustedR2, suppressed };
  });
}
