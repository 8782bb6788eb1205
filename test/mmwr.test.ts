/**
 * MMWR weeks. Expected dates are CDC's MMWR week calendars (week 1 and week 53 of each year as
 * published in the MMWR week fact sheets), and every day of 1999-2031 is checked against a
 * brute-force reading of the definition. TZ is America/Los_Angeles (vitest.config.ts): the
 * functions take calendar dates, so the zone must not matter.
 */
import { describe, expect, it } from 'vitest';
import { mmwrWeek, mmwrWeekEnd, mmwrWeeksInYear, mmwrWeekStart } from '../pipeline/stats/rates/mmwr-week.ts';

/** The definition read literally: the first Sunday-Saturday week with ≥ 4 days in the year is week 1. */
function bruteForceWeekOne(year: number): string {
  for (let day = -6; day <= 7; day++) {
    const start = new Date(Date.UTC(year, 0, day));
    if (start.getUTCDay() !== 0) continue;
    let daysInYear = 0;
    for (let k = 0; k < 7; k++) if (new Date(Date.UTC(year, 0, day + k)).getUTCFullYear() === year) daysInYear++;
    if (daysInYear >= 4) return start.toISOString().slice(0, 10);
  }
  throw new Error('unreachable');
}

describe('MMWR week', () => {
  it('puts the turn of the year in the right MMWR year', () => {
    expect(mmwrWeek('2014-12-28')).toEqual({ year: 2014, week: 53 });
    expect(mmwrWeek('2015-01-03')).toEqual({ year: 2014, week: 53 });
    expect(mmwrWeek('2015-01-04')).toEqual({ year: 2015, week: 1 });
    expect(mmwrWeek('2019-12-29')).toEqual({ year: 2020, week: 1 }); // 2020 starts in December 2019
    expect(mmwrWeek('2019-12-28')).toEqual({ year: 2019, week: 52 });
    expect(mmwrWeek('2020-12-27')).toEqual({ year: 2020, week: 53 });
    expect(mmwrWeek('2021-01-02')).toEqual({ year: 2020, week: 53 });
    expect(mmwrWeek('2021-01-03')).toEqual({ year: 2021, week: 1 });
    expect(mmwrWeek('2016-01-02')).toEqual({ year: 2015, week: 52 });
    expect(mmwrWeek('2016-01-03')).toEqual({ year: 2016, week: 1 });
    expect(mmwrWeek('2017-01-01')).toEqual({ year: 2017, week: 1 }); // January 1 a Sunday
    expect(mmwrWeek('2023-01-01')).toEqual({ year: 2023, week: 1 });
    expect(mmwrWeek('2024-12-31')).toEqual({ year: 2025, week: 1 });
  });

  it('2025 has a week 53 that ends in 2026; 2026 week 1 starts on January 4', () => {
    expect(mmwrWeeksInYear(2025)).toBe(53);
    expect(mmwrWeekStart(2025, 53)).toBe('2025-12-28');
    expect(mmwrWeekEnd(2025, 53)).toBe('2026-01-03');
    expect(mmwrWeek('2026-01-01')).toEqual({ year: 2025, week: 53 });
    expect(mmwrWeek('2026-01-03')).toEqual({ year: 2025, week: 53 });
    expect(mmwrWeek('2026-01-04')).toEqual({ year: 2026, week: 1 });
    expect(mmwrWeeksInYear(2026)).toBe(52);
    expect(mmwrWeekEnd(2026, 52)).toBe('2027-01-02');
    expect(mmwrWeek('2026-12-31')).toEqual({ year: 2026, week: 52 });
  });

  it('knows the 53-week years', () => {
    const years = Array.from({ length: 2032 - 1997 }, (_, i) => 1997 + i);
    expect(years.filter((y) => mmwrWeeksInYear(y) === 53)).toEqual([1997, 2003, 2008, 2014, 2020, 2025, 2031]);
    expect(mmwrWeekStart(2014, 53)).toBe('2014-12-28');
    expect(mmwrWeekStart(2020, 53)).toBe('2020-12-27');
    expect(mmwrWeekEnd(2020, 53)).toBe('2021-01-02');
  });

  it('week starts are Sundays and ends Saturdays', () => {
    expect(mmwrWeekStart(2024, 1)).toBe('2023-12-31');
    expect(mmwrWeekEnd(2024, 1)).toBe('2024-01-06');
    expect(mmwrWeekStart(2024, 52)).toBe('2024-12-22');
    for (const [year, week] of [[2018, 1], [2020, 10], [2022, 30], [2025, 53]] as const) {
      expect(new Date(`${mmwrWeekStart(year, week)}T00:00:00Z`).getUTCDay()).toBe(0);
      expect(new Date(`${mmwrWeekEnd(year, week)}T00:00:00Z`).getUTCDay()).toBe(6);
    }
  });

  it('agrees with the literal definition on every day of 1999-2031 and round-trips through mmwrWeekStart', () => {
    for (let year = 1999; year <= 2031; year++) expect(mmwrWeekStart(year, 1)).toBe(bruteForceWeekOne(year));
    let previous = mmwrWeek('1998-12-31');
    for (let t = Date.UTC(1999, 0, 1); t <= Date.UTC(2031, 11, 31); t += 86_400_000) {
      const date = new Date(t).toISOString().slice(0, 10);
      const week = mmwrWeek(date);
      const start = mmwrWeekStart(week.year, week.week);
      const offset = (t - Date.parse(`${start}T00:00:00Z`)) / 86_400_000;
      expect(offset >= 0 && offset <= 6, date).toBe(true);
      if (new Date(t).getUTCDay() === 0) {
        // Each Sunday starts the next week, or week 1 of the next year after the last week.
        const next = previous.week === mmwrWeeksInYear(previous.year) ? { year: previous.year + 1, week: 1 } : { year: previous.year, week: previous.week + 1 };
        expect(week, date).toEqual(next);
      } else {
        expect(week, date).toEqual(previous);
      }
      previous = week;
    }
  });

  it('rejects what is not a calendar date or an MMWR week', () => {
    expect(() => mmwrWeek('2023-02-29')).toThrow('not a calendar date in YYYY-MM-DD form: 2023-02-29');
    expect(() => mmwrWeek('2024/01/05')).toThrow('not a calendar date in YYYY-MM-DD form: 2024/01/05');
    expect(mmwrWeek('2024-02-29')).toEqual({ year: 2024, week: 9 });
    expect(() => mmwrWeekStart(2026, 53)).toThrow('MMWR year 2026 has no week 53');
    expect(() => mmwrWeekStart(2026, 0)).toThrow('MMWR year 2026 has no week 0');
  });
});
