/**
 * Quasi-Poisson GLM with log link by IRLS, step for step as R's stats::glm.fit (start μ = y + 0.1,
 * converged when |dev - dev_old| / (|dev| + 0.1) < 1e-8, at most 25 iterations), so that the
 * Farrington detector reproduces surveillance::farringtonFlexible to rounding.
 */
import { type LeastSquaresFit, leastSquares } from './least-squares.ts';

const EPS = 2.220446049250313e-16; // .Machine$double.eps: R's floor on exp(η) for the log link

export interface QuasiPoissonFit {
  coefficients: number[];
  /** μ at the final coefficients. */
  fitted: number[];
  /** (y - μ) / μ, R's working residuals. */
  residuals: number[];
  /** R's object$weights: prior weight × μ of the last iteration's start. */
  workingWeights: number[];
  /** Hat values and (X'WX)^-1 of the last weighted least-squares step (R's qr). */
  qr: LeastSquaresFit;
  dfResidual: number;
  converged: boolean;
}

const linkInverse = (eta: number) => Math.max(Math.exp(eta), EPS);

function deviance(y: readonly number[], mu: readonly number[], weights: readonly number[]): number {
  let dev = 0;
  y.forEach((yi, i) => {
    const r = yi > 0 ? weights[i]! * (yi * Math.log(yi / mu[i]!) - (yi - mu[i]!)) : mu[i]! * weights[i]!;
    dev += 2 * r;
  });
  return dev;
}

/** Fits log E[y] = Xβ with Var(y) = φμ; `rows` is the design (n × p), `weights` the prior weights (> 0). */
export function fitQuasiPoisson(rows: readonly (readonly number[])[], y: readonly number[], weights: readonly number[] = y.map(() => 1)): QuasiPoissonFit {
  const n = y.length;
  const linear = (beta: readonly number[]) => rows.map((row) => row.reduce((s, x, j) => s + x * beta[j]!, 0));
  let eta = y.map((yi) => Math.log(yi + 0.1));
  let mu = eta.map(linkInverse);
  let devOld = deviance(y, mu, weights);
  let coefOld: number[] | null = null;
  let converged = false;
  let qr: LeastSquaresFit | null = null;
  let w: number[] = [];
  let coefficients: number[] = [];
  for (let iter = 1; iter <= 25; iter++) {
    const muEta = eta.map(linkInverse);
    const z = eta.map((e, i) => e + (y[i]! - mu[i]!) / muEta[i]!);
    w = muEta.map((me, i) => Math.sqrt((weights[i]! * me * me) / mu[i]!));
    qr = leastSquares(
      rows.map((row, i) => row.map((x) => x * w[i]!)),
      z.map((zi, i) => zi * w[i]!),
    );
    let start = qr.coefficients;
    eta = linear(start);
    mu = eta.map(linkInverse);
    let dev = deviance(y, mu, weights);
    // glm.fit's step halving when the deviance is not finite.
    for (let ii = 1; !Number.isFinite(dev); ii++) {
      if (coefOld === null || ii > 25) throw new Error('quasi-Poisson IRLS: no valid set of coefficients');
      const previous: number[] = coefOld;
      start = start.map((b, j) => (b + previous[j]!) / 2);
      eta = linear(start);
      mu = eta.map(linkInverse);
      dev = deviance(y, mu, weights);
    }
    coefficients = start;
    if (Math.abs(dev - devOld) / (0.1 + Math.abs(dev)) < 1e-8) {
      converged = true;
      break;
    }
    devOld = dev;
    coefOld = start;
  }
  if (qr === null) throw new Error('quasi-Poisson IRLS: no iteration');
  const p = rows[0]!.length;
  return {
    coefficients,
    fitted: mu,
    residuals: y.map((yi, i) => (yi - mu[i]!) / linkInverse(eta[i]!)),
    workingWeights: w.map((wi) => wi * wi),
    qr,
    dfResidual: n - p,
    converged,
  };
}

/** Pearson dispersion as summary.glm computes it: Σ weights·residuals² / df (weights > 0 only). */
export function summaryDispersion(fit: QuasiPoissonFit, weights: readonly number[] = fit.workingWeights): number {
  let s = 0;
  fit.residuals.forEach((r, i) => {
    if (weights[i]! > 0) s += weights[i]! * r * r;
  });
  return s / fit.dfResidual;
}
