/**
 * Detector status and the ESSENCE colours it maps to: red alert (p < 0.01), yellow warning
 * (0.01 ≤ p < 0.05), blue none, grey not computable (too little baseline).
 */

export type DetectorStatus = 'alert' | 'warning' | 'none' | 'insufficient';
export type EssenceColour = 'red' | 'yellow' | 'blue' | 'grey';

/** What every detector reports for one time point; methods add their own fields. */
export interface DetectorPoint {
  /** The count at this time point. */
  observed: number;
  /** The method's test statistic (T, C1/C2/C3, CUSUM), null when not computable. */
  statistic: number | null;
  /** Expected count from the baseline, null when not computable. */
  expected: number | null;
  /** Upper bound / threshold in the method's own terms (see each detector), null when not computable. */
  threshold: number | null;
  /** One-sided p-value where the method has one, else null. */
  p: number | null;
  status: DetectorStatus;
}

/** ESSENCE thresholds on a p-value; null (not computable) is 'insufficient'. */
export function statusFromP(p: number | null): DetectorStatus {
  if (p === null || Number.isNaN(p)) return 'insufficient';
  if (p < 0.01) return 'alert';
  if (p < 0.05) return 'warning';
  return 'none';
}

export const STATUS_COLOUR: Readonly<Record<DetectorStatus, EssenceColour>> = {
  alert: 'red',
  warning: 'yellow',
  none: 'blue',
  insufficient: 'grey',
};

export function statusColour(status: DetectorStatus): EssenceColour {
  return STATUS_COLOUR[status];
}

/** A finite number or null: detectors never return NaN or ±Infinity. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Throws on a count series detectors cannot read (negative or non-finite values). */
export function assertCounts(counts: readonly number[]): void {
  counts.forEach((y, i) => {
    if (!Number.isFinite(y) || y < 0) throw new Error(`invalid count at index ${i}: ${y}`);
  });
}
