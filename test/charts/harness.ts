// Runs in Chromium (bundled by charts.test.ts): draws each chart from fixed data and returns its
// HTML, so the saved outputs show every change to what a chart draws. The data is written out
// here, small and hand-made, each case saying what it exercises.
import type { Topology } from 'topojson-specification';
import type { AggregateRow } from '../../dashboard/src/api/aggregates.ts';
import type { AlertRow, ClusterRow } from '../../dashboard/src/api/alerts.ts';
import type { BatchReport } from '../../dashboard/src/api/batches.ts';
import type { CombinationTable } from '../../dashboard/src/api/combinations.ts';
import type { CodedRecord, QueueItem } from '../../dashboard/src/api/records.ts';
import { alertList } from '../../dashboard/src/charts/alert-list.ts';
import { alertSeries } from '../../dashboard/src/charts/alert-series.ts';
import { batchReport } from '../../dashboard/src/charts/batch-report.ts';
import { clusterList } from '../../dashboard/src/charts/cluster-list.ts';
import { combinationBars } from '../../dashboard/src/charts/combination-bars.ts';
import { combinationMatrix } from '../../dashboard/src/charts/combination-matrix.ts';
import { combinationTrend } from '../../dashboard/src/charts/combination-trend.ts';
import { addCountyPaths, countyGeography, countyMap, recolourCountyMap, type CountyGeography, type CountyMapInput } from '../../dashboard/src/charts/county-map.ts';
import { recordList } from '../../dashboard/src/charts/record-list.ts';
import { reportTables } from '../../dashboard/src/charts/report-tables.ts';
import { reviewQueue } from '../../dashboard/src/charts/review-queue.ts';
import { methodLabel } from '../../dashboard/src/charts/status.ts';
import { completeSeries, statusSpans, timeSeries } from '../../dashboard/src/charts/time-series.ts';
import { periodsFor } from '../../dashboard/src/periods.ts';
import { placeName } from '../../dashboard/src/places.ts';
import type { ReportModel } from '../../dashboard/src/report.ts';
import { alert, row } from './rows.ts';

/** Delaware and Maryland only: 27 counties keep the saved map small enough to read in a diff. */
function midAtlantic(topology: Topology): CountyGeography {
  return countyGeography(topology, ['10', '24']);
}

// Baltimore city high; a county with deaths but no population; two suppressed counties (1-9, as
// a public caller sees them); a CT planning region not on the 2017 map.
const countyRows: AggregateRow[] = [
  row('24510', null, 412, 569_931),
  row('24005', null, 175, 854_535),
  row('24003', null, 96, 593_286),
  row('24033', null, 88, 947_430),
  row('24031', null, 61, 1_058_474),
  row('10003', null, 140, 575_494),
  row('10005', null, 77, 255_956),
  row('10001', null, 39, 186_946),
  row('24001', null, 12, 67_267),
  row('24029', null, 14, null),
  { ...row('24039', null, 0, 24_546), count: null, ratePer100k: null, suppressed: true },
  { ...row('24011', null, 0, 33_406), count: null, ratePer100k: null, suppressed: true },
  row('09110', null, 15, null),
];

// March is missing: no deaths that month, drawn as zero.
const nationRows: AggregateRow[] = [
  row('US', '2024-01', 8_011, 336_806_231),
  row('US', '2024-02', 7_530, 336_806_231),
  row('US', '2024-04', 7_102, 336_806_231),
  row('US', '2024-05', 6_915, 336_806_231),
];

