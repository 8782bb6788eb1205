/**
 * MMWR weeks (CDC, "MMWR Week Fact Sheet"): weeks run Sunday to Saturday; week 1 of an MMWR year is
 * the first week with at least four days in the calendar year, so it is the week holding January 4
 * and the MMWR year starts on the Sunday on or before January 4; the year has 52 weeks, or 53 when
 * the next one starts 371 days later (e.g. 2014, 2020, 2025). Dates are calendar dates 'YYYY-MM-DD'
 * (a Date is an instant, whose calendar day depends on the time zone).
 */

export interface MmwrWeek {
  year: number;
  week: number;
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a 'YYYY-MM-DD' calendar date (rejects 2023-02-30 and the like). */
function dayNumber(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const d = new Date(0);
    d.setUTCFullYear(year, month - 1, day); // unlike Date.UTC, keeps years 0-99 as written
    if (d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day) return Math.round(d.getTime() / DAY_MS);
  }
  throw new RangeError(`not a calendar date in YYYY-MM-DD form: ${date}`);
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function utcDayNumber(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.round(d.getTime() / DAY_MS);
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < 1 || year > 9998) throw new RangeError(`invalid MMWR year: ${year}`);
}

/** Day number of the first day (a Sunday) of MMWR year `year`. */
function yearStartDay(year: number): number {
  const january4 = utcDayNumber(year, 1, 4);
  const weekday = (((january4 + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return january4 - weekday;
}

/** The MMWR year and week (1-53) a calendar date falls in. */
export function mmwrWeek(date: string): MmwrWeek {
  const day = dayNumber(date);
  let year = Number(date.slice(0, 4));
  if (day >= yearStartDay(year + 1)) year += 1;
  else if (day < yearStartDay(year)) year -= 1;
  return { year, week: Math.floor((day - yearStartDay(year)) / 7) + 1 };
}

/** 52 or 53. */
export function mmwrWeeksInYear(year: number): 52 | 53 {
  checkYear(year);
  return (yearStartDay(year + 1) - yearStartDay(year)) / 7 === 53 ? 53 : 52;
}

function checkWeek(year: number, week: number): void {
  checkYear(year);
  if (!Number.isInteger(week) || week < 1 || week > mmwrWeeksInYear(year)) {
    throw new RangeError(`MMWR year ${year} has no week ${week}`);
  }
}

/** The Sunday an MMWR week starts on, 'YYYY-MM-DD'. */
export function mmwrWeekStart(year: number, week: number): string {
  checkWeek(year, week);
  return isoDate(yearStartDay(year) + 7 * (week - 1));
}

/** The Saturday an MMWR week ends on, 'YYYY-MM-DD'. */
export function mmwrWeekEnd(year: number, week: number): string {
  checkWeek(year, week);
  return isoDate(yearStartDay(year) + 7 * (week - 1) + 6);
}
