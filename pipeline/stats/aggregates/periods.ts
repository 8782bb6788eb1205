/**
 * The periods of an aggregate table: every period of a unit over a date range, labelled as the
 * aggregate query labels them (sql/queries/aggregate_counts.sql), so a table can be filled with
 * zeros where no record fell. Dates are calendar dates 'YYYY-MM-DD'; ranges are [from, to).
 */
import { mmwrWeek, mmwrWeekStart } from '../rates/mmwr-week.ts';

export const UNITS = ['day', 'week', 'month', 'year', '12mo', 'total'] as const;
export type Unit = (typeof UNITS)[number];

const DAY_MS = 86_400_000;

export function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD' of the first of the month `months` after the month of `date`. */
export function addMonths(date: string, months: number): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)) - 1 + months;
  const y = year + Math.floor(month / 12);
  const m = ((month % 12) + 12) % 12;
  return `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}-01`;
}

/** The first day counted: 12-month-ending values need the 11 months before the first one shown. */
export function countStart(unit: Unit, from: string): string {
  return unit === '12mo' ? addMonths(from, -11) : from;
}

/**
 * Every period label of `unit` with a day in [from, to), in order: days and MMWR weeks (by their
 * Sunday) 'YYYY-MM-DD', months and 12-month-ending months 'YYYY-MM', years 'YYYY', and one null
 * period for 'total'. A week or year cut by the range keeps only its days inside it.
 */
export function periodsOf(unit: Unit, from: string, to: string): (string | null)[] {
  const first = dayNumber(from);
  const last = dayNumber(to) - 1;
  if (last < first) return [];
  switch (unit) {
    case 'total':
      return [null];
    case 'day':
      return Array.from({ length: last - first + 1 }, (_, i) => isoDay(first + i));
    case 'week': {
      const { year, week } = mmwrWeek(from);
      const start = dayNumber(mmwrWeekStart(year, week));
      return Array.from({ length: Math.floor((last - start) / 7) + 1 }, (_, i) => isoDay(start + 7 * i));
    }
    case 'month':
    case '12mo': {
      const periods: string[] = [];
      for (let month = `${from.slice(0, 7)}-01`; dayNumber(month) <= last; month = addMonths(month, 1)) periods.push(month.slice(0, 7));
      return periods;
    }
    case 'year': {
      const years: string[] = [];
      for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)) && dayNumber(`${year}-01-01`) <= last; year++) years.push(String(year));
      return years;
    }
  }
}

/** Whether the range starts and ends on month boundaries (the cache's month tables can answer it). */
export function isWholeMonths(from: string, to: string): boolean {
  return from.endsWith('-01') && to.endsWith('-01');
}

/** Notes for periods the range cuts: a user must not read a partial week or year as a whole one. */
export function partialPeriodNotes(unit: Unit, from: string, to: string): string[] {
  const notes: string[] = [];
  const last = isoDay(dayNumber(to) - 1);
  if (unit === 'week') {
    const firstWeek = mmwrWeek(from);
    const lastWeek = mmwrWeek(last);
    const cutStart = mmwrWeekStart(firstWeek.year, firstWeek.week) !== from;
    const cutEnd = isoDay(dayNumber(mmwrWeekStart(lastWeek.year, lastWeek.week)) + 6) !== last;
    if (cutStart || cutEnd) notes.push('The first and/or last MMWR week is cut by the date range and counts only its days inside the range.');
  }
  if (unit === 'year' && (!from.endsWith('-01-01') || !last.endsWith('-12-31'))) {
    notes.push('The first and/or last year is cut by the date range and counts only its months inside the range.');
  }
  return notes;
}
