/**
 * Student's t distribution: CDF, upper tail and quantile, through the regularized incomplete beta
 * function (continued fraction, modified Lentz; Numerical Recipes §6.4). Accurate to ~1e-14 in the
 * range the detectors use (df 3 to a few hundred); the quantile is refined by Newton steps on the
 * CDF to |F(q) - p| < 1e-15.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction for I_x(a, b), valid for x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) return h;
  }
  throw new Error(`incomplete beta did not converge: a=${a} b=${b} x=${x}`);
}

/**
 * Regularized incomplete beta I_x(a, b). `y` = 1 - x may be passed when the caller has it without
 * cancellation (the t tails do).
 */
export function incompleteBeta(x: number, a: number, b: number, y = 1 - x): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log(y) - (logGamma(a) + logGamma(b) - logGamma(a + b)));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, y)) / b;
}

/** P(T > t) for T ~ t(df), without the cancellation of 1 - F(t). */
export function studentTUpper(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`invalid degrees of freedom: ${df}`);
  if (Number.isNaN(t)) return Number.NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const t2 = t * t;
  // x = df / (df + t²), 1 - x = t² / (df + t²): both computed directly.
  const tail = 0.5 * incompleteBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
  return t > 0 ? tail : 1 - tail;
}

/** F(t) = P(T ≤ t) for T ~ t(df) (R's pt). */
export function studentTCdf(t: number, df: number): number {
  return studentTUpper(-t, df);
}

/** Density of t(df). */
export function studentTDensity(t: number, df: number): number {
  const logC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** The p-quantile of t(df) (R's qt): bisection to a bracket, then Newton on the CDF. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new Error(`invalid probability: ${p}`);
  }
  if (p === 0.5) return 0;
  // Solve P(T > q) = tail for q > 0 (the tail taken from p directly, not as 1 - p), then sign.
  const target = p > 0.5 ? 1 - p : p;
  const sign = p > 0.5 ? 1 : -1;
  let lo = 0;
  let hi = 1;
  while (studentTUpper(hi, df) > target) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return sign * Infinity;
  }
  for (let i = 0; i < 60 && hi - lo > 1e-3 * Math.max(1, lo); i++) {
    const mid = (lo + hi) / 2;
    if (studentTUpper(mid, df) > target) lo = mid;
    else hi = mid;
  }
  let q = (lo + hi) / 2;
  for (let i = 0; i < 50; i++) {
    const step = (studentTUpper(q, df) - target) / studentTDensity(q, df);
    const next = Math.min(hi, Math.max(lo, q + step));
    if (Math.abs(next - q) <= 1e-15 * Math.max(1, Math.abs(q))) return sign * next;
    q = next;
  }
  return sign * q;
}
