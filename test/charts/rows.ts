// Builders of the rows the dashboard reads from the API, for the chart and helper tests.
import type { AggregateRow } from '../../dashboard/src/api/aggregates.ts';
import type { AlertRow } from '../../dashboard/src/api/alerts.ts';

/** An aggregate row as an unsuppressed (epidemiologist's) answer has it: rate from count and population. */
export const row = (geography: string, period: string | null, count: number, population: number | null): AggregateRow => ({
  geography,
  period,
  count,
  population,
  ratePer100k: population ? (count / population) * 100_000 : null,
  suppressed: false,
  unreliable: count < 20,
  rateLower: null,
  rateUpper: null,
  ageAdjustedRate: null,
  ageAdjustedLower: null,
  ageAdjustedUpper: null,
  pendingShare: null,
});

export const alert = (fields: Partial<AlertRow> & Pick<AlertRow, 'source' | 'measure' | 'geography' | 'period' | 'method' | 'observed' | 'status'>): AlertRow => ({
  level: fields.geography === 'US' ? 'nation' : 'state',
  periodUnit: fields.source === 'ed' ? 'day' : 'week',
  expected: null,
  threshold: null,
  pValue: null,
  note: null,
  computedAt: '2024-06-01 04:45:00+00',
  ...fields,
});
