/**
 * The report's key figures for its place: overdose deaths in the period, the crude and (where
 * age-specific populations allow) age-adjusted rates with 95% intervals, the change from the
 * previous period of equal length with its significance, and the share of all deaths still
 * pending investigation: the aggregates' figures for the place's total over each period.
 */
import { monthCount, shortMonthLabel, yearOf, type Period } from '../period.ts';
import type { Place } from '../places.ts';
import type { AggregateTable, DataExtent, MeasureAnswers, PopulationRow, ReportPeriods } from '../report-data.ts';
import { cellOf, type CountFigure, type Disclosure } from './disclosure.ts';
import { rateFigure, type ChangeFigure, type RateFigure } from './figures.ts';
import { populationFor } from './populations.ts';
import { compareRates } from './rate-change.ts';

export type PendingFigure =
  | { status: 'shown'; /** Percent of all deaths; null with no deaths. */ share: number | null; flagged: boolean }
  | { status: 'suppressed' };

export interface PeriodFigures {
  period: Period;
  deaths: CountFigure;
  crudeRate: RateFigure;
  ageAdjustedRate: RateFigure;
  pending: PendingFigure;
  /** The year of the population estimates used. */
  populationYear: number | null;
}

export interface KeyFigures {
  current: PeriodFigures;
  /** null when the data do not cover the previous period; `previousWhy` says so. */
  previous: PeriodFigures | null;
  previousWhy: string | null;
  change: ChangeFigure;
}

export const NO_AGE_POPULATIONS = 'no age-specific population estimates are loaded (only totals)';

export function periodFigures(
  place: Place,
  period: Period,
  table: AggregateTable,
  populations: readonly PopulationRow[],
  context: { disclosure: Disclosure; ageGroupsLoaded: boolean; section?: 'key figures' | 'drug classes' },
): PeriodFigures {
  const { disclosure } = context;
  const cell = cellOf(table, place.code, null);
  const deaths = disclosure.cell(context.section ?? 'key figures', cell);
  const months = monthCount(period);
  const estimate = populationFor(populations, place.code, yearOf(period.to));
  const population = cell.population ?? estimate?.population ?? null;
  const shown = deaths.status === 'shown';

  let ageAdjustedRate: RateFigure;
  if (!shown) ageAdjustedRate = { status: 'suppressed' };
  else if (cell.ageAdjusted) ageAdjustedRate = rateFigure({ ...deaths, flagged: deaths.flagged || cell.ageAdjustedPubliclyHidden }, cell.ageAdjusted, months, population);
  else if (!context.ageGroupsLoaded) ageAdjustedRate = { status: 'unavailable', why: NO_AGE_POPULATIONS };
  // Loaded but not given: the aggregates withhold it where an age-specific count is withheld (or the place has none).
  else ageAdjustedRate = disclosure.publicRelease && place.level !== 'nation' ? { status: 'suppressed' } : { status: 'unavailable', why: 'no age-specific population estimate for the place and year' };

  let pending: PendingFigure;
  // The aggregates give the pending share at state and national level only in the public version.
  if (!shown || (disclosure.publicRelease && place.level === 'county')) pending = { status: 'suppressed' };
  else pending = { status: 'shown', share: cell.pendingShare === null ? null : cell.pendingShare * 100, flagged: deaths.flagged || cell.pendingPubliclyHidden };

  return { period, deaths, crudeRate: rateFigure(deaths, cell.crude, months, population), ageAdjustedRate, pending, populationYear: estimate?.year ?? null };
}

export function changeBetween(current: Pick<PeriodFigures, 'deaths' | 'crudeRate' | 'ageAdjustedRate'>, previous: Pick<PeriodFigures, 'deaths' | 'crudeRate' | 'ageAdjustedRate'>): ChangeFigure {
  if (current.deaths.status === 'suppressed' || previous.deaths.status === 'suppressed') return { status: 'suppressed' };
  const a = current.ageAdjustedRate;
  const b = previous.ageAdjustedRate;
  if (a.status === 'shown' && b.status === 'shown') {
    return { status: 'shown', change: compareRates(a.estimate, b.estimate), basis: 'age-adjusted', flagged: a.flagged || b.flagged };
  }
  const c = current.crudeRate;
  const d = previous.crudeRate;
  if (c.status !== 'shown' || d.status !== 'shown') return { status: 'unavailable', why: 'no rate for one of the periods (no population estimate)' };
  return { status: 'shown', change: compareRates(c.estimate, d.estimate), basis: 'crude', flagged: c.flagged || d.flagged };
}

export function keyFigures(
  place: Place,
  periods: ReportPeriods,
  extent: DataExtent,
  overdose: MeasureAnswers,
  populations: readonly PopulationRow[],
  context: { disclosure: Disclosure; ageGroupsLoaded: boolean },
): KeyFigures {
  const current = periodFigures(place, periods.period, overdose.total, populations, context);
  const previous = periods.previous && overdose.previousTotal ? periodFigures(place, periods.previous, overdose.previousTotal, populations, context) : null;
  const previousWhy = previous ? null : `the data begin in ${shortMonthLabel(extent.first)}, after the start of the previous period of equal length`;
  return {
    current,
    previous,
    previousWhy,
    change: previous ? changeBetween(current, previous) : { status: 'unavailable', why: previousWhy! },
  };
}