// Maryland by MMWR week over February 2024 (weeks of Jan 28 and Feb 25 are partial); one
// suppressed week; confidence limits; detection statuses for the last four weeks.
const weekRows: AggregateRow[] = [
  { ...row('24', '2024-01-28', 31, 6_180_253), rateLower: 0.34, rateUpper: 0.71 },
  { ...row('24', '2024-02-04', 44, 6_180_253), rateLower: 0.52, rateUpper: 0.96 },
  { ...row('24', '2024-02-11', 0, 6_180_253), count: null, ratePer100k: null, suppressed: true },
  { ...row('24', '2024-02-18', 18, 6_180_253), rateLower: 0.17, rateUpper: 0.46 },
  { ...row('24', '2024-02-25', 12, 6_180_253), rateLower: 0.1, rateUpper: 0.34 },
];
const weekStatuses: AlertRow[] = [
  alert({ source: 'deaths', measure: 'all_overdose', geography: '24', period: '2024-02-04', periodUnit: 'week', method: 'farrington', observed: 44, expected: 28.1, threshold: 39.5, pValue: 0.004, status: 'alert' }),
  alert({ source: 'deaths', measure: 'all_overdose', geography: '24', period: '2024-02-04', periodUnit: 'week', method: 'cusum', observed: 44, expected: 30, threshold: null, pValue: null, status: 'warning' }),
  alert({ source: 'deaths', measure: 'all_overdose', geography: '24', period: '2024-02-11', periodUnit: 'week', method: 'farrington', observed: 4, expected: 28.1, threshold: 39.5, pValue: 0.9, status: 'none' }),
  alert({ source: 'deaths', measure: 'all_overdose', geography: '24', period: '2024-02-18', periodUnit: 'week', method: 'farrington', observed: 18, expected: 27.5, threshold: 38.9, pValue: 0.8, status: 'none' }),
  alert({ source: 'deaths', measure: 'all_overdose', geography: '24', period: '2024-02-25', periodUnit: 'week', method: 'farrington', observed: 12, expected: null, threshold: null, pValue: null, status: 'insufficient' }),
];

// An ED alert with a tiny p, a death warning by week, a nation row, an alert without a p-value (EARS).
const alertRows: AlertRow[] = [
  alert({ source: 'ed', measure: 'fentanyl', level: 'state', geography: '39', period: '2024-05-31', periodUnit: 'day', method: 'switch', observed: 30, expected: 2.4, threshold: 7.9, pValue: 0.00002, status: 'alert' }),
  alert({ source: 'ed', measure: 'all_drug', level: 'nation', geography: 'US', period: '2024-05-31', periodUnit: 'day', method: 'ears_c2', observed: 61, expected: 33.1, threshold: 52.4, pValue: null, status: 'alert' }),
  alert({ source: 'deaths', measure: 'synthetic_opioid', level: 'state', geography: '21', period: '2024-05-26', periodUnit: 'week', method: 'farrington', observed: 14, expected: 6.2, threshold: 12.1, pValue: 0.031, status: 'warning' }),
];

// Fourteen days of an ED series by the switch method: quiet, a warning, then an alert on the last day.
const edDays = ['2024-05-18', '2024-05-19', '2024-05-20', '2024-05-21', '2024-05-22', '2024-05-23', '2024-05-24', '2024-05-25', '2024-05-26', '2024-05-27', '2024-05-28', '2024-05-29', '2024-05-30', '2024-05-31'];
const edObserved = [2, 3, 1, 2, 4, 2, 3, 2, 1, 3, 6, 4, 9, 30];
const seriesRows: AlertRow[] = edDays.map((period, i) =>
  alert({
    source: 'ed', measure: 'fentanyl', level: 'state', geography: '39', period, periodUnit: 'day', method: 'switch',
    observed: edObserved[i]!, expected: i < 2 ? null : 2.2 + i * 0.02, threshold: i < 2 ? null : 6.5 + i * 0.05,
    pValue: i < 2 ? null : i === 13 ? 0.00002 : i === 12 ? 0.03 : 0.4, status: i < 2 ? 'insufficient' : i === 13 ? 'alert' : i === 12 ? 'warning' : 'none',
    note: i < 2 ? 'fewer than 11 baseline days' : null,
  }),
);

