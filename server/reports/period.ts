/**
 * Report periods: whole calendar months 'YYYY-MM', `from` through `to` inclusive. Pure month
 * arithmetic and the labels a reader expects ("2023", "Q1 2024", "12 months ending March 2024").
 */

export interface Period {
  /** First month, YYYY-MM. */
  from: string;
  /** Last month, YYYY-MM (inclusive). */
  to: string;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function parts(month: string): [number, number] {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) throw new RangeError(`not a month in YYYY-MM form: ${month}`);
  return [Number(match[1]), Number(match[2])];
}

/** The month `n` months after (or before, for n < 0) `month`. */
export function addMonths(month: string, n: number): string {
  const [year, m] = parts(month);
  const index = year * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Number of months from `from` through `to` (1 when they are equal). */
export function monthCount(period: Period): number {
  const [fy, fm] = parts(period.from);
  const [ty, tm] = parts(period.to);
  return (ty - fy) * 12 + (tm - fm) + 1;
}

export function monthsOf(period: Period): string[] {
  return Array.from({ length: monthCount(period) }, (_, i) => addMonths(period.from, i));
}

/** The period of equal length just before `period`. */
export function previousPeriod(period: Period): Period {
  const n = monthCount(period);
  return { from: addMonths(period.from, -n), to: addMonths(period.from, -1) };
}

/** The DATE range [start, end) of a period, as the named queries bind it. */
export function dateRange(period: Period): { from: string; to: string } {
  return { from: `${period.from}-01`, to: `${addMonths(period.to, 1)}-01` };
}

export function yearOf(month: string): number {
  return parts(month)[0];
}

/** "March 2024". */
export function monthLabel(month: string): string {
  const [year, m] = parts(month);
  return `${MONTH_NAMES[m - 1]} ${year}`;
}

/** "Mar 2024". */
export function shortMonthLabel(month: string): string {
  const [year, m] = parts(month);
  return `${MONTH_NAMES[m - 1]!.slice(0, 3)} ${year}`;
}

/** How a reader names the period: a calendar year, a quarter, 12 months ending a month, a month, or a range. */
export function periodLabel(period: Period): string {
  const [fy, fm] = parts(period.from);
  const [ty, tm] = parts(period.to);
  const n = monthCount(period);
  if (n === 1) return monthLabel(period.from);
  if (n === 12 && fm === 1) return String(fy);
  if (n === 12) return `12 months ending ${monthLabel(period.to)}`;
  if (n === 3 && fy === ty && fm % 3 === 1) return `Q${(fm + 2) / 3} ${fy}`;
  if (fm === 1 && tm === 12) return `${fy}–${ty}`;
  return fy === ty
    ? `${MONTH_NAMES[fm - 1]}–${MONTH_NAMES[tm - 1]} ${fy}`
    : `${monthLabel(period.from)} – ${monthLabel(period.to)}`;
}

/** "2024-01_2024-04", for file names. */
export function periodSlug(period: Period): string {
  return period.from === period.to ? period.from : `${period.from}_${period.to}`;
}

/** The months both periods contain, or null when they do not meet. */
export function intersect(a: Period, b: Period): Period | null {
  const from = a.from > b.from ? a.from : b.from;
  const to = a.to < b.to ? a.to : b.to;
  return from <= to ? { from, to } : null;
}
