/**
 * The GLM step of surveillance::farringtonFlexible (algo.farrington.fitGLM.flexible and
 * algo.farrington.glm, surveillance 1.20): quasi-Poisson fit, Anscombe residuals, reweighting,
 * dispersion max(φ, 1), and the trend kept only when significant and not extrapolating.
 */
import { quadraticForm } from './least-squares.ts';
import { type QuasiPoissonFit, fitQuasiPoisson, summaryDispersion } from './quasi-poisson.ts';
import { studentTUpper } from './student-t.ts';

export interface FarringtonModelOptions {
  reweight: boolean;
  weightsThreshold: number;
  trend: boolean;
  pThresholdTrend: number;
  /** Years of baseline: the trend needs at least 3. */
  years: number;
  /**
   * 'surveillance': the prediction's standard error and the trend's t test use the dispersion R
   * computes after fitGLM.flexible overwrites model$weights with the Anscombe weights
   * (Σ ω·((y-μ)/μ)² / df), which is what farringtonFlexible outputs. 'model': the reweighted fit's
   * own Pearson dispersion (Σ ω·μ·((y-μ)/μ)² / df).
   */
  seDispersion: 'surveillance' | 'model';
}

export interface FarringtonPrediction {
  /** μ0, the expected count of the week tested. */
  mu: number;
  /** Standard error of μ0 (response scale). */
  se: number;
  /** max(φ, 1) of the final fit. */
  phi: number;
  /** The trend coefficient when the trend was kept, else null. */
  trend: number | null;
}

interface FittedModel {
  fit: QuasiPoissonFit;
  phi: number;
  /** Dispersion used by summary/predict downstream (see seDispersion). */
  downstreamDispersion: number;
  hasTrend: boolean;
}

/** Anscombe residuals standardised by φ and leverage (surveillance's anscombe.residuals). */
function anscombeResiduals(y: readonly number[], fit: QuasiPoissonFit, phi: number): number[] {
  return y.map((yi, i) => {
    const mu = fit.fitted[i]!;
    const a = 1.5 * (yi ** (2 / 3) * mu ** (-1 / 6) - Math.sqrt(mu));
    return a / Math.sqrt(phi * (1 - fit.qr.hat[i]!));
  });
}

/** s^-2 above the threshold, 1 otherwise, scaled to sum to n (algo.farrington.assign.weights). */
function anscombeWeights(s: readonly number[], threshold: number): number[] {
  const raw = s.map((si) => (si > threshold ? si ** -2 : 1));
  const gamma = s.length / raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => gamma * r);
}

function fitFlexible(y: readonly number[], wtime: readonly number[], withTrend: boolean, o: FarringtonModelOptions): FittedModel | null {
  const design = (trend: boolean) => wtime.map((t) => (trend ? [1, t] : [1]));
  let hasTrend = withTrend;
  let fit = fitQuasiPoisson(design(hasTrend), y);
  if (!fit.converged && hasTrend) {
    hasTrend = false;
    fit = fitQuasiPoisson(design(false), y);
  }
  if (!fit.converged) return null;
  let phi = Math.max(summaryDispersion(fit), 1);
  if (!o.reweight) return { fit, phi, downstreamDispersion: summaryDispersion(fit), hasTrend };
  const omega = anscombeWeights(anscombeResiduals(y, fit, phi), o.weightsThreshold);
  // R does not check convergence of the reweighted fit either.
  fit = fitQuasiPoisson(design(hasTrend), y, omega);
  phi = Math.max(summaryDispersion(fit), 1);
  const downstreamDispersion = o.seDispersion === 'surveillance' ? summaryDispersion(fit, omega) : summaryDispersion(fit);
  return { fit, phi, downstreamDispersion, hasTrend };
}

function predict(model: FittedModel, wtimeNow: number) {
  const x0 = model.hasTrend ? [1, wtimeNow] : [1];
  const eta = x0.reduce((s, x, j) => s + x * model.fit.coefficients[j]!, 0);
  const mu = Math.max(Math.exp(eta), 2.220446049250313e-16);
  const seEta = Math.sqrt(quadraticForm(x0, model.fit.qr.unscaledCovariance) * model.downstreamDispersion);
  return { mu, se: seEta * mu };
}

/**
 * Fits the baseline counts `y` at times `wtime` and predicts time `wtimeNow`; null when the GLM
 * converges neither with nor without trend (farringtonFlexible then gives NA).
 */
export function farringtonPredict(y: readonly number[], wtime: readonly number[], wtimeNow: number, o: FarringtonModelOptions): FarringtonPrediction | null {
  let model = fitFlexible(y, wtime, o.trend, o);
  if (model === null) return null;
  let keepTrend = false;
  if (model.hasTrend) {
    const { mu } = predict(model, wtimeNow);
    const beta = model.fit.coefficients[1]!;
    const tValue = beta / Math.sqrt(model.downstreamDispersion * model.fit.qr.unscaledCovariance[1]![1]!);
    const pTrend = 2 * studentTUpper(Math.abs(tValue), model.fit.dfResidual);
    keepTrend = o.years >= 3 && pTrend < o.pThresholdTrend && mu <= Math.max(...y);
    if (!keepTrend) {
      model = fitFlexible(y, wtime, false, o);
      if (model === null) return null;
    }
  }
  const { mu, se } = predict(model, wtimeNow);
  return { mu, se, phi: model.phi, trend: keepTrend ? model.fit.coefficients[1]! : null };
}