const clusters: ClusterRow[] = [
  { id: 'ed.fentanyl.1', source: 'ed', measure: 'fentanyl', rank: 1, centre: '24510', members: ['24510', '24005', '24003'], radiusKm: 21.4, start: '2024-05-20', end: '2024-05-31', observed: 41, expected: 12.3, relativeRisk: 3.47, pValue: 0.001, recurrenceDays: 1000 },
  { id: 'deaths.all_overdose.1', source: 'deaths', measure: 'all_overdose', rank: 1, centre: '10003', members: ['10003'], radiusKm: 0, start: '2024-05-29', end: '2024-05-31', observed: 6, expected: 2.1, relativeRisk: 2.9, pValue: 0.41, recurrenceDays: 2.4 },
];

// Two months of a state's combinations: the latest with one withheld (a small count) and the
// hidden ones together; a pair withheld too.
const february: CombinationTable = {
  geography: '24', period: '2024-02', partial: false, total: 1010, previousPeriod: '2024-01',
  combinations: [
    { drugs: ['synthetic_opioid'], count: 412, share: 0.408, previousCount: 455, suppressed: false },
    { drugs: ['synthetic_opioid', 'psychostimulant'], count: 233, share: 0.231, previousCount: 190, suppressed: false },
    { drugs: ['synthetic_opioid', 'cocaine'], count: 171, share: 0.169, previousCount: 171, suppressed: false },
    { drugs: ['cocaine'], count: 64, share: 0.063, previousCount: null, suppressed: false },
    { drugs: ['synthetic_opioid', 'cocaine', 'benzodiazepine'], count: 22, share: 0.022, previousCount: 0, suppressed: false },
    { drugs: ['xylazine', 'synthetic_opioid'], count: null, share: null, previousCount: null, suppressed: true },
  ],
  other: { count: 108, share: 0.107 },
  pairs: [
    { a: 'synthetic_opioid', b: 'synthetic_opioid', count: 838 },
    { a: 'cocaine', b: 'cocaine', count: 257 },
    { a: 'psychostimulant', b: 'psychostimulant', count: 240 },
    { a: 'synthetic_opioid', b: 'cocaine', count: 193 },
    { a: 'synthetic_opioid', b: 'psychostimulant', count: 233 },
    { a: 'cocaine', b: 'psychostimulant', count: null },
  ],
};
const january: CombinationTable = {
  ...february, period: '2024-01', previousPeriod: null, total: 990,
  combinations: [
    { drugs: ['synthetic_opioid'], count: 455, share: 0.46, previousCount: null, suppressed: false },
    { drugs: ['synthetic_opioid', 'psychostimulant'], count: 190, share: 0.19, previousCount: null, suppressed: false },
    { drugs: ['synthetic_opioid', 'cocaine'], count: 171, share: 0.17, previousCount: null, suppressed: false },
  ],
};
const march: CombinationTable = { ...february, period: '2024-03', partial: true, total: 300, combinations: february.combinations.map((c) => ({ ...c, count: c.count === null ? null : Math.round(c.count / 3) })) };
const drugNames: Record<string, string> = { synthetic_opioid: 'Synthetic opioids', psychostimulant: 'Psychostimulants', cocaine: 'Cocaine', benzodiazepine: 'Benzodiazepines', xylazine: 'Xylazine' };

// A death flagged for text that matched nothing, an ED visit whose poisoning was inferred.
const queueItems: QueueItem[] = [
  { id: 'deaths-10537', source: 'deaths', state: 'pending', jurisdiction: 'OH', county: '24510', date: '2024-02-02', summary: 'FENTYNAL TOXICITY', underlyingCause: 'X44', codes: ['X44', 'T43.6', 'T40.5'], reasons: ['text that matched nothing: "fentynal toxicity"'], pendingSince: '2024-06-01T11:44:30.876000Z', why: ['drug overdose', 'state 24 is alerting', 'low confidence: text that matched nothing'] },
  { id: 'ed-35520', source: 'ed', state: 'pending', jurisdiction: 'DE', county: null, date: '2024-01-21', summary: 'AMS ? OD', underlyingCause: null, codes: ['T40.411A'], reasons: ['poisoning inferred from depressed consciousness after fentanyl; no overdose word'], pendingSince: '2024-06-01T11:44:35.802000Z', why: [] },
];

