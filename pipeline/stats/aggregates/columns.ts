/**
 * The columns of an aggregate table, in order, with their types: one list for JSON, Arrow IPC, CSV
 * and Parquet, so every format carries the same fields. Names are data names (no display text).
 */
export type ColumnType = 'utf8' | 'int32' | 'float64' | 'bool';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  description: string;
}

export type Source = 'deaths' | 'ed';
export type Breakdown = 'age_group' | 'sex';

export function aggregateColumns(source: Source, by: Breakdown | null): ColumnSpec[] {
  const events = source === 'deaths' ? 'deaths' : 'ED visits';
  return [
    { name: 'geography', type: 'utf8', description: 'county FIPS (5 digits), state FIPS (2 digits) or US' },
    { name: 'period', type: 'utf8', description: 'YYYY-MM-DD (day; MMWR week by its Sunday), YYYY-MM (month; 12 months ending in it), YYYY (year); empty for the whole range' },
    ...(by === 'age_group' ? [{ name: 'age_group', type: 'utf8', description: "NCHS age group ('<1', '1-4', '5-14', ... '85+', 'unknown')" } as const] : []),
    ...(by === 'sex' ? [{ name: 'sex', type: 'utf8', description: 'M, F or U (unknown)' } as const] : []),
    { name: 'count', type: 'int32', description: `${events}; empty when suppressed` },
    source === 'deaths'
      ? { name: 'deaths', type: 'int32', description: 'the same as count (kept for existing readers)' }
      : { name: 'visits', type: 'int32', description: 'the same as count' },
    { name: 'population', type: 'float64', description: 'Census population estimate the rate is computed on' },
    { name: 'rate_per_100k', type: 'float64', description: `crude rate: ${events} per 100,000 population over the period (not annualised)` },
    { name: 'rate_lower', type: 'float64', description: 'lower 95% confidence limit of the crude rate' },
    { name: 'rate_upper', type: 'float64', description: 'upper 95% confidence limit of the crude rate' },
    { name: 'unreliable', type: 'bool', description: 'the rate is from fewer than 20 events (NCHS: unreliable)' },
    { name: 'suppressed', type: 'bool', description: 'the count and the figures built on it are withheld (small-number suppression)' },
    { name: 'age_adjusted_rate', type: 'float64', description: 'rate per 100,000 age-adjusted to the 2000 US standard population (direct method); empty where age-specific populations are missing' },
    { name: 'age_adjusted_lower', type: 'float64', description: 'lower 95% confidence limit (Fay-Feuer gamma below 100 deaths, normal from 100)' },
    { name: 'age_adjusted_upper', type: 'float64', description: 'upper 95% confidence limit' },
    ...(source === 'deaths'
      ? ([
          { name: 'pending_share', type: 'float64', description: 'share of all deaths in the place and period whose manner is pending investigation (NCHS VSRR)' },
          { name: 'specificity_share', type: 'float64', description: 'share of the overdose deaths counted with at least one specific drug code (T36-T50.8, not only T50.9)' },
        ] as const)
      : []),
  ];
}

/** Column names that hold a count (withheld together when a cell is suppressed). */
export const COUNT_FIELDS = ['count', 'deaths', 'visits'] as const;
