/**
 * A report's content as plain data, with every suppression applied for its reader: a pure
 * function of the gathered answers (report-data.ts), the place and periods, and who it is for.
 * The charts and the HTML render this and nothing else.
 */
import { addMonths, type Period } from '../period.ts';
import type { Place, Places } from '../places.ts';
import type { DataExtent, ReportData, ReportPeriods } from '../report-data.ts';
import { alertsModel, type AlertsModel } from './alerts.ts';
import { areasModel, type AreasModel } from './areas.ts';
import { Disclosure, type Section, type SectionTally } from './disclosure.ts';
import { combinationsModel, drugClassRows, type CombinationsModel, type DrugClassRow } from './drugs.ts';
import { keyFigures, type KeyFigures } from './key-figures.ts';
import { trendMonths, type TrendMonth } from './trend.ts';

export interface ReportModel {
  place: Place;
  periods: ReportPeriods;
  /** The period asked for, before it was fitted to the data. */
  requested: Period;
  extent: DataExtent;
  /** true: suppressed public version; false: unsuppressed, not for public release. */
  publicRelease: boolean;
  /** Why the figures are provisional; empty when they are not. */
  provisional: string[];
  keyFigures: KeyFigures;
  trend: TrendMonth[];
  areas: AreasModel;
  drugClasses: DrugClassRow[];
  combinations: CombinationsModel;
  alerts: AlertsModel;
  suppression: ReadonlyMap<Section, SectionTally>;
}

export interface ReportModelInput {
  place: Place;
  periods: ReportPeriods;
  requested: Period;
  extent: DataExtent;
  data: ReportData;
  places: Places;
  publicRelease: boolean;
}

/** NCHS finalises a year's deaths about 11 months after it ends; until then counts keep changing. */
export const PROVISIONAL_MONTHS = 12;

export function buildReportModel(input: ReportModelInput): ReportModel {
  const { place, periods, extent, data, places } = input;
  const disclosure = new Disclosure(input.publicRelease);
  const context = { disclosure, ageGroupsLoaded: data.ageGroupsLoaded };
  const figures = keyFigures(place, periods, extent, data.overdose, data.populations, context);
  return {
    place,
    periods,
    requested: input.requested,
    extent,
    publicRelease: input.publicRelease,
    provisional: provisionalReasons(periods.period, extent, figures),
    keyFigures: figures,
    trend: trendMonths(place, periods, data.overdose.months, data.populations, disclosure),
    areas: areasModel(place, periods.period, data.areas, places, disclosure),
    drugClasses: drugClassRows(place, periods, data.classes, figures.current.deaths, data.populations, context),
    combinations: combinationsModel(data.combinations, figures.current.deaths, disclosure),
    alerts: alertsModel(data.alerts, place, (code) => places.areaName(code), disclosure),
    suppression: disclosure.tally(),
  };
}

function provisionalReasons(period: Period, extent: DataExtent, figures: KeyFigures): string[] {
  const reasons: string[] = [];
  const asOfMonth = extent.dataAsOf?.slice(0, 7) ?? null;
  if (asOfMonth === null || period.to > addMonths(asOfMonth, -PROVISIONAL_MONTHS)) {
    reasons.push(`the period ends less than ${PROVISIONAL_MONTHS} months before the data were last updated, while records are still arriving and being amended`);
  }
  const pending = figures.current.pending;
  // A withheld share may be 0 or not: say what can be said without it.
  if (pending.status === 'shown' && (pending.share ?? 0) > 0) reasons.push('some deaths in the period are still pending investigation: when their cause is established, some will be added as overdose deaths');
  return reasons;
}