const report: BatchReport = {
  batchId: 'b20240601120000-0a1b2c3d', kind: 'deaths', fileName: 'ohio-may.csv', status: 'loaded', duplicateOf: null,
  recordsRead: 1204, recordsLoaded: 1199, recordsUnchanged: 2, recordsRejected: 3, error: null,
  errors: [
    { line: 18, recordId: '2024OH000017', field: 'death_date', message: 'invalid date "2024-02-30" (expected YYYY-MM-DD)' },
    { line: 211, recordId: '2024OH000210', field: 'residence_county_fips', message: 'not a 5-digit county FIPS code: "3906"' },
    { line: 977, recordId: null, field: null, message: 'the line has 13 fields; the header has 14' },
  ],
  errorsTotal: 3, progress: null,
};

const records: CodedRecord[] = [
  {
    id: '2024OH000002', date: '2024-01-09', age: '51', sex: 'F', residence: '39061', manner: 'A',
    source: 'deaths', lines: [{ label: 'I(a)', number: 1, text: 'Mixed drug (fentanyl; cocaine; ethanol) intoxication' }, { label: 'Part II', number: 6, text: 'Hypertensive cardiovascular disease' }],
    underlyingCause: 'X44', codes: ['X44', 'T40.4', 'T40.5', 'T51.0', 'I11.9'], syndromes: [],
    entityAxis: [{ line: 1, position: 1, code: 'T40.4', text: 'fentanyl' }, { line: 1, position: 2, code: 'T40.5', text: 'cocaine' }, { line: 1, position: 3, code: 'T51.0', text: 'ethanol' }, { line: 6, position: 1, code: 'I11.9', text: 'hypertensive cardiovascular disease' }],
    drugs: [{ name: 'fentanyl', code: 'T40.4' }, { name: 'cocaine', code: 'T40.5' }],
    trace: [{ rule: 'poisoning', detail: 'Part I names a drug intoxication; manner accident and several drug classes give X44.' }],
    reviewReasons: [],
  },
  {
    id: '2024OH000009', date: '2024-02-14', age: null, sex: 'M', residence: null, manner: 'P',
    source: 'deaths', lines: [{ label: 'I(a)', number: 1, text: 'pending toxicology' }],
    underlyingCause: 'R99', codes: ['R99'], entityAxis: [], drugs: [], syndromes: [],
    trace: [{ rule: 'ill-defined', detail: 'No codable condition; R99 until the certificate is amended.' }],
    reviewReasons: ['manner pending investigation', 'no codable condition'],
  },
  {
    id: 'F3906101-2024-000112', source: 'ed', date: '2024-05-30', age: '29', sex: 'M', residence: '39061', manner: null,
    lines: [{ label: 'Chief complaint', number: null, text: 'OD on fetty, narcan x2 by EMS' }, { label: 'Discharge diagnoses', number: null, text: 'T40.411A' }],
    underlyingCause: null, codes: ['T40.411A'], entityAxis: [], drugs: [{ name: 'fentanyl', code: 'T40.41' }], syndromes: ['all_drug', 'fentanyl', 'opioid'],
    trace: [], reviewReasons: [],
  },
];

