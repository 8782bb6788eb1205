/**
 * What a report may show. Which counts are withheld is decided where the API decides it (the
 * aggregates service, /api/combinations, /api/alerts: report-data.ts); here each count becomes a
 * figure for its reader, and the withheld ones are tallied for the report's suppression notes.
 * The public version gets no value for a withheld count at all (a renderer cannot leak what it
 * never receives); an unsuppressed reader gets every value, flagged where the public version
 * withholds it, so they know what must not be passed on.
 */
import type { AggregateCell, AggregateTable } from '../report-data.ts';
import { cellKey } from '../report-data.ts';

export type CountFigure =
  | { status: 'shown'; value: number; /** Withheld in the public version (unsuppressed reports only). */ flagged: boolean }
  | { status: 'suppressed' };

export type Section = 'key figures' | 'monthly trend' | 'map areas' | 'drug classes' | 'drug combinations' | 'alerts';

export interface SectionTally {
  /** Counts the public version withholds. */
  withheld: number;
  /** Every count the section has. */
  total: number;
}

/** A cell no answer has a row for: a shown 0. */
export const ZERO_CELL: AggregateCell = { count: 0, publiclyHidden: false, population: null, crude: null, ageAdjusted: null, pendingShare: null, ageAdjustedPubliclyHidden: false, pendingPubliclyHidden: false };

export function cellOf(table: AggregateTable, geography: string, period: string | null): AggregateCell {
  return table.get(cellKey(geography, period)) ?? ZERO_CELL;
}

export class Disclosure {
  private readonly tallies = new Map<Section, SectionTally>();

  constructor(
    /** true: the public version; false: unsuppressed, "not for public release". */
    readonly publicRelease: boolean,
  ) {}

  /** A count as this version shows it, counted in the section's tally. */
  figure(section: Section, value: number | null, publiclyHidden: boolean): CountFigure {
    const tally = this.tallies.get(section) ?? { withheld: 0, total: 0 };
    tally.total++;
    if (publiclyHidden) tally.withheld++;
    this.tallies.set(section, tally);
    if (value === null || (publiclyHidden && this.publicRelease)) return { status: 'suppressed' };
    return { status: 'shown', value, flagged: publiclyHidden };
  }

  cell(section: Section, cell: AggregateCell): CountFigure {
    return this.figure(section, cell.count, cell.publiclyHidden);
  }

  tally(): ReadonlyMap<Section, SectionTally> {
    return this.tallies;
  }
}
