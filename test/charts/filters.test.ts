// Dashboard filter state and its URL form (dashboard/src/filters.ts).
import { describe, expect, test } from 'vitest';
import { filtersToSearch, monthsBetween, parseFilters, type FilterBounds } from '../../dashboard/src/filters.ts';

const bounds: FilterBounds = {
  measures: ['all_overdose', 'synthetic_opioid'],
  defaultMeasure: 'all_overdose',
  extent: { from: '2023-11', to: '2024-04' },
};

describe('monthsBetween', () => {
  test('lists every month across a year end, inclusive', () => {
    expect(monthsBetween('2023-11', '2024-02')).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
    expect(monthsBetween('2024-03', '2024-03')).toEqual(['2024-03']);
    expect(monthsBetween('2024-03', '2024-02')).toEqual([]);
  });

  test('names a bad month', () => {
    expect(() => monthsBetween('2024-13', '2024-12')).toThrow('invalid month: 2024-13');
  });
});

describe('parseFilters', () => {
  test('defaults to the first measure, counts and the whole data extent', () => {
    expect(parseFilters('', bounds)).toEqual({
      filters: { measure: 'all_overdose', from: '2023-11', to: '2024-04', value: 'count' },
      corrections: [],
    });
  });

  test('reads back what filtersToSearch wrote', () => {
    const filters = { measure: 'synthetic_opioid', from: '2023-12', to: '2024-02', value: 'rate' } as const;
    const search = filtersToSearch(filters);
    expect(search).toBe('?measure=synthetic_opioid&from=2023-12&to=2024-02&value=rate');
    expect(parseFilters(search, bounds)).toEqual({ filters, corrections: [] });
  });

  test('corrects an unusable link and says what it changed', () => {
    const { filters, corrections } = parseFilters('?measure=foo&value=percent&from=2022-01&to=2024-13', bounds);
    expect(filters).toEqual({ measure: 'all_overdose', from: '2023-11', to: '2024-04', value: 'count' });
    expect(corrections).toEqual([
      'unknown measure "foo"',
      'unknown value "percent" (use count or rate)',
      'from month 2022-01 is outside the data (2023-11 to 2024-04)',
      'invalid to month "2024-13" (use YYYY-MM)',
    ]);
  });

  test('swaps a period given backwards', () => {
    const { filters, corrections } = parseFilters('?from=2024-03&to=2023-12', bounds);
    expect([filters.from, filters.to]).toEqual(['2023-12', '2024-03']);
    expect(corrections).toEqual(['from 2024-03 was after to 2023-12; swapped them']);
  });
});