const reportModel: ReportModel = {
  place: '24', placeLabel: 'Maryland', from: '2024-01', to: '2024-03', dataAsOf: '2024-06-01T12:00:00.000Z', synthetic: true, generatedAt: '2024-06-02T08:30:00.000Z',
  measures: [
    { key: 'all_overdose', label: 'All drug overdose deaths', total: { ...row('24', null, 131, 6_180_253), rateLower: 1.77, rateUpper: 2.51 }, months: new Map([['2024-01', row('24', '2024-01', 52, 6_180_253)], ['2024-02', row('24', '2024-02', 41, 6_180_253)], ['2024-03', row('24', '2024-03', 38, 6_180_253)]]), error: null },
    { key: 'heroin', label: 'Heroin (T40.1)', total: row('24', null, 11, 6_180_253), months: new Map([['2024-01', { ...row('24', '2024-01', 0, 6_180_253), count: null, ratePer100k: null, suppressed: true }], ['2024-03', row('24', '2024-03', 0, 6_180_253)]]), error: null },
    { key: 'methadone', label: 'Methadone (T40.3)', total: null, months: new Map(), error: 'The server answered 500: Internal Server Error.' },
  ],
};

/** A pointer over every county, as a reader's would go: each makes its tooltip (countyLayer). */
function pointedAt(figure: HTMLElement): HTMLElement {
  for (const path of figure.querySelectorAll('path[data-fips]')) path.dispatchEvent(new PointerEvent('pointerover', { bubbles: true }));
  return figure;
}

export function render(name: string, topology: Topology): string {
  const geography = midAtlantic(topology);
  const measureLabel = 'All drug overdose deaths';
  const map = { geography, rows: countyRows, adjusted: false, noun: 'Deaths', measureLabel, periodLabel: 'Jan 2024 – May 2024', width: 640, focus: null, selected: null, id: 'test-map' } as const;
  const countyName = (fips: string) => geography.labels.get(fips) ?? fips;
  switch (name) {
    case 'county-map-count':
      return pointedAt(countyMap({ ...map, value: 'count' })).outerHTML;
    case 'county-map-rate':
      return pointedAt(countyMap({ ...map, value: 'rate' })).outerHTML;
    case 'county-map-state':
      return pointedAt(countyMap({ ...map, value: 'count', focus: '24', selected: '24510' })).outerHTML;
    case 'county-map-cluster':
      return pointedAt(countyMap({ ...map, rows: [], value: 'count', focus: '24', cluster: { members: clusters[0]!.members, centre: clusters[0]!.centre } })).outerHTML;
    case 'time-series-count': {
      const months = periodsFor('month', '2024-01', '2024-05');
      return timeSeries({ points: completeSeries(nationRows, months), unit: 'month', value: 'count', adjusted: false, noun: 'Deaths', placeLabel: 'United States', measureLabel, width: 640, statuses: statusSpans(weekStatuses.filter((r) => r.status === 'alert' || r.status === 'warning'), methodLabel), statusCoverage: 'flagged', detectionUnit: 'week' }).outerHTML;
    }
    case 'time-series-week':
      return timeSeries({ points: completeSeries(weekRows, periodsFor('week', '2024-02', '2024-02')), unit: 'week', value: 'count', adjusted: false, noun: 'Deaths', placeLabel: 'Maryland', measureLabel, width: 640, statuses: statusSpans(weekStatuses, methodLabel), statusCoverage: 'all', detectionUnit: 'week' }).outerHTML;
    case 'time-series-rate':
      return timeSeries({ points: completeSeries(weekRows, periodsFor('week', '2024-02', '2024-02')), unit: 'week', value: 'rate', adjusted: false, noun: 'Deaths', placeLabel: 'Maryland', measureLabel, width: 640, statuses: null, statusCoverage: 'all', detectionUnit: 'week' }).outerHTML;
    case 'alert-series':
      return alertSeries({ rows: seriesRows, period: '2024-05-31', history: [], noun: 'ED visits', title: 'Fentanyl overdose (ED), Ohio, Regression/EWMA switch', width: 640 }).outerHTML;
    case 'alert-list':
      return alertList({ rows: alertRows, measureLabel: (key) => ({ fentanyl: 'Fentanyl overdose (ED)', all_drug: 'All drug overdose (ED)', synthetic_opioid: 'Synthetic opioids (T40.4)' })[key] ?? key, placeName, selected: 'ed.fentanyl.39.switch.2024-05-31' }).outerHTML;
    case 'cluster-list':
      return clusterList({ rows: clusters, countyName, measureLabel: (key) => key, selected: 'ed.fentanyl.1' }).outerHTML;
    case 'combination-bars':
      return combinationBars({ table: february, drugLabel: (key) => drugNames[key] ?? key, periodLabel: '2024-02', width: 640 }).outerHTML;
    case 'combination-trend':
      return combinationTrend({ tables: [january, february, march], drugLabel: (key) => drugNames[key] ?? key, width: 640, top: 4 }).outerHTML;
    case 'combination-matrix':
      return combinationMatrix({ pairs: february.pairs, drugLabel: (key) => drugNames[key] ?? key, periodLabel: '2024-02', width: 640, id: 'test-matrix' }).outerHTML;
    case 'review-queue':
      return reviewQueue({ items: queueItems, countyName, selected: 'deaths-10537' }).outerHTML;
    case 'batch-report':
      return batchReport(report).outerHTML;
    case 'record-list':
      return recordList({ records, total: 7, countyName: (fips) => (fips === '39061' ? 'Hamilton, Ohio' : fips), empty: 'none' }).outerHTML;
    case 'report-tables':
      return reportTables(reportModel).outerHTML;
    default:
      throw new Error(`unknown chart case: ${name}`);
  }
}

