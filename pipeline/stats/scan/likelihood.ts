/**
 * The space-time permutation scan's log generalized likelihood ratio (Kulldorff et al. 2005, eq. 2):
 * log[(c/μ)^c · ((C−c)/(C−μ))^(C−c)] for a cylinder with c observed and μ expected cases out of C,
 * when c > μ (high-rate clusters); 0 otherwise.
 */
export function logLikelihoodRatio(c: number, mu: number, total: number): number {
  if (!(c > mu)) return 0;
  const rest = total - c;
  const inside = c * Math.log(c / mu);
  return rest > 0 ? inside + rest * Math.log(rest / (total - mu)) : inside; // (C−c)·ln(…) → 0 as c → C
}

/**
 * An upper bound on logLikelihoodRatio without logarithms: (c − μ)² C / (μ (C − μ)), from ln z ≤ z − 1
 * applied to both terms. The scan evaluates the exact ratio only where this bound reaches a threshold.
 */
export function likelihoodRatioBound(c: number, mu: number, total: number): number {
  const excess = c - mu;
  return (excess * excess * total) / (mu * (total - mu));
}
