/**
 * ESSENCE "Regression/EWMA switch": the adaptive regression when its baseline fit explains the
 * series (adjusted R² ≥ 0.60), else EWMA with w = 0.4. Also EWMA when the regression has too
 * little baseline (under 11 days) but EWMA has enough (7 days).
 */
import { ewma } from './ewma.ts';
import { type RegressionOptions, adaptiveRegression } from './regression.ts';
import type { DetectorPoint } from './status.ts';

export interface SwitchOptions extends RegressionOptions {
  /** Adjusted R² at or above which the regression is used (ESSENCE: 0.60). */
  minAdjustedR2?: number;
  /** The EWMA weight used otherwise (ESSENCE: 0.4). */
  ewmaWeight?: number;
}

export interface SwitchPoint extends DetectorPoint {
  /** Which detector produced this point; null when neither had enough baseline. */
  method: 'regression' | 'ewma' | null;
  adjustedR2: number | null;
  suppressed: boolean;
}

export function regressionEwmaSwitch(counts: readonly number[], options: SwitchOptions): SwitchPoint[] {
  const minR2 = options.minAdjustedR2 ?? 0.6;
  const regression = adaptiveRegression(counts, options);
  const smooth = ewma(counts, { baselineDays: options.baselineDays ?? 28, guardDays: options.guardDays ?? 2, weights: [options.ewmaWeight ?? 0.4] });
  return counts.map((y, t): SwitchPoint => {
    const r = regression[t]!;
    const e = smooth[t]!;
    const pick = <P extends DetectorPoint>(point: P) => ({ observed: y, statistic: point.statistic, expected: point.expected, threshold: point.threshold, p: point.p, status: point.status });
    if (r.status !== 'insufficient' && r.adjustedR2 !== null && r.adjustedR2 >= minR2) {
      return { ...pick(r), method: 'regression', adjustedR2: r.adjustedR2, suppressed: r.suppressed };
    }
    if (e.status !== 'insufficient') return { ...pick(e), method: 'ewma', adjustedR2: r.adjustedR2, suppressed: false };
    return { ...pick(e), method: null, adjustedR2: null, suppressed: false };
  });
}
