// Runs in Chromium (bundled by charts.test.ts): draws each chart from fixed data and returns its
// HTML, so the saved outputs show every change to what a chart draws.
import type { Topology } from 'topojson-specification';
import type { AggregateRow, AlertRow } from '../../dashboard/src/api.ts';
import { alertList } from '../../dashboard/src/charts/alert-list.ts';
import { placeName } from '../../dashboard/src/places.ts';
import { countyGeography, countyMap, type CountyGeography } from '../../dashboard/src/charts/county-map.ts';
import { nationalSeries } from '../../dashboard/src/charts/national-series.ts';

/** Delaware and Maryland only: 27 counties keep the saved map small enough to read in a diff. */
function midAtlantic(topology: Topology): CountyGeography {
  const all = countyGeography(topology);
  const counties = all.counties.filter((c) => c.id.startsWith('10') || c.id.startsWith('24'));
  return {
    counties,
    stateBorders: { type: 'MultiLineString', coordinates: [] },
    nation: { type: 'FeatureCollection', features: counties },
    labels: new Map(counties.map((c) => [c.id, all.labels.get(c.id)!])),
  };
}

export const row = (geography: string, period: string | null, deaths: number, population: number | null): AggregateRow => ({
  geography,
  period,
  deaths,
  population,
  ratePer100k: population ? (deaths / population) * 100_000 : null,
});

// Baltimore city high, a county with deaths but no population, CT planning region not on the map.
const countyRows: AggregateRow[] = [
  row('24510', null, 412, 569_931),
  row('24005', null, 175, 854_535),
  row('24003', null, 96, 593_286),
  row('24033', null, 88, 947_430),
  row('24031', null, 61, 1_058_474),
  row('10003', null, 140, 575_494),
  row('10005', null, 77, 255_956),
  row('10001', null, 39, 186_946),
  row('24001', null, 9, 67_267),
  row('24039', null, 1, 24_546),
  row('24029', null, 2, null),
  row('09110', null, 5, null),
];

// March is missing: no deaths that month, drawn as zero.
const nationRows: AggregateRow[] = [
  row('US', '2024-01', 8_011, 336_806_231),
  row('US', '2024-02', 7_530, 336_806_231),
  row('US', '2024-04', 7_102, 336_806_231),
  row('US', '2024-05', 6_915, 336_806_231),
];
const months = ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05'];

// An ED alert with a tiny p, a death warning by week, a nation row, an alert without a p-value (EARS).
const alertRows: AlertRow[] = [
  { source: 'ed', measure: 'fentanyl', level: 'state', geography: '39', period: '2024-05-31', periodUnit: 'day', method: 'switch', observed: 30, expected: 2.4, pValue: 0.00002, status: 'alert' },
  { source: 'ed', measure: 'all_drug', level: 'nation', geography: 'US', period: '2024-05-31', periodUnit: 'day', method: 'ears_c2', observed: 61, expected: 33.1, pValue: null, status: 'alert' },
  { source: 'deaths', measure: 'synthetic_opioid', level: 'state', geography: '21', period: '2024-05-26', periodUnit: 'week', method: 'farrington', observed: 14, expected: 6.2, pValue: 0.031, status: 'warning' },
];

export function render(name: string, topology: Topology): string {
  const geography = midAtlantic(topology);
  const common = { measureLabel: 'All drug overdose deaths', width: 640 };
  switch (name) {
    case 'county-map-count':
      return countyMap({ ...common, geography, rows: countyRows, value: 'count', periodLabel: 'Jan 2024 – May 2024' }).outerHTML;
    case 'county-map-rate':
      return countyMap({ ...common, geography, rows: countyRows, value: 'rate', periodLabel: 'Jan 2024 – May 2024' }).outerHTML;
    case 'national-series-count':
      return nationalSeries({ ...common, rows: nationRows, months, value: 'count' }).outerHTML;
    case 'national-series-rate':
      return nationalSeries({ ...common, rows: nationRows, months, value: 'rate' }).outerHTML;
    case 'alert-list':
      return alertList({ rows: alertRows, measureLabel: (key) => ({ fentanyl: 'Fentanyl overdose (ED)', all_drug: 'All drug overdose (ED)', synthetic_opioid: 'Synthetic opioids (T40.4)' })[key] ?? key, placeName }).outerHTML;
    default:
      throw new Error(`unknown chart case: ${name}`);
  }
}
