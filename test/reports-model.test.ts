/**
 * The report's pure parts on hand-built data: periods, suppression (primary and complementary,
 * consistent between a state's report and its county's), rates, age adjustment where the
 * populations allow it, the change test, provisional notes, and the charts as functions of data.
 */
import { describe, expect, it } from 'vitest';
import { chartDocument } from '../server/reports/charts/frame.ts';
import { drugClassChart } from '../server/reports/charts/drug-classes.ts';
import { classBreaks, fillOf, SUPPRESSED_FILL, ZERO_FILL } from '../server/reports/charts/place-map.ts';
import { trendChart, type TrendChartMonth } from '../server/reports/charts/trend.ts';
import { Disclosure } from '../server/reports/model/disclosure.ts';
import { combinationProtection, type CombinationCell } from '../pipeline/stats/rates/combination-protection.ts';
import { compareRates } from '../server/reports/model/rate-change.ts';
import { buildReportModel, type ReportModel } from '../server/reports/model/report-model.ts';
import { addMonths, monthCount, periodLabel, previousPeriod } from '../server/reports/period.ts';
import { Places, type Place } from '../server/reports/places.ts';
import { planPeriods, requestedPeriod } from '../server/reports/plan.ts';
import { cellKey, type AggregateCell, type AggregateTable, type DataExtent, type Interval, type PopulationRow, type ReportData, type ReportPeriods } from '../server/reports/report-data.ts';
import { crudeRate } from '../pipeline/stats/rates/crude-rate.ts';

const places = Places.load();
const place = (code: string) => places.resolve(code) as Place;

describe('periods', () => {
  it('names a year, a quarter, 12 months ending a month, a month and a range', () => {
    expect(periodLabel({ from: '2023-01', to: '2023-12' })).toBe('2023');
    expect(periodLabel({ from: '2024-04', to: '2024-06' })).toBe('Q2 2024');
    expect(periodLabel({ from: '2023-04', to: '2024-03' })).toBe('12 months ending March 2024');
    expect(periodLabel({ from: '2024-02', to: '2024-02' })).toBe('February 2024');
    expect(periodLabel({ from: '2024-01', to: '2024-04' })).toBe('January–April 2024');
    expect(periodLabel({ from: '2023-11', to: '2024-02' })).toBe('November 2023 – February 2024');
    expect(periodLabel({ from: '2022-01', to: '2023-12' })).toBe('2022–2023');
  });

  it('counts months across years and finds the previous period of equal length', () => {
    expect(addMonths('2024-01', -1)).toBe('2023-12');
    expect(addMonths('2023-11', 14)).toBe('2025-01');
    expect(monthCount({ from: '2023-11', to: '2024-02' })).toBe(4);
    expect(previousPeriod({ from: '2024-01', to: '2024-03' })).toEqual({ from: '2023-10', to: '2023-12' });
  });

  it('defaults to the 12 months ending the last month with data, fits the period to the data, and compares only a covered previous period', () => {
    const extent: DataExtent = { first: '2022-01', last: '2024-04', dataAsOf: '2024-05-02T00:00:00.000Z', synthetic: false };
    expect(requestedPeriod({}, extent)).toEqual({ from: '2023-05', to: '2024-04' });
    expect(requestedPeriod({ to: '2023-12' }, extent)).toEqual({ from: '2023-01', to: '2023-12' });
    expect(planPeriods({ from: '2024-01', to: '2024-03' }, extent)).toEqual({
      period: { from: '2024-01', to: '2024-03' },
      previous: { from: '2023-10', to: '2023-12' },
      trend: { from: '2022-04', to: '2024-03' },
    });
    // Clamped to the data; the previous period would start before the data, so there is none.
    expect(planPeriods({ from: '2021-06', to: '2022-03' }, extent)).toEqual({
      period: { from: '2022-01', to: '2022-03' },
      previous: null,
      trend: { from: '2022-01', to: '2022-03' },
    });
    // A long period: the trend holds the previous period too.
    expect(planPeriods({ from: '2023-03', to: '2024-04' }, extent)?.trend).toEqual({ from: '2022-01', to: '2024-04' });
    expect(planPeriods({ from: '2019-01', to: '2019-12' }, extent)).toBeNull();
  });
});

