/**
 * The monthly trend: overdose deaths and the annualised rate per month over the trend window,
 * each month from the answer it belongs to (the period's months, the previous period's, the
 * months before), as the aggregates withhold them.
 */
import { monthsOf, yearOf, type Period } from '../period.ts';
import type { Place } from '../places.ts';
import type { PopulationRow, ReportData, ReportPeriods } from '../report-data.ts';
import { cellOf, type CountFigure, type Disclosure } from './disclosure.ts';
import { rateFigure, type RateFigure } from './figures.ts';
import { populationFor } from './populations.ts';

export type TrendSegment = 'earlier' | 'previous' | 'period';

export interface TrendMonth {
  month: string;
  segment: TrendSegment;
  deaths: CountFigure;
  /** Deaths in the month per 100,000 population per year. */
  rate: RateFigure;
}

function within(month: string, period: Period | null): boolean {
  return period !== null && month >= period.from && month <= period.to;
}

export function trendMonths(place: Place, periods: ReportPeriods, months: ReportData['overdose']['months'], populations: readonly PopulationRow[], disclosure: Disclosure): TrendMonth[] {
  return monthsOf(periods.trend).map((month): TrendMonth => {
    const segment: TrendSegment = within(month, periods.period) ? 'period' : within(month, periods.previous) ? 'previous' : 'earlier';
    const table = segment === 'period' ? months.period : segment === 'previous' ? months.previous : months.earlier;
    const cell = table ? cellOf(table, place.code, month) : cellOf(new Map(), place.code, month);
    const deaths = disclosure.cell('monthly trend', cell);
    const population = cell.population ?? populationFor(populations, place.code, yearOf(month))?.population ?? null;
    return { month, segment, deaths, rate: rateFigure(deaths, cell.crude, 1, population) };
  });
}
