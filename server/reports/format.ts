/**
 * Number and time formats of the reports, fixed to en-US so a report reads the same wherever it
 * is rendered. Rates to one decimal, as NCHS publishes them.
 */
const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export function formatCount(n: number): string {
  return count.format(n);
}

export function formatRate(n: number): string {
  return oneDecimal.format(n);
}

export function formatPercent(n: number): string {
  return `${oneDecimal.format(n)}%`;
}

/** "+12.3%" / "−4.0%" (a real minus sign). */
export function formatSignedPercent(n: number): string {
  const text = oneDecimal.format(Math.abs(n));
  return `${n > 0 ? '+' : n < 0 ? '−' : ''}${text}%`;
}

export function formatPValue(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** An ISO instant as "2024-05-01 14:03 UTC": in UTC, so every reader sees the same time. */
export function formatInstant(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 16)} UTC`;
}
