// Display formats, in one place so the charts, captions and tables agree.
// Fixed to en-US: numbers and month names must read the same in screenshots and tests everywhere.

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const rate = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });
const monthName = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });

export function formatCount(n: number): string {
  return count.format(n);
}

export function formatRate(n: number): string {
  return rate.format(n);
}

/** "2024-03" → a Date at the first instant of that month, UTC (Plot's time scales are UTC). */
export function monthDate(month: string): Date {
  const [year, m] = month.split('-').map(Number);
  return new Date(Date.UTC(year!, m! - 1, 1));
}

/** "2024-03" → "Mar 2024". */
export function formatMonth(month: string): string {
  return monthName.format(monthDate(month));
}

export function formatPeriod(from: string, to: string): string {
  return from === to ? formatMonth(from) : `${formatMonth(from)} – ${formatMonth(to)}`;
}

/** An ISO timestamp in the reader's own time zone, with the zone named. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  });
}

/** A recurrence interval in days, in the unit that reads best: "45 days", "2.7 years". */
export function formatRecurrence(days: number): string {
  if (days < 60) return `${Math.max(1, Math.round(days))} day${Math.round(days) === 1 ? '' : 's'}`;
  if (days < 730) return `${Math.round(days / 30.44)} months`;
  const years = days / 365.25;
  return `${years < 10 ? years.toFixed(1) : formatCount(Math.round(years))} years`;
}

/** 0.0423 → "4.2%". */
export function formatShare(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
