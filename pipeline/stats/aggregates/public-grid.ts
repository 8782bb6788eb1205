/**
 * The public's figures below the national level come from one fixed grid, so that no two answers
 * can be played against each other. Suppressing each question on its own is not enough: the
 * January-April total minus the January-March total is April's count, withheld or not; two tables
 * over different ranges choose different complementary cells; a year minus its eleven shown months
 * is the twelfth.
 *
 * The grid: each calendar year is a block, suppressed as one question (its months, with every
 * place's year total as the margin: HierarchySuppression). Every public value is a cell of that
 * grid or a sum of its cells, withheld when any part is:
 * - a month: the month of its block;
 * - a year: the block's total;
 * - a total over whole years: the sum of the blocks' totals; over other whole months: the sum of the months;
 * - a 12-month-ending value: the sum of its twelve months.
 * A sum of shown cells tells a reader nothing the cells did not, so whatever the range, the
 * answers together give away no more than the grid. Days and weeks are not sums of months (and a
 * second grid of them would leak against this one: a month minus its shown days), so the public
 * gets them for the nation only, where NCHS does not suppress.
 */
import { addMonths, isWholeMonths, periodsOf, type Unit } from './periods.ts';
import type { HiddenCell, HiddenReason, HierarchySuppression } from './hierarchy-suppression.ts';

/** The units the public can ask for below the national level. */
export const PUBLIC_UNITS: readonly Unit[] = ['month', 'year', '12mo', 'total'];

/**
 * Drug combinations below the nation come to the public by calendar year only: each year's table
 * protected on its own, and no other unit, since a year minus its shown quarters is the fourth.
 */
export const PUBLIC_COMBINATION_UNIT = 'year';

/** A public question off the grid: the route answers it 403 with the message. */
export class OffGridError extends Error {
  override name = 'OffGridError';
}

/** Why the public cannot have this question below the national level (a sentence saying what to do), or null. */
export function publicGridProblem(unit: Unit, from: string, to: string): string | null {
  if (!PUBLIC_UNITS.includes(unit)) {
    return `unit=${unit} below the national level needs a sign-in: public figures for states and counties are by month, year, 12 months ending or total (so that no withheld count follows from comparing two answers); national ${unit === 'day' ? 'daily' : 'weekly'} counts are public`;
  }
  if (!isWholeMonths(from, to)) return 'public figures for states and counties cover whole months: give from and to as months (YYYY-MM), or sign in for other ranges';
  return null;
}

/**
 * The calendar years a range of days [from, to) covers whole, or null when it cuts one. A range
 * reaching past the data covers the same records as the whole years around it: January-April,
 * asked while the data end in April, is that year.
 */
export function calendarYearsCovered(from: string, to: string, extent: { first: string; last: string } | null): number[] | null {
  const start = extent && from <= extent.first ? `${from.slice(0, 4)}-01-01` : from;
  const end = extent && to > extent.last && !to.endsWith('-01-01') ? `${yearOf(to) + 1}-01-01` : to;
  if (!start.endsWith('-01-01') || !end.endsWith('-01-01')) return null;
  return Array.from({ length: yearOf(end) - yearOf(start) }, (_, i) => yearOf(start) + i);
}

/** The block plans a question needs: each calendar year's months and its totals. */
export interface GridPlans {
  months(year: number): Promise<HierarchySuppression>;
  totals(year: number): Promise<HierarchySuppression>;
}

const yearOf = (month: string) => Number(month.slice(0, 4));
const monthsBetween = (from: string, to: string): string[] => periodsOf('month', from, to) as string[];

/** Reasons and withheld cells of one public question, read off the grid. */
export class GridSuppression {
  private constructor(
    /** Per requested period (null for a total): the grid months it sums, or the block years. */
    private readonly parts: Map<string | null, { months: string[]; years: number[] }>,
    private readonly monthPlans: Map<number, HierarchySuppression>,
    private readonly totalPlans: Map<number, HierarchySuppression>,
  ) {}

  /**
   * @param from first day of the range; to: the day after it (whole months: publicGridProblem first)
   * @param extent the first and last day with data (null: none). Blocks outside it are all zero and
   *   not planned; and a range reaching past it covers the same data as the whole years around it,
   *   so its total is theirs (the months of 2024 with data, asked in May, are 2024's total).
   */
  static async build(unit: Unit, from: string, to: string, extent: { first: string; last: string } | null, plans: GridPlans): Promise<GridSuppression> {
    const years = new Set<number>();
    if (extent) for (let y = yearOf(extent.first); y <= yearOf(extent.last); y++) years.add(y);
    const parts = new Map<string | null, { months: string[]; years: number[] }>();
    const monthYears = new Set<number>();
    const totalYears = new Set<number>();
    const covered = calendarYearsCovered(from, to, extent);
    for (const period of periodsOf(unit, from, to)) {
      if (unit === 'month') parts.set(period, { months: [period!], years: [] });
      else if (unit === '12mo') parts.set(period, { months: monthsBetween(addMonths(`${period!}-01`, -11), addMonths(`${period!}-01`, 1)), years: [] });
      else if (unit === 'year') parts.set(period, { months: [], years: [Number(period)] });
      else if (covered) parts.set(null, { months: [], years: covered });
      else parts.set(null, { months: monthsBetween(from, to), years: [] });
    }
    for (const { months, years: blockYears } of parts.values()) {
      for (const m of months) if (years.has(yearOf(m))) monthYears.add(yearOf(m));
      for (const y of blockYears) if (years.has(y)) totalYears.add(y);
    }
    const monthPlans = new Map<number, HierarchySuppression>();
    const totalPlans = new Map<number, HierarchySuppression>();
    // One after another: the plans share the one DuckDB connection anyway.
    for (const y of [...monthYears].sort()) monthPlans.set(y, await plans.months(y));
    for (const y of [...totalYears].sort()) totalPlans.set(y, await plans.totals(y));
    return new GridSuppression(parts, monthPlans, totalPlans);
  }

  reason(geography: string, period: string | null, stratum: string): HiddenReason | null {
    const part = this.parts.get(period);
    if (!part) return null;
    for (const m of part.months) {
      const reason = this.monthPlans.get(yearOf(m))?.reason(geography, m, stratum) ?? null;
      if (reason !== null) return part.months.length === 1 ? reason : 'complementary';
    }
    for (const y of part.years) {
      const reason = this.totalPlans.get(y)?.reason(geography, null, stratum) ?? null;
      if (reason !== null) return part.years.length === 1 ? reason : 'complementary';
    }
    return null;
  }

  /** Every withheld value of the answer (zeros included: a missing row would say 0). */
  hiddenCells(level: 'state' | 'county', state: string | null, breakdown: boolean): HiddenCell[] {
    const places = new Map<string, { geography: string; stratum: string }>();
    for (const plan of [...this.monthPlans.values(), ...this.totalPlans.values()]) {
      for (const cell of plan.hiddenCells(level, state, breakdown)) places.set(`${cell.geography}|${cell.stratum}`, cell);
    }
    const out: HiddenCell[] = [];
    for (const { geography, stratum } of places.values()) {
      for (const period of this.parts.keys()) {
        const reason = this.reason(geography, period, stratum);
        if (reason !== null) out.push({ geography, period, stratum, reason });
      }
    }
    return out;
  }
}
