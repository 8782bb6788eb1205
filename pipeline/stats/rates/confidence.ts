/**
 * 95% confidence intervals for death rates as NCHS and CDC WONDER compute them (CDC WONDER
 * "Underlying Cause of Death" technical notes, "Rates" and "Confidence intervals"; NVSR "Deaths:
 * Final Data" technical notes, "Random variation"):
 * - fewer than 100 deaths: exact intervals from the gamma distribution (the Poisson count's exact
 *   limits for a crude rate; Fay & Feuer 1997 for an age-adjusted rate);
 * - 100 deaths or more: normal approximation, rate ± 1.96 · SE.
 */
import { gammaQuantile } from './gamma.ts';

export type IntervalMethod = 'gamma' | 'normal';

export interface ConfidenceInterval {
  lower: number;
  upper: number;
  method: IntervalMethod;
}

/** NCHS uses the normal approximation from 100 deaths on, and z = 1.96 for 95%. */
export const NORMAL_APPROXIMATION_MIN_DEATHS = 100;
export const Z_95 = 1.96;

function checkCount(deaths: number): void {
  if (!Number.isInteger(deaths) || deaths < 0) throw new RangeError(`deaths must be a non-negative integer, got ${deaths}`);
}

/**
 * Exact (Garwood) 95% limits of a Poisson mean given an observed count D: lower = GAMMAINV(0.025, D),
 * upper = GAMMAINV(0.975, D + 1) (lower 0 when D = 0). Divided by D these are the "lower and upper
 * 95% confidence limit factors" NCHS tabulates for 1-99 events.
 */
export function poissonCountInterval(deaths: number): { lower: number; upper: number } {
  checkCount(deaths);
  const known = deaths < NORMAL_APPROXIMATION_MIN_DEATHS ? SMALL_COUNT_LIMITS[deaths] : undefined;
  if (known) return { ...known };
  const limits = {
    lower: deaths === 0 ? 0 : gammaQuantile(0.025, deaths),
    upper: gammaQuantile(0.975, deaths + 1),
  };
  // The gamma quantile costs ~10 µs; an aggregate table asks for the same few counts thousands of times.
  if (deaths < NORMAL_APPROXIMATION_MIN_DEATHS) SMALL_COUNT_LIMITS[deaths] = { ...limits };
  return limits;
}

/** Limits already computed for counts below 100 (a pure function's results: filling it changes no answer). */
const SMALL_COUNT_LIMITS: ({ lower: number; upper: number } | undefined)[] = new Array(NORMAL_APPROXIMATION_MIN_DEATHS);

/**
 * 95% interval of a crude rate D/P × per: exact Poisson limits / P for D < 100, otherwise
 * R ± 1.96 · R/√D (the relative standard error of a Poisson count is 1/√D).
 */
export function crudeRateInterval(deaths: number, population: number, per = 100_000): ConfidenceInterval {
  checkCount(deaths);
  if (!(population > 0)) throw new RangeError(`population must be positive, got ${population}`);
  if (deaths < NORMAL_APPROXIMATION_MIN_DEATHS) {
    const { lower, upper } = poissonCountInterval(deaths);
    return { lower: (lower / population) * per, upper: (upper / population) * per, method: 'gamma' };
  }
  const rate = (deaths / population) * per;
  const half = (Z_95 * rate) / Math.sqrt(deaths);
  return { lower: rate - half, upper: rate + half, method: 'normal' };
}

/**
 * Fay & Feuer (1997) gamma interval for a directly standardized rate y = Σ w_i·d_i with
 * variance v = Σ w_i²·d_i, where w_i = (standard weight)/(population) of age group i and
 * wMax = max w_i (all in the same units as y):
 *   lower = GAMMAINV(0.025, y²/v, v/y)
 *   upper = GAMMAINV(0.975, (y + wMax)²/(v + wMax²), (v + wMax²)/(y + wMax))
 * With no deaths (y = v = 0) the lower limit is 0 and the upper one GAMMAINV(0.975, 1, wMax),
 * the limit of the same formula.
 */
export function fayFeuerInterval(rate: number, variance: number, wMax: number): { lower: number; upper: number } {
  if (!(rate >= 0) || !(variance >= 0) || !(wMax > 0)) {
    throw new RangeError(`Fay-Feuer interval needs rate ≥ 0, variance ≥ 0, wMax > 0 (got ${rate}, ${variance}, ${wMax})`);
  }
  const lower = rate === 0 ? 0 : gammaQuantile(0.025, (rate * rate) / variance, variance / rate);
  const shifted = rate + wMax;
  const shiftedVariance = variance + wMax * wMax;
  const upper = gammaQuantile(0.975, (shifted * shifted) / shiftedVariance, shiftedVariance / shifted);
  return { lower, upper };
}
