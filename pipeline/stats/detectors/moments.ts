/** Sample moments over an index range, as R's mean() and sd() (denominator n - 1). */

export function mean(values: readonly number[], from = 0, to = values.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  return sum / (to - from);
}

/** Two-pass sample standard deviation (R's sd: denominator n - 1). */
export function sd(values: readonly number[], from = 0, to = values.length): number {
  const m = mean(values, from, to);
  let ss = 0;
  for (let i = from; i < to; i++) ss += (values[i]! - m) ** 2;
  return Math.sqrt(ss / (to - from - 1));
}
