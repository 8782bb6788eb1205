/**
 * The exact conditional test of two Poisson rates (Przyborowski & Wilenski 1940; R's
 * `poisson.test(c(x, y), c(T1, T2), alternative = "greater")`): given n = x + y events, under
 * equal rates x ~ Binomial(n, T1 / (T1 + T2)), so the one-sided p-value is P(X ≥ x).
 */
import { incompleteBeta } from '../detectors/student-t.ts';

/** P(X ≥ k) for X ~ Binomial(n, probability): the regularized incomplete beta I_p(k, n − k + 1). */
export function binomialUpperTail(k: number, n: number, probability: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n < 0) throw new RangeError(`binomial tail needs integers k and n ≥ 0, got k=${k}, n=${n}`);
  if (!(probability >= 0 && probability <= 1)) throw new RangeError(`probability must be in [0, 1], got ${probability}`);
  if (k <= 0) return 1;
  if (k > n) return 0;
  return incompleteBeta(probability, k, n - k + 1);
}

/** One-sided p-value that the rate over `exposure` (x events) exceeds the rate over `baselineExposure` (y events). */
export function poissonRateRatioTest(x: number, exposure: number, y: number, baselineExposure: number): number {
  if (!(exposure > 0 && baselineExposure > 0)) throw new RangeError(`exposures must be positive, got ${exposure} and ${baselineExposure}`);
  return binomialUpperTail(x, x + y, exposure / (exposure + baselineExposure));
}
