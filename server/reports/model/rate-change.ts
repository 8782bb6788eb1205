/**
 * Change in a death rate between two periods, and whether it is statistically significant, as
 * NCHS data briefs test it: with 100 or more deaths in both periods, a two-sided z test of the
 * difference, z = (R₁ − R₀) / √(SE₁² + SE₀²), at the 0.05 level (SE = R/√D for a crude rate, the
 * direct-method SE for an age-adjusted one); with fewer, the two 95% intervals (gamma) are compared
 * and only intervals that do not overlap count as a difference, a conservative test.
 */
import { normalUpper } from '../../../pipeline/stats/detectors/normal.ts';
import { NORMAL_APPROXIMATION_MIN_DEATHS } from '../../../pipeline/stats/rates/confidence.ts';
import type { RateEstimate } from '../../../pipeline/stats/rates/crude-rate.ts';

export interface RateChange {
  /** (R₁ − R₀) / R₀ × 100; null when the earlier rate is 0. */
  percent: number | null;
  significant: boolean;
  method: 'z-test' | 'interval-overlap';
  /** Two-sided p of the z test; null for the interval comparison. */
  pValue: number | null;
}

export const SIGNIFICANCE_LEVEL = 0.05;

export function compareRates(current: RateEstimate & { standardError?: number }, previous: RateEstimate & { standardError?: number }): RateChange {
  const percent = previous.rate > 0 ? ((current.rate - previous.rate) / previous.rate) * 100 : null;
  if (current.deaths >= NORMAL_APPROXIMATION_MIN_DEATHS && previous.deaths >= NORMAL_APPROXIMATION_MIN_DEATHS) {
    const se = (r: RateEstimate & { standardError?: number }) => r.standardError ?? r.rate / Math.sqrt(r.deaths);
    const z = (current.rate - previous.rate) / Math.sqrt(se(current) ** 2 + se(previous) ** 2);
    const pValue = Math.min(1, 2 * normalUpper(Math.abs(z)));
    return { percent, significant: pValue < SIGNIFICANCE_LEVEL, method: 'z-test', pValue };
  }
  const apart = current.lower > previous.upper || current.upper < previous.lower;
  return { percent, significant: apart, method: 'interval-overlap', pValue: null };
}