// Another measure over the same counties: every kind of change a recolour must carry. Baltimore
// city lower, a suppressed county (24039) now shaded and a shaded one (10001) now suppressed, a
// county with no row before (24015) now shaded, one shaded before (24001) now without a row, the
// unmapped CT region gone, age-adjusted rates on some rows.
const otherRows: AggregateRow[] = [
  { ...row('24510', null, 97, 569_931), ageAdjustedRate: 16.2, ageAdjustedLower: 13.1, ageAdjustedUpper: 19.8 },
  { ...row('24005', null, 175, 854_535), ageAdjustedRate: 19.9, ageAdjustedLower: 17.0, ageAdjustedUpper: 23.1 },
  row('24003', null, 31, 593_286),
  row('24033', null, 250, 947_430),
  row('10003', null, 140, 575_494),
  row('10005', null, 3, 255_956),
  { ...row('10001', null, 0, 186_946), count: null, ratePer100k: null, suppressed: true },
  row('24039', null, 11, 24_546),
  row('24015', null, 22, 103_725),
  row('24029', null, 14, null),
];

/** A small map's input for all overdoses, and the same for any opioid (other counts). */
function twoMeasures(topology: Topology): { base: CountyMapInput; other: CountyMapInput } {
  const geography = midAtlantic(topology);
  const base: CountyMapInput = { geography, rows: countyRows, value: 'count', adjusted: false, noun: 'Deaths', measureLabel: 'All drug overdose deaths', periodLabel: 'Jan 2024 – May 2024', width: 640, focus: null, selected: null, id: 'test-map' };
  const other: CountyMapInput = { ...base, rows: otherRows, measureLabel: 'Any opioid (T40.0-T40.4, T40.6)' };
  return { base, other };
}

/**
 * recolourCountyMap against countyMap: each case draws a map from one input, recolours it to
 * another and draws the other afresh; the two must be the same HTML. Then inputs it must refuse
 * (another layout), leaving the figure as it was.
 */
