/**
 * Dates given in parts, any of which may be unknown (IJE 99 / 9999, VRDR data-absent-reason).
 */
export interface DateParts {
  year: number | null;
  month: number | null;
  day: number | null;
}

export const UNKNOWN_DATE: DateParts = { year: null, month: null, day: null };

/** Days in a month of a year (proleptic Gregorian). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** YYYY-MM-DD when every part is known, else null. */
export function fullDate({ year, month, day }: DateParts): string | null {
  if (year === null || month === null || day === null) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Why known parts cannot form a date, or null when they can (unknown parts are not a fault). */
export function datePartsProblem({ year, month, day }: DateParts): string | null {
  if (month !== null && (month < 1 || month > 12)) return 'is not a month';
  if (day === null) return null;
  const limit = year !== null && month !== null ? daysInMonth(year, month) : month !== null ? daysInMonth(2000, month) : 31;
  if (day < 1 || day > limit) {
    return month === null ? 'is not a day' : `is not a day of ${year === null ? '' : `${year}-`}${String(month).padStart(2, '0')}`;
  }
  return null;
}
