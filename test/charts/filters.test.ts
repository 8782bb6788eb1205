// Dashboard filter state and its URL form (dashboard/src/filters.ts, route.ts).
import { describe, expect, test } from 'vitest';
import { filtersToSearch, monthsBetween, parseFilters, withinPublicGrid, type FilterBounds, type Filters } from '../../dashboard/src/filters.ts';
import { parseRoute, routeToSearch } from '../../dashboard/src/route.ts';

const bounds: FilterBounds = {
  measures: ['all_overdose', 'synthetic_opioid'],
  defaultMeasure: 'all_overdose',
  extent: { from: '2023-11', to: '2024-04' },
};
const defaults: Filters = { source: 'deaths', measure: 'all_overdose', geo: 'US', from: '2023-11', to: '2024-04', unit: 'month', value: 'count', adjusted: false };

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
  test('defaults to deaths, the default measure, the nation, months, counts and the whole data extent', () => {
    expect(parseFilters('', bounds)).toEqual({ filters: defaults, corrections: [] });
  });

  test('reads back what filtersToSearch wrote', () => {
    const filters: Filters = { source: 'both', measure: 'synthetic_opioid', geo: '24510', from: '2023-12', to: '2024-02', unit: 'week', value: 'rate', adjusted: true };
    const search = filtersToSearch(filters);
    expect(search).toBe('?source=both&measure=synthetic_opioid&geo=24510&from=2023-12&to=2024-02&unit=week&value=rate&adjusted=1');
    expect(parseFilters(search, bounds)).toEqual({ filters, corrections: [] });
  });

  test('corrects an unusable link and says what it changed', () => {
    const { filters, corrections } = parseFilters('?measure=foo&value=percent&from=2022-01&to=2024-13&geo=99&unit=fortnight&source=x&adjusted=yes', bounds);
    expect(filters).toEqual(defaults);
    expect(corrections).toEqual([
      'unknown source "x" (use deaths, ed or both)',
      'unknown measure "foo"',
      'unknown place "99" (use US, a state FIPS code or a county FIPS code)',
      'unknown unit "fortnight" (use day, week, month, 12mo, year)',
      'unknown value "percent" (use count or rate)',
      'unknown adjusted "yes" (use 0 or 1)',
      'from month 2022-01 is outside the data (2023-11 to 2024-04)',
      'invalid to month "2024-13" (use YYYY-MM)',
    ]);
  });

  test('a county must be in a known state', () => {
    expect(parseFilters('?geo=24510', bounds).filters.geo).toBe('24510');
    expect(parseFilters('?geo=03001', bounds).corrections).toHaveLength(1); // 03 is no state
  });

  test('swaps a period given backwards', () => {
    const { filters, corrections } = parseFilters('?from=2024-03&to=2023-12', bounds);
    expect([filters.from, filters.to]).toEqual(['2023-12', '2024-03']);
    expect(corrections).toEqual(['from 2024-03 was after to 2023-12; swapped them']);
  });
});

describe('routes', () => {
  test('the page, its filters and its selection round-trip through the URL', () => {
    const route = { view: 'alerts' as const, filters: { ...defaults, geo: '39' }, alert: 'ed.fentanyl.39.switch.2024-05-31', cluster: null, item: null };
    const search = routeToSearch(route);
    expect(search).toBe('?view=alerts&source=deaths&measure=all_overdose&geo=39&from=2023-11&to=2024-04&unit=month&value=count&alert=ed.fentanyl.39.switch.2024-05-31');
    expect(parseRoute(search, bounds)).toEqual({ route, corrections: [] });
  });

  test('an unknown page or a malformed selection falls back, with a correction', () => {
    const { route, corrections } = parseRoute('?view=admin&alert=<script>', bounds);
    expect(route.view).toBe('overview');
    expect(route.alert).toBeNull();
    expect(corrections).toEqual(['unknown page "admin" (use overview, alerts, combinations, review, upload, reports)', 'invalid alert "<script>"']);
  });
});

describe('the public grid', () => {
  test('shows the public a state or county by month where it asked for days or weeks, saying why', () => {
    for (const [geo, unit] of [['39', 'week'], ['39061', 'day']] as const) {
      const { filters, notice } = withinPublicGrid({ ...defaults, geo, unit }, false);
      expect(filters).toEqual({ ...defaults, geo, unit: 'month' });
      expect(notice).toMatch(/^(Weekly|Daily) figures for states and counties need a sign-in .*: shown by month\.$/);
    }
  });

  test('leaves the nation, other units and readers who see unsuppressed figures as they are', () => {
    for (const [filters, unsuppressed] of [
      [{ ...defaults, unit: 'week' }, false],
      [{ ...defaults, geo: '39', unit: 'month' }, false],
      [{ ...defaults, geo: '39', unit: '12mo' }, false],
      [{ ...defaults, geo: '39', unit: 'day' }, true],
    ] as const) {
      const out = withinPublicGrid(filters, unsuppressed);
      expect(out.filters).toBe(filters);
      expect(out.notice).toBeNull();
    }
  });
});