describe('disclosure', () => {
  it('gives the public no value for a withheld count, and signed-in readers every value, flagged', () => {
    const publicVersion = new Disclosure(true);
    expect(publicVersion.figure('monthly trend', null, true)).toEqual({ status: 'suppressed' });
    expect(publicVersion.figure('monthly trend', 12, false)).toEqual({ status: 'shown', value: 12, flagged: false });
    const unsuppressed = new Disclosure(false);
    expect(unsuppressed.figure('monthly trend', 5, true)).toEqual({ status: 'shown', value: 5, flagged: true });
    // Even handed a value, the public version does not show a count it must withhold.
    expect(publicVersion.figure('map areas', 5, true)).toEqual({ status: 'suppressed' });
    expect(Object.fromEntries(publicVersion.tally())).toEqual({ 'monthly trend': { withheld: 1, total: 2 }, 'map areas': { withheld: 1, total: 1 } });
  });
});

describe('rate change', () => {
  const rate = (deaths: number, population: number) => crudeRate(deaths, population);

  it('uses a z test from 100 deaths in both periods', () => {
    // 15 vs 10 per 100,000: z = 5 / √(15²/150 + 10²/100) = 5/√2.5 = 3.162, p = 0.00157.
    const change = compareRates(rate(150, 1e6), rate(100, 1e6));
    expect(change.method).toBe('z-test');
    expect(change.percent).toBeCloseTo(50, 10);
    expect(change.pValue).toBeCloseTo(0.001565, 5);
    expect(change.significant).toBe(true);
    expect(compareRates(rate(110, 1e6), rate(100, 1e6))).toMatchObject({ method: 'z-test', significant: false });
  });

  it('compares the gamma intervals below 100 deaths', () => {
    expect(compareRates(rate(30, 1e6), rate(20, 1e6))).toMatchObject({ method: 'interval-overlap', significant: false, pValue: null });
    expect(compareRates(rate(60, 1e6), rate(10, 1e6))).toMatchObject({ method: 'interval-overlap', significant: true });
    expect(compareRates(rate(5, 1e6), rate(0, 1e6)).percent).toBeNull();
  });
});

// Delaware (10) and its three counties: Kent 10001, New Castle 10003, Sussex 10005.
const DE_POPULATION: Record<string, number> = { '10001': 186_000, '10003': 575_000, '10005': 255_000 };
const DE_TOTAL = 186_000 + 575_000 + 255_000;

function populationRows(codes: Record<string, number>): PopulationRow[] {
  return [2023, 2024].flatMap((year) => Object.entries(codes).map(([geography, population]) => ({ geography, year, population })));
}

interface CellSpec {
  count: number;
  /** Withheld in the public version. */
  hidden?: boolean;
  population?: number;
  pending?: number | null;
  ageAdjusted?: Interval | null;
  /** The age-adjusted rate / pending share the public version does not give. */
  hiddenExtras?: boolean;
}

/** An aggregate answer as report-data.ts builds it, for the public or an unsuppressed reader. */
function table(publicRelease: boolean, cells: [string, string | null, CellSpec][]): AggregateTable {
  return new Map(
    cells.map(([geography, period, spec]): [string, AggregateCell] => {
      const withheld = publicRelease && spec.hidden === true;
      const interval = (() => {
        if (withheld || !spec.population) return null;
        const e = crudeRate(spec.count, spec.population);
        return { rate: e.rate, lower: e.lower, upper: e.upper };
      })();
      const extrasWithheld = publicRelease && spec.hiddenExtras === true;
      return [
        cellKey(geography, period),
        {
          count: withheld ? null : spec.count,
          publiclyHidden: spec.hidden === true,
          population: withheld ? null : (spec.population ?? null),
          crude: interval,
          ageAdjusted: withheld || extrasWithheld ? null : (spec.ageAdjusted ?? null),
          pendingShare: withheld || extrasWithheld ? null : (spec.pending ?? null),
          ageAdjustedPubliclyHidden: !publicRelease && spec.hiddenExtras === true && spec.ageAdjusted !== undefined,
          pendingPubliclyHidden: !publicRelease && spec.hiddenExtras === true && spec.pending !== undefined,
        },
      ];
    }),
  );
}