export function recolourCases(topology: Topology): { cases: { name: string; recoloured: string; fresh: string; before: string }[]; refused: { name: string; result: boolean; unchanged: boolean }[] } {
  const { base, other } = twoMeasures(topology);
  const pairs: [string, CountyMapInput, CountyMapInput][] = [
    ['another measure', base, other],
    ['count to rate', base, { ...base, value: 'rate' }],
    ['rate to age-adjusted rate, another measure', { ...base, value: 'rate' }, { ...other, value: 'rate', adjusted: true }],
    ['another measure and period, in a state with a county selected', { ...base, focus: '24', selected: '24510' }, { ...other, focus: '24', selected: '24510', periodLabel: 'Feb 2024' }],
    ['to nothing shaded (no ramp)', base, { ...base, rows: [] }],
    ['from nothing shaded', { ...base, rows: [] }, other],
    ['ED visits, rate', base, { ...other, noun: 'ED visits', value: 'rate' }],
    ['a cluster kept, its measure changed', { ...base, focus: '24', cluster: { members: ['24510', '24005'], centre: '24510' } }, { ...other, focus: '24', cluster: { members: ['24510', '24005'], centre: '24510' } }],
  ];
  const cases = pairs.map(([name, from, to]) => {
    // Tooltips made before the recolour must say the new values.
    const figure = pointedAt(countyMap(from));
    const before = figure.outerHTML;
    if (!recolourCountyMap(figure, to)) throw new Error(`${name}: not recoloured`);
    // Twice: a recoloured map can be recoloured again.
    const back = pointedAt(countyMap(from));
    recolourCountyMap(back, to);
    recolourCountyMap(back, from);
    recolourCountyMap(back, to);
    if (back.outerHTML !== figure.outerHTML) throw new Error(`${name}: recolouring back and forth differs`);
    return { name, recoloured: figure.outerHTML, fresh: pointedAt(countyMap(to)).outerHTML, before };
  });
  const drawn = countyMap(base);
  const html = drawn.outerHTML;
  const refusals: [string, Element, CountyMapInput][] = [
    ['another width', drawn, { ...other, width: 500 }],
    ['a state', drawn, { ...other, focus: '24' }],
    ['a selected county', drawn, { ...other, selected: '24510' }],
    ['a cluster', drawn, { ...other, cluster: { members: ['24510'], centre: '24510' } }],
    ['another pattern id', drawn, { ...other, id: 'other-map' }],
    ['another geography', drawn, { ...other, geography: midAtlantic(topology) }],
    ['a figure countyMap did not draw', document.createElement('figure'), other],
  ];
  const refused = refusals.map(([name, figure, input]) => ({ name, result: recolourCountyMap(figure, input), unchanged: figure !== drawn || drawn.outerHTML === html }));
  return { cases, refused };
}

/**
 * A map drawn with its county paths later (countyPathsLater, as the overview draws one): before
 * addCountyPaths it has no county paths and says so; after, it is the map drawn at once, also when
 * recoloured (once or twice) before its paths came. A second addCountyPaths does nothing.
 */
export function laterPathCases(topology: Topology): { name: string; pendingBefore: boolean; pathsBefore: number; added: boolean; addedAgain: boolean; later: string; fresh: string }[] {
  const { base, other } = twoMeasures(topology);
  const cases: [string, CountyMapInput, CountyMapInput[]][] = [
    ['drawn, then its paths', base, []],
    ['recoloured to another measure before its paths', base, [other]],
    ['recoloured twice (count to rate, another measure) before its paths', base, [{ ...base, value: 'rate' }, { ...other, value: 'rate' }]],
    ['a state, recoloured before its paths', { ...base, focus: '24', selected: '24510' }, [{ ...other, focus: '24', selected: '24510' }]],
  ];
  return cases.map(([name, from, recolours]) => {
    const figure = countyMap(from, { countyPathsLater: true });
    const pendingBefore = figure.dataset['countyPaths'] === 'pending';
    const pathsBefore = figure.querySelectorAll('path[data-fips]').length;
    for (const to of recolours) if (!recolourCountyMap(figure, to)) throw new Error(`${name}: not recoloured`);
    const added = addCountyPaths(figure);
    const addedAgain = addCountyPaths(figure);
    const last = recolours[recolours.length - 1] ?? from;
    return { name, pendingBefore, pathsBefore, added, addedAgain, later: pointedAt(figure).outerHTML, fresh: pointedAt(countyMap(last)).outerHTML };
  });
}

