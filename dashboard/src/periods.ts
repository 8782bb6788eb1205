// The periods of a series between two months, as the server labels them: 'YYYY-MM' (month, or the
// month a 12-month window ends), 'YYYY' (year), 'YYYY-MM-DD' (a day, or the Sunday an MMWR week
// starts). All dates are UTC instants at midnight, as Plot's time scales expect.
import type { SeriesUnit } from './filters.ts';
import { monthsBetween } from './filters.ts';

export interface Period {
  key: string;
  start: Date;
  /** Exclusive. */
  end: Date;
  /** Only part of the period lies inside the chosen months (a week across the first or last day). */
  partial: boolean;
}

const DAY = 86_400_000;

export function monthStart(month: string): Date {
  const [year, m] = month.split('-').map(Number);
  return new Date(Date.UTC(year!, m! - 1, 1));
}

function addMonths(date: Date, months: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function dayDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** The Sunday an MMWR week starts, on or before `date`. */
export function sundayOnOrBefore(date: Date): Date {
  return new Date(date.getTime() - date.getUTCDay() * DAY);
}

export function periodsFor(unit: SeriesUnit, from: string, to: string): Period[] {
  const rangeStart = monthStart(from);
  const rangeEnd = addMonths(monthStart(to), 1);
  switch (unit) {
    case 'month':
    case '12mo':
      return monthsBetween(from, to).map((key) => ({ key, start: monthStart(key), end: addMonths(monthStart(key), 1), partial: false }));
    case 'year': {
      const out: Period[] = [];
      for (let y = rangeStart.getUTCFullYear(); y <= rangeEnd.getUTCFullYear() - (rangeEnd.getUTCMonth() === 0 ? 1 : 0); y++) {
        const start = new Date(Date.UTC(y, 0, 1));
        const end = new Date(Date.UTC(y + 1, 0, 1));
        out.push({ key: String(y), start, end, partial: start < rangeStart || end > rangeEnd });
      }
      return out;
    }
    case 'week': {
      const out: Period[] = [];
      for (let start = sundayOnOrBefore(rangeStart); start < rangeEnd; start = new Date(start.getTime() + 7 * DAY)) {
        const end = new Date(start.getTime() + 7 * DAY);
        out.push({ key: isoDay(start), start, end, partial: start < rangeStart || end > rangeEnd });
      }
      return out;
    }
    case 'day': {
      const out: Period[] = [];
      for (let start = rangeStart; start < rangeEnd; start = new Date(start.getTime() + DAY)) {
        out.push({ key: isoDay(start), start, end: new Date(start.getTime() + DAY), partial: false });
      }
      return out;
    }
  }
}

/** "per MMWR week", "per month", …: for axis labels. */
export function perUnit(unit: SeriesUnit): string {
  switch (unit) {
    case 'day':
      return 'per day';
    case 'week':
      return 'per MMWR week';
    case 'month':
      return 'per month';
    case '12mo':
      return 'in the 12 months ending';
    case 'year':
      return 'per year';
  }
}