const EXTENT: DataExtent = { first: '2024-01', last: '2024-03', dataAsOf: '2026-01-01T00:00:00.000Z', synthetic: false };
const PERIODS: ReportPeriods = { period: { from: '2024-01', to: '2024-03' }, previous: null, trend: { from: '2024-01', to: '2024-03' } };
const COMBINATION_LABELS = new Map([
  ['synthetic_opioid', 'Synthetic opioids other than methadone (T40.4)'],
  ['cocaine', 'Cocaine (T40.5)'],
  ['psychostimulant', 'Psychostimulants with abuse potential (T43.6)'],
]);

function delawareData(publicRelease: boolean, options: { placeLevel?: 'state' | 'county'; ageGroupsLoaded?: boolean; ageAdjusted?: Interval | null } = {}): ReportData {
  const place = options.placeLevel === 'county' ? '10001' : '10';
  const population = place === '10' ? DE_TOTAL : DE_POPULATION['10001']!;
  const t = (cells: [string, string | null, CellSpec][]) => table(publicRelease, cells);
  // As /api/combinations protects this table: 6 and 4 are small, and 24 and 11 go with them, since
  // the class totals (death measures) would otherwise give them away.
  const combinations: CombinationCell[] = Object.entries({
    synthetic_opioid: 24,
    'synthetic_opioid+cocaine': 6,
    'synthetic_opioid+psychostimulant': 13,
    psychostimulant: 11,
    cocaine: 12,
    'cocaine+psychostimulant': 4,
    unspecified: 15,
  }).map(([combination, count]) => ({ combination, classes: combination === 'unspecified' ? [] : combination.split('+'), count }));
  return {
    ageGroupsLoaded: options.ageGroupsLoaded ?? false,
    overdose: {
      key: 'all_overdose',
      label: 'All drug overdose deaths',
      // Two of the state's months withheld: February (5) and January (12), which would give it away.
      total: t([[place, null, { count: 47, population, pending: 0.005, ageAdjusted: options.ageAdjusted ?? null, hiddenExtras: options.placeLevel === 'county' }]]),
      previousTotal: null,
      months: {
        period: t([
          [place, '2024-01', { count: 12, population, hidden: true }],
          [place, '2024-02', { count: 5, population, hidden: true }],
          [place, '2024-03', { count: 30, population }],
        ]),
        previous: null,
        earlier: null,
      },
    },
    classes: [
      { key: 'synthetic_opioid', label: 'Synthetic opioids other than methadone (T40.4)', total: t([[place, null, { count: 30, population }]]), previousTotal: null },
      { key: 'cocaine', label: 'Cocaine (T40.5)', total: t([[place, null, { count: 8, population, hidden: true }]]), previousTotal: null },
      // No row: no deaths.
      { key: 'heroin', label: 'Heroin (T40.1)', total: t([]), previousTotal: null },
    ],
    populations: populationRows({ [place]: population }),
    areas: {
      level: 'county',
      table: t([
        ['10001', null, { count: 4, population: DE_POPULATION['10001'], hidden: true }],
        ['10003', null, { count: 40, population: DE_POPULATION['10003'] }],
        ['10005', null, { count: 3, population: DE_POPULATION['10005'], hidden: true }],
      ]),
      populations: populationRows(DE_POPULATION),
    },
    combinations: { cells: combinations, protection: combinationProtection(combinations, { suppress: true }), labels: COMBINATION_LABELS, offGrid: false },
    alerts: [
      { source: 'deaths', measure: 'all_overdose', measureLabel: 'All drug overdose deaths', level: 'state', geography: '10', period: '2024-03-10', periodUnit: 'week', method: 'farrington', observed: 12, expected: 4.1, pValue: 0.004, status: 'alert', publiclyHidden: false },
      { source: 'ed', measure: 'fentanyl', measureLabel: 'Fentanyl overdose', level: 'state', geography: '10', period: '2024-03-29', periodUnit: 'day', method: 'switch', observed: 5, expected: 1.2, pValue: 0.02, status: 'warning', publiclyHidden: true },
    ],
  };
}

