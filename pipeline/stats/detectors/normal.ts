/**
 * The standard normal distribution: CDF through erfc (power series below 2.5, continued fraction
 * above; absolute error ~1e-16) and the quantile by Newton steps on it (R's pnorm / qnorm to ~1e-15).
 */

const SQRT_PI = Math.sqrt(Math.PI);

/** erfc(x) for x ≥ 0. */
function erfcPositive(x: number): number {
  if (x < 2.5) {
    // erf(x) = 2/√π · e^{-x²} · Σ (2x²)^n · x / (1·3·…·(2n+1)); every term positive.
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-x2) * sum;
  }
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 5000; n++) {
    const a = n / 2;
    d = x + a * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** P(Z > z). */
export function normalUpper(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const u = z / Math.SQRT2;
  return u >= 0 ? 0.5 * erfcPositive(u) : 1 - 0.5 * erfcPositive(-u);
}

/** Φ(z) = P(Z ≤ z) (R's pnorm). */
export function normalCdf(z: number): number {
  return normalUpper(-z);
}

export function normalDensity(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Φ⁻¹(p) (R's qnorm). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new Error(`invalid probability: ${p}`);
  }
  if (p === 0.5) return 0;
  // Solve P(Z > q) = tail for q > 0, then restore the sign.
  const tail = p > 0.5 ? 1 - p : p;
  let lo = 0;
  let hi = 1;
  while (normalUpper(hi) > tail) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 60 && hi - lo > 1e-3; i++) {
    const mid = (lo + hi) / 2;
    if (normalUpper(mid) > tail) lo = mid;
    else hi = mid;
  }
  let q = (lo + hi) / 2;
  for (let i = 0; i < 50; i++) {
    const next = Math.min(hi, Math.max(lo, q + (normalUpper(q) - tail) / normalDensity(q)));
    if (Math.abs(next - q) <= 1e-15 * Math.max(1, q)) {
      q = next;
      break;
    }
    q = next;
  }
  return p > 0.5 ? q : -q;
}
