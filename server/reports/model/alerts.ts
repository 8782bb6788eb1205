/**
 * The detection job's alerts and warnings for the place in the period. An alert's observed count
 * below the nation is a small count like any other (ED visits as deaths): the public version does
 * not list an alert of 1-9 cases at all, as GET /api/alerts does not (report-data.ts applies its
 * rule), since its expected value and p-value would let a reader work the count out; it says how
 * many it left out.
 */
import type { Place } from '../places.ts';
import type { AlertRecord } from '../report-data.ts';
import type { CountFigure, Disclosure } from './disclosure.ts';

export interface AlertRow {
  status: 'alert' | 'warning';
  source: 'deaths' | 'ed';
  measure: string;
  measureLabel: string;
  level: AlertRecord['level'];
  geography: string;
  where: string;
  period: string;
  periodUnit: 'day' | 'week';
  method: string;
  observed: CountFigure;
  /** null when not computed. */
  expected: number | null;
  pValue: number | null;
}

export interface AlertsModel {
  rows: AlertRow[];
  /** Alerts the public version leaves out (1-9 cases below the nation). */
  unlisted: number;
}

export function alertsModel(records: readonly AlertRecord[], place: Place, areaName: (code: string) => string, disclosure: Disclosure): AlertsModel {
  const rows: AlertRow[] = [];
  let unlisted = 0;
  for (const record of records) {
    const observed = disclosure.figure('alerts', record.observed, record.publiclyHidden);
    if (observed.status === 'suppressed') {
      unlisted++;
      continue;
    }
    rows.push({
      status: record.status,
      source: record.source,
      measure: record.measure,
      measureLabel: record.measureLabel,
      level: record.level,
      geography: record.geography,
      where: record.geography === place.code ? place.name : areaName(record.geography),
      period: record.period,
      periodUnit: record.periodUnit,
      method: record.method,
      observed,
      expected: record.expected,
      pValue: record.pValue,
    });
  }
  return { rows, unlisted };
}