function model(code: string, publicRelease: boolean, data = delawareData(publicRelease, { placeLevel: code.length === 5 ? 'county' : 'state' })): ReportModel {
  return buildReportModel({ place: place(code), periods: PERIODS, requested: PERIODS.period, extent: EXTENT, data, places, publicRelease });
}

describe('report model', () => {
  it('withholds in the public state report what the answers withhold, with every figure built on it', () => {
    const m = model('10', true);
    expect(m.trend.map((t) => t.deaths)).toEqual([{ status: 'suppressed' }, { status: 'suppressed' }, { status: 'shown', value: 30, flagged: false }]);
    expect(m.trend.map((t) => t.rate.status)).toEqual(['suppressed', 'suppressed', 'shown']);
    expect(m.keyFigures.current.deaths).toEqual({ status: 'shown', value: 47, flagged: false });
    expect(m.areas.rows.map((a) => [a.name, a.deaths.status, a.rate.status])).toEqual([
      ['Kent County', 'suppressed', 'suppressed'],
      ['New Castle County', 'shown', 'shown'],
      ['Sussex County', 'suppressed', 'suppressed'],
    ]);
    const cocaine = m.drugClasses.find((c) => c.key === 'cocaine')!;
    expect([cocaine.deaths.status, cocaine.rate.status, cocaine.share]).toEqual(['suppressed', 'suppressed', 'suppressed']);
    expect(m.drugClasses.find((c) => c.key === 'synthetic_opioid')!.share).toEqual({ value: (30 / 47) * 100, flagged: false });
    // No row for heroin: 0 deaths, shown, with a rate of 0 from the population.
    const heroin = m.drugClasses.find((c) => c.key === 'heroin')!;
    expect(heroin.deaths).toEqual({ status: 'shown', value: 0, flagged: false });
    expect(heroin.rate.status === 'shown' && [heroin.rate.estimate.rate, heroin.rate.reliable]).toEqual([0, false]);
    // The ED warning of 5 visits in a state is left out, as /api/alerts leaves it out; the death alert of 12 is listed.
    expect(m.alerts.rows.map((a) => a.observed)).toEqual([{ status: 'shown', value: 12, flagged: false }]);
    expect(m.alerts.unlisted).toBe(1);
    expect(Object.fromEntries(m.suppression)).toMatchObject({
      'monthly trend': { withheld: 2, total: 3 },
      'map areas': { withheld: 2, total: 3 },
      'drug classes': { withheld: 1, total: 3 },
      alerts: { withheld: 1, total: 2 },
    });
  });

  it('annualises rates: deaths per 100,000 per year over the period’s months', () => {
    const m = model('10', true);
    const rate = m.keyFigures.current.crudeRate;
    expect(rate.status === 'shown' && rate.estimate.rate).toBeCloseTo((47 / DE_TOTAL) * 100_000 * (12 / 3), 10);
    expect(rate.status === 'shown' && [rate.estimate.method, rate.reliable]).toEqual(['gamma', true]);
    const march = m.trend[2]!.rate;
    expect(march.status === 'shown' && march.estimate.rate).toBeCloseTo((30 / DE_TOTAL) * 100_000 * 12, 10);
    expect(march.status === 'shown' && march.estimate.upper).toBeCloseTo(crudeRate(30, DE_TOTAL).upper * 12, 10);
  });

  it('lists the combinations /api/combinations shows, and says how many it does not', () => {
    const m = model('10', true);
    expect(m.combinations.rows.map((r) => [r.label, r.deaths.status === 'shown' && r.deaths.value, r.share])).toEqual([
      ['No specific drug class (unspecified drugs only)', 15, { value: (15 / 85) * 100, flagged: false }],
      ['Synthetic opioids other than methadone + Psychostimulants with abuse potential', 13, { value: (13 / 85) * 100, flagged: false }],
      ['Cocaine only', 12, { value: (12 / 85) * 100, flagged: false }],
    ]);
    expect(m.combinations.unlisted).toEqual({ combinations: 4, deaths: 24 + 6 + 11 + 4 });
    expect(Object.fromEntries(m.suppression)['drug combinations']).toEqual({ withheld: 4, total: 7 });
  });

  it('shows the signed-in version every value, flagged exactly where the public one withholds it', () => {
    const open = model('10', false);
    expect(open.trend.map((t) => t.deaths)).toEqual([
      { status: 'shown', value: 12, flagged: true },
      { status: 'shown', value: 5, flagged: true },
      { status: 'shown', value: 30, flagged: false },
    ]);
    expect(open.alerts.rows.map((a) => a.observed)).toEqual([
      { status: 'shown', value: 12, flagged: false },
      { status: 'shown', value: 5, flagged: true },
    ]);
    const closed = model('10', true);
    const withheld = (m: ReportModel) => m.areas.rows.map((a) => a.deaths.status === 'suppressed' || a.deaths.flagged);
    expect(withheld(open)).toEqual(withheld(closed));
    // The public combinations are all in the unsuppressed list, with the same counts.
    for (const row of closed.combinations.rows) expect(open.combinations.rows.find((r) => r.combination === row.combination)?.deaths).toEqual(row.deaths);
    expect(open.combinations.rows.some((r) => r.deaths.status === 'shown' && r.deaths.flagged)).toBe(true);
    expect(open.combinations.unlisted).toBeNull();
  });

  it('withholds the combinations when the overdose total is withheld (they add up to it)', () => {
    const data = delawareData(true);
    data.overdose.total = table(true, [['10', null, { count: 47, population: DE_TOTAL, hidden: true }]]);
    const m = model('10', true, data);
    expect(m.keyFigures.current.deaths.status).toBe('suppressed');
    expect(m.combinations).toMatchObject({ rows: [], withheld: true });
    expect(m.drugClasses.every((c) => c.share === 'suppressed')).toBe(true);
  });

  it('withholds the combinations of a period that is not one calendar year (the public gets them by year below the nation)', () => {
    const data = delawareData(true);
    data.combinations = { ...data.combinations, offGrid: true };
    const m = model('10', true, data);
    expect(m.combinations).toMatchObject({ rows: [], withheld: true, byYearOnly: true });
    // The signed-in version lists them, each flagged as withheld from the public.
    const signedIn = model('10', false, { ...delawareData(false), combinations: { ...delawareData(false).combinations, offGrid: true } });
    expect(signedIn.combinations.withheld).toBe(false);
    expect(signedIn.combinations.rows.length).toBeGreaterThan(0);
    expect(signedIn.combinations.rows.every((r) => r.deaths.status === 'shown' && r.deaths.flagged)).toBe(true);
  });

  it('gives the pending share and age-adjusted rate where the aggregates give them', () => {
    const state = model('10', true);
    expect(state.keyFigures.current.pending).toEqual({ status: 'shown', share: 0.5, flagged: false });
    expect(state.keyFigures.current.ageAdjustedRate).toEqual({ status: 'unavailable', why: 'no age-specific population estimates are loaded (only totals)' });
    // Below the state the public version has no pending share (as /api/aggregates); the signed-in one flags it.
    expect(model('10001', true).keyFigures.current.pending).toEqual({ status: 'suppressed' });
    expect(model('10001', false).keyFigures.current.pending).toEqual({ status: 'shown', share: 0.5, flagged: true });
    // Age-adjusted, annualised like the crude rate.
    const adjusted = model('10', true, delawareData(true, { ageGroupsLoaded: true, ageAdjusted: { rate: 1.2, lower: 0.9, upper: 1.6 } })).keyFigures.current.ageAdjustedRate;
    expect(adjusted.status === 'shown' && [adjusted.estimate.rate, adjusted.estimate.lower, adjusted.estimate.upper]).toEqual([4.8, 3.6, 6.4]);
    // Loaded, but not given for the place: withheld in the public version.
    expect(model('10', true, delawareData(true, { ageGroupsLoaded: true })).keyFigures.current.ageAdjustedRate).toEqual({ status: 'suppressed' });
  });

  it('protects a county in its own report exactly as in its state report', () => {
    const county = model('10001', true);
    expect(county.place.name).toBe('Kent County, Delaware');
    expect(county.areas.highlight).toBe('10001');
    expect(county.areas.rows.map((a) => a.deaths.status)).toEqual(model('10', true).areas.rows.map((a) => a.deaths.status));
  });

  it('says why figures are provisional', () => {
    expect(model('10', true).provisional).toEqual([expect.stringContaining('pending investigation')]);
    const recent = buildReportModel({
      place: place('10'),
      periods: PERIODS,
      requested: PERIODS.period,
      extent: { ...EXTENT, dataAsOf: '2024-06-01T00:00:00.000Z' },
      data: delawareData(true),
      places,
      publicRelease: true,
    });
    expect(recent.provisional).toHaveLength(2);
    expect(recent.provisional[0]).toContain('less than 12 months before');
  });
});

