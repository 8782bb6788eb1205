/**
 * The methods and suppression notes an aggregate answer carries, in plain ASCII (they also travel
 * in the X-Vigil-Notes header of a download). Each says what was done and where the rule comes from.
 */
import type { Breakdown, Source } from './columns.ts';
import type { Unit } from './periods.ts';

export function methodNotes(source: Source, unit: Unit, by: Breakdown | null): string[] {
  const notes = [
    source === 'deaths'
      ? 'Deaths by county of residence, with the current coding of the current certificate versions (human corrections included).'
      : 'ED visits by the patient\'s county of residence, counted under each syndrome the visit met when it was last evaluated (see /api/syndromes).',
    'Rates are per 100,000 population over each period shown (not annualised), on Census Bureau population estimates for the period\'s last year (the latest earlier estimate where that year has none).',
    '95% confidence intervals: exact Poisson (gamma) limits below 100 events, normal approximation from 100 (CDC WONDER); age-adjusted rates use the Fay-Feuer gamma interval below 100 deaths.',
    'Rates from fewer than 20 events are flagged unreliable (NCHS).',
  ];
  if (unit === 'week') notes.push('Weeks are MMWR weeks (Sunday to Saturday), named by their Sunday.');
  if (unit === '12mo') notes.push('Each 12mo period is the sum of the 12 months ending in the month named (NCHS VSRR 12-month-ending counts).');
  if (source === 'deaths') {
    notes.push(
      'pending_share: deaths whose manner is pending investigation over all deaths of the same place, period and stratum (NCHS VSRR percent pending); specificity_share: overdose deaths counted with at least one specific drug code (T36-T50.8, not only T50.9) over the overdose deaths counted.',
    );
  }
  if (by === 'age_group') notes.push('Age-specific rows are not age-adjusted; deaths of unknown age are the "unknown" row.');
  return notes;
}

export interface SuppressionSummary {
  applied: boolean;
  /** Cells withheld in this response (primary and complementary together, which are not told apart). */
  suppressedCells: number;
  note: string;
}

export function suppressionSummary(applied: boolean, suppressedCells: number, geography: string): SuppressionSummary {
  if (!applied) {
    return {
      applied: false,
      suppressedCells: 0,
      note:
        geography === 'nation'
          ? 'National counts are not suppressed (NCHS practice).'
          : 'Not suppressed: this caller may read record-level data. Counts of 1-9 below the national level must not be published (NCHS); public callers get them withheld.',
    };
  }
  return {
    applied: true,
    suppressedCells,
    note:
      'Counts of 1-9 below the national level are withheld with the rates built on them (NCHS / CDC WONDER), and so are further cells chosen so that no withheld count can be recovered from the ' +
      'totals this API serves for the same question: each state\'s totals by period, each place\'s total over the range, and the totals without a breakdown. Withheld cells, zeros among them, ' +
      'carry only their place and period. National counts are not suppressed (NCHS practice). Shares pending and specific are given at state and national level only, and age-adjusted rates ' +
      'below the national level only where no age-specific count of the cell is withheld. Every value comes from one grid, whatever the range or unit asked: each calendar year\'s months and totals, suppressed together; ' +
      'a total over part of a year, or a 12-month-ending value, is the sum of its months and is withheld when any of them is.',
  };
}
