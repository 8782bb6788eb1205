/**
 * Drug classes and combinations over the period. A class is a death measure (its figures and
 * their suppression are the aggregates'); a combination is the exact set of classes a death
 * involves (so the combinations add up to the overdose deaths), protected as /api/combinations
 * protects them. A share of the overdose deaths is shown only beside a shown total, since a share
 * and one count give the other.
 */
import type { Place } from '../places.ts';
import type { MeasureAnswers, PopulationRow, ReportData, ReportPeriods } from '../report-data.ts';
import type { CountFigure, Disclosure } from './disclosure.ts';
import type { ChangeFigure, RateFigure } from './figures.ts';
import { changeBetween, periodFigures } from './key-figures.ts';

/** A percentage of overdose deaths; flagged where the public version withholds it. */
export type Share = { value: number; flagged: boolean } | 'suppressed' | null;

export interface DrugClassRow {
  key: string;
  label: string;
  deaths: CountFigure;
  rate: RateFigure;
  share: Share;
  previous: CountFigure | null;
  change: ChangeFigure;
}

export interface CombinationRow {
  combination: string;
  label: string;
  deaths: CountFigure;
  share: Share;
}

export interface CombinationsModel {
  rows: CombinationRow[];
  /** Combinations the public version does not name, and their deaths together (null: withheld too). */
  unlisted: { combinations: number | null; deaths: number | null } | null;
  /** The whole table is withheld (its total is 1-9). */
  withheld: boolean;
  /** Withheld because the period is not one calendar year (the public gets combinations below the nation by year). */
  byYearOnly: boolean;
}

/** At most this many combinations are listed (in the public version). */
export const TOP_COMBINATIONS = 10;

export function shareOf(part: CountFigure, whole: CountFigure): Share {
  if (part.status !== 'shown' || whole.status !== 'shown') return 'suppressed';
  return whole.value === 0 ? null : { value: (part.value / whole.value) * 100, flagged: part.flagged || whole.flagged };
}

export function drugClassRows(
  place: Place,
  periods: ReportPeriods,
  classes: readonly MeasureAnswers[],
  overdoseDeaths: CountFigure,
  populations: readonly PopulationRow[],
  context: { disclosure: Disclosure; ageGroupsLoaded: boolean },
): DrugClassRow[] {
  const options = { ...context, section: 'drug classes' as const };
  return classes.map((measure) => {
    const current = periodFigures(place, periods.period, measure.total, populations, options);
    const previous = periods.previous && measure.previousTotal ? periodFigures(place, periods.previous, measure.previousTotal, populations, options) : null;
    return {
      key: measure.key,
      label: measure.label,
      deaths: current.deaths,
      rate: current.crudeRate,
      share: shareOf(current.deaths, overdoseDeaths),
      previous: previous?.deaths ?? null,
      change: previous ? changeBetween({ ...current, ageAdjustedRate: { status: 'unavailable', why: '' } }, { ...previous, ageAdjustedRate: { status: 'unavailable', why: '' } }) : { status: 'unavailable', why: 'previous period not covered by the data' },
    };
  });
}

/** "synthetic_opioid+psychostimulant" → "Synthetic opioids other than methadone + Psychostimulants with abuse potential". */
function combinationLabel(combination: string, labels: ReadonlyMap<string, string>): string {
  if (combination === 'unspecified') return 'No specific drug class (unspecified drugs only)';
  const classes = combination.split('+').map((c) => (labels.get(c) ?? c).replace(/\s*\([^)]*\)\s*$/, ''));
  return classes.length === 1 ? `${classes[0]} only` : classes.join(' + ');
}

export function combinationsModel(data: ReportData['combinations'], overdoseDeaths: CountFigure, disclosure: Disclosure): CombinationsModel {
  const { cells, protection, labels } = data;
  // The combinations add up to the overdose deaths: where the aggregates withhold that total (to
  // protect another count), no part of this table may show, or it would give the total away.
  const totalWithheld = data.offGrid || protection.totalHidden || (overdoseDeaths.status === 'suppressed' && disclosure.publicRelease) || (overdoseDeaths.status === 'shown' && overdoseDeaths.flagged);
  const hidden = (combination: string) => totalWithheld || protection.hidden.has(combination);
  for (const cell of cells) disclosure.figure('drug combinations', cell.count, hidden(cell.combination));
  const total = disclosure.publicRelease && totalWithheld ? ({ status: 'suppressed' } as const) : ({ status: 'shown', value: protection.total, flagged: totalWithheld } as const);
  const byCount = [...cells].sort((a, b) => b.count - a.count || (a.combination < b.combination ? -1 : 1));
  const publicTop = byCount.filter((c) => !hidden(c.combination)).slice(0, TOP_COMBINATIONS);
  // The unsuppressed list holds the public one, and the withheld combinations among the overall top ones.
  const overallTop = new Set(byCount.slice(0, TOP_COMBINATIONS));
  const listed = disclosure.publicRelease ? publicTop : byCount.filter((c) => publicTop.includes(c) || (hidden(c.combination) && overallTop.has(c)));
  const rows = listed.map((cell): CombinationRow => {
    const deaths: CountFigure = { status: 'shown', value: cell.count, flagged: hidden(cell.combination) };
    return { combination: cell.combination, label: combinationLabel(cell.combination, labels), deaths, share: shareOf(deaths, total) };
  });
  const withheld = cells.filter((c) => hidden(c.combination));
  const unlisted =
    disclosure.publicRelease && withheld.length > 0
      ? {
          combinations: protection.namesWithheld ? null : withheld.length,
          deaths: totalWithheld ? null : withheld.reduce((s, c) => s + c.count, 0),
        }
      : null;
  return { rows, unlisted, withheld: totalWithheld && disclosure.publicRelease, byYearOnly: data.offGrid };
}