describe('charts are pure functions of their data', () => {
  const months: TrendChartMonth[] = [
    { month: '2024-01', segment: 'previous', deaths: 14, rate: 5.1, reliable: false },
    { month: '2024-02', segment: 'period', deaths: null, rate: null, reliable: false },
    { month: '2024-03', segment: 'period', deaths: 0, rate: 0, reliable: false },
    { month: '2024-04', segment: 'period', deaths: 25, rate: 9.4, reliable: true },
  ];
  const text = { title: 'Test', subtitle: 'Sub', notes: ['A note'], marking: null };

  it('trend: the same data draw the same SVG; a suppressed month has no bar and no point, only an S', () => {
    const a = trendChart(chartDocument(), { months, text }).outerHTML;
    const b = trendChart(chartDocument(), { months, text }).outerHTML;
    expect(a).toBe(b);
    const svg = trendChart(chartDocument(), { months, text });
    expect([...svg.querySelectorAll('rect[data-month]')].map((r) => [r.getAttribute('data-month'), r.getAttribute('data-deaths')])).toEqual([
      ['2024-01', '14'],
      ['2024-03', '0'],
      ['2024-04', '25'],
    ]);
    expect([...svg.querySelectorAll('circle[data-month]')].map((c) => c.getAttribute('data-month'))).toEqual(['2024-01', '2024-03', '2024-04']);
    expect([...svg.querySelectorAll('text[data-suppressed]')].map((t) => [t.getAttribute('data-month'), t.textContent])).toEqual([['2024-02', 'S']]);
    expect(svg.outerHTML).not.toContain('NOT FOR PUBLIC RELEASE');
    expect(trendChart(chartDocument(), { months, text: { ...text, marking: 'NOT FOR PUBLIC RELEASE' } }).outerHTML).toContain('NOT FOR PUBLIC RELEASE');
  });

  it('drug classes: suppressed classes have no bar and come last', () => {
    const svg = drugClassChart(chartDocument(), {
      classes: [
        { key: 'a', label: 'Alpha', deaths: null },
        { key: 'b', label: 'Beta', deaths: 12 },
        { key: 'c', label: 'Gamma', deaths: 40 },
      ],
      text,
    });
    expect([...svg.querySelectorAll('rect[data-key]')].map((r) => r.getAttribute('data-key'))).toEqual(['c', 'b']);
    expect([...svg.querySelectorAll('text[data-suppressed]')].map((t) => t.getAttribute('data-key'))).toEqual(['a']);
  });

  it('map: round class breaks, and a grey of their own for suppressed and zero', () => {
    expect(classBreaks([3.2, 17.5, 44.9])).toEqual([10, 20, 30, 40]);
    expect(classBreaks([])).toEqual([]);
    const colors = ['c0', 'c1', 'c2', 'c3', 'c4'];
    expect(fillOf({ code: 'x', name: 'x', deaths: null, rate: null }, [10, 20], colors)).toBe(SUPPRESSED_FILL);
    expect(fillOf({ code: 'x', name: 'x', deaths: 0, rate: 0 }, [10, 20], colors)).toBe(ZERO_FILL);
    expect(fillOf({ code: 'x', name: 'x', deaths: 30, rate: 15 }, [10, 20], colors)).toBe('c1');
    expect(fillOf({ code: 'x', name: 'x', deaths: 30, rate: 25 }, [10, 20], colors)).toBe('c2');
  });
});