/**
 * Where a county path lands on screen (drawn in topology units under the map's transform) against
 * where Plot's own projection puts the same county (the selected-county outline, a Plot.geo mark):
 * for the nation, a state zoomed in, the small test map, and two sizes. Each case: the largest
 * difference between the two bounding boxes' edges, in pixels.
 */
export function placementCases(topology: Topology): { name: string; counties: number; worst: number }[] {
  const nation = countyGeography(topology);
  const cases: [string, CountyGeography, number, string | null, string][] = [
    ['nation at 975 px', nation, 975, null, '06037'],
    ['nation at 1,440 px, an island county', nation, 1440, null, '15001'],
    ['Rhode Island at 640 px', nation, 640, '44', '44009'],
    ['Maryland at 2,400 px', nation, 2400, '24', '24510'],
    ['the mid-Atlantic test map', midAtlantic(topology), 640, null, '10001'],
  ];
  return cases.map(([name, geography, width, focus, selected]) => {
    const figure = countyMap({ geography, rows: [], value: 'count', adjusted: false, noun: 'Deaths', measureLabel: 'Deaths', periodLabel: '2024', width, focus, selected, id: 'placement' });
    document.body.append(figure);
    try {
      // In the plot's pixels, before any offset Plot gives its own marks for crisp edges: the
      // county's box in topology units through its group's transform, and the outline's own box.
      const path = figure.querySelector<SVGPathElement>(`path[data-fips="${selected}"]`)!;
      const m = (path.closest('g[aria-label="counties"]') as SVGGElement).transform.baseVal.consolidate()!.matrix;
      const box = path.getBBox();
      const county = { left: m.a * box.x + m.e, top: m.d * box.y + m.f, right: m.a * (box.x + box.width) + m.e, bottom: m.d * (box.y + box.height) + m.f };
      const outline = figure.querySelector<SVGPathElement>('.selected-outline path')!.getBBox();
      const projected = { left: outline.x, top: outline.y, right: outline.x + outline.width, bottom: outline.y + outline.height };
      const worst = Math.max(...(['left', 'top', 'right', 'bottom'] as const).map((edge) => Math.abs(county[edge] - projected[edge])));
      return { name, counties: figure.querySelectorAll('path[data-fips]').length, worst };
    } finally {
      figure.remove();
    }
  });
}

/**
 * Each county's colour as the map shows it: the fill of the one fill path (of the counties' group)
 * that holds its outline. For the saved test map, as count, as rate and recoloured between them.
 */
export function countyFills(topology: Topology): { name: string; fills: Record<string, string[]>; fillPaths: number }[] {
  const geography = midAtlantic(topology);
  const base: CountyMapInput = { geography, rows: countyRows, value: 'count', adjusted: false, noun: 'Deaths', measureLabel: 'All drug overdose deaths', periodLabel: 'Jan 2024 – May 2024', width: 640, focus: null, selected: null, id: 'test-map' };
  const recoloured = countyMap(base);
  recolourCountyMap(recoloured, { ...base, value: 'rate' });
  const read = (name: string, figure: HTMLElement) => {
    const fillPaths = [...figure.querySelectorAll('.county-fills > path')];
    const fills: Record<string, string[]> = {};
    for (const county of figure.querySelectorAll('path[data-fips]')) {
      const d = county.getAttribute('d')!;
      fills[county.getAttribute('data-fips')!] = fillPaths.filter((p) => p.getAttribute('d')!.includes(d)).map((p) => p.getAttribute('fill')!);
    }
    return { name, fills, fillPaths: fillPaths.length };
  };
  return [read('count', countyMap(base)), read('rate', countyMap({ ...base, value: 'rate' })), read('count recoloured to rate', recoloured)];
}
