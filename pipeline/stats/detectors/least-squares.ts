/**
 * Least squares by Householder QR (as R's lm/glm.fit, LINPACK dqrdc2 without pivoting): the
 * coefficients, (X'X)^-1 = R^-1 R^-T and the hat values (row sums of the thin Q squared). For the
 * small designs of the detectors (n ≤ a few hundred, p ≤ 8).
 */

export interface LeastSquaresFit {
  coefficients: number[];
  /** (X'X)^-1, p × p (R's chol2inv of the QR's R). */
  unscaledCovariance: number[][];
  /** Diagonal of X (X'X)^-1 X'. */
  hat: number[];
}

/** Solves min ‖y - Xβ‖² for X given by rows (n × p, n ≥ p, full column rank). */
export function leastSquares(rows: readonly (readonly number[])[], y: readonly number[]): LeastSquaresFit {
  const n = rows.length;
  const p = rows[0]?.length ?? 0;
  if (n < p || p === 0) throw new Error(`least squares needs n ≥ p > 0 (n=${n}, p=${p})`);
  const a = rows.map((r) => [...r]);
  const qty = [...y];
  const reflectors: number[][] = [];
  for (let k = 0; k < p; k++) {
    let norm = 0;
    for (let i = k; i < n; i++) norm += a[i]![k]! ** 2;
    norm = Math.sqrt(norm);
    const akk = a[k]![k]!;
    if (norm === 0 || norm <= 1e-12 * Math.max(1, Math.abs(akk))) throw new Error(`design matrix is rank deficient (column ${k})`);
    const alpha = akk > 0 ? -norm : norm;
    const v = new Array<number>(n).fill(0);
    v[k] = akk - alpha;
    for (let i = k + 1; i < n; i++) v[i] = a[i]![k]!;
    const vv = v.reduce((s, x) => s + x * x, 0);
    const reflect = (col: (i: number) => number, set: (i: number, x: number) => void) => {
      let dot = 0;
      for (let i = k; i < n; i++) dot += v[i]! * col(i);
      const f = (2 * dot) / vv;
      for (let i = k; i < n; i++) set(i, col(i) - f * v[i]!);
    };
    for (let j = k; j < p; j++) reflect((i) => a[i]![j]!, (i, x) => (a[i]![j] = x));
    reflect((i) => qty[i]!, (i, x) => (qty[i] = x));
    reflectors.push(v);
  }
  // R is the upper triangle of a; back-substitute R β = (Q'y)[0..p) and R^-1.
  const r = (i: number, j: number) => a[i]![j]!;
  const coefficients = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = qty[i]!;
    for (let j = i + 1; j < p; j++) s -= r(i, j) * coefficients[j]!;
    coefficients[i] = s / r(i, i);
  }
  const rInv = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let j = 0; j < p; j++) {
    rInv[j]![j] = 1 / r(j, j);
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let m = i + 1; m <= j; m++) s += r(i, m) * rInv[m]![j]!;
      rInv[i]![j] = -s / r(i, i);
    }
  }
  const unscaledCovariance = rInv.map((_, i) =>
    rInv.map((__, j) => {
      let s = 0;
      for (let m = Math.max(i, j); m < p; m++) s += rInv[i]![m]! * rInv[j]![m]!;
      return s;
    }),
  );
  // Thin Q: the reflectors applied, last first, to the first p columns of the identity.
  const hat = new Array<number>(n).fill(0);
  for (let c = 0; c < p; c++) {
    const q = new Array<number>(n).fill(0);
    q[c] = 1;
    for (let k = p - 1; k >= 0; k--) {
      const v = reflectors[k]!;
      let dot = 0;
      let vv = 0;
      for (let i = k; i < n; i++) {
        dot += v[i]! * q[i]!;
        vv += v[i]! * v[i]!;
      }
      const f = (2 * dot) / vv;
      for (let i = k; i < n; i++) q[i] = q[i]! - f * v[i]!;
    }
    for (let i = 0; i < n; i++) hat[i] = hat[i]! + q[i]! ** 2;
  }
  return { coefficients, unscaledCovariance, hat };
}

/** x'Ax for a symmetric A. */
export function quadraticForm(x: readonly number[], a: readonly (readonly number[])[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) for (let j = 0; j < x.length; j++) s += x[i]! * a[i]![j]! * x[j]!;
  return s;
}
