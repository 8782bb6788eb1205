/**
 * The map and its table: overdose deaths and annualised rates over the period for the nation's
 * states, or for the counties of the place's state. Withheld as the aggregates withhold the same
 * table (with the state's and the nation's totals as its margins), so a county's report and its
 * state's report, and /api/aggregates, all show the same counties.
 */
import { monthCount, yearOf, type Period } from '../period.ts';
import type { Place, Places } from '../places.ts';
import type { ReportData } from '../report-data.ts';
import { cellOf, type CountFigure, type Disclosure } from './disclosure.ts';
import { rateFigure, type RateFigure } from './figures.ts';
import { populationFor } from './populations.ts';

export interface AreaRow {
  /** State or county FIPS. */
  code: string;
  name: string;
  deaths: CountFigure;
  rate: RateFigure;
}

export interface AreasModel {
  level: 'state' | 'county';
  /** The state whose counties these are; null for the nation's states. */
  state: { code: string; name: string } | null;
  rows: AreaRow[];
  /** The area the report is for (county report), drawn outlined. */
  highlight: string | null;
  /** The population estimates' year. */
  populationYear: number | null;
}

export function areasModel(place: Place, period: Period, data: ReportData['areas'], places: Places, disclosure: Disclosure): AreasModel {
  const year = yearOf(period.to);
  // The areas that exist in the period: those with a population estimate for its year (or the newest
  // year before it), and any area with deaths (a code the estimates no longer list).
  const populationYear = Math.max(-Infinity, ...data.populations.filter((p) => p.year <= year).map((p) => p.year));
  const codes = new Set(data.populations.filter((p) => p.year === populationYear).map((p) => p.geography));
  for (const key of data.table.keys()) codes.add(key.split('|')[0]!);
  const ordered = [...codes].filter((c) => place.level !== 'nation' || places.stateCodes().includes(c)).sort();
  const months = monthCount(period);
  const rows = ordered.map((code): AreaRow => {
    const cell = cellOf(data.table, code, null);
    const deaths = disclosure.cell('map areas', cell);
    const population = cell.population ?? populationFor(data.populations, code, year)?.population ?? null;
    return { code, name: places.areaName(code), deaths, rate: rateFigure(deaths, cell.crude, months, population) };
  });
  return {
    level: data.level,
    state: place.state ? { code: place.state.code, name: place.state.name } : null,
    rows,
    highlight: place.level === 'county' ? place.code : null,
    populationYear: Number.isFinite(populationYear) ? populationYear : null,
  };
}
