/**
 * Which months a report covers, from what was asked and what the data hold: the period (fitted to
 * the months with data, never extended with zeros for months nothing was received for), the
 * previous period of equal length when the data cover all of it, and the trend chart's window.
 */
import { addMonths, intersect, previousPeriod, type Period } from './period.ts';
import type { DataExtent, ReportPeriods } from './report-data.ts';

/** The trend shows at least this many months (two years) where the data have them. */
export const TREND_MIN_MONTHS = 24;
/** 12 months ending the data's last month, when no period is asked for. */
export const DEFAULT_MONTHS = 12;

/** The period asked for, with missing bounds filled from the data: 12 months ending the last month with data. */
export function requestedPeriod(asked: { from?: string | undefined; to?: string | undefined }, extent: DataExtent): Period {
  const to = asked.to ?? (asked.from && asked.from > extent.last ? asked.from : extent.last);
  const from = asked.from ?? addMonths(to, -(DEFAULT_MONTHS - 1));
  return { from, to };
}

/** null when the period and the data share no month. */
export function planPeriods(requested: Period, extent: DataExtent): ReportPeriods | null {
  const period = intersect(requested, { from: extent.first, to: extent.last });
  if (!period) return null;
  const before = previousPeriod(period);
  const previous = before.from >= extent.first ? before : null;
  const earliest = [previous?.from ?? period.from, addMonths(period.to, -(TREND_MIN_MONTHS - 1))].sort()[0]!;
  return { period, previous, trend: { from: earliest < extent.first ? extent.first : earliest, to: period.to } };
}
