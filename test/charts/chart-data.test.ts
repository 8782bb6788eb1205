// The data preparation inside the charts, without a browser.
import { describe, expect, test } from 'vitest';
import { summarizeCountyRows, type CountyGeography } from '../../dashboard/src/charts/county-map.ts';
import { completeSeries } from '../../dashboard/src/charts/national-series.ts';
import { row } from './harness.ts';


describe('completeSeries', () => {
  test('fills months without deaths with zeros, in month order', () => {
    const points = completeSeries([row('US', '2024-03', 7, 1e6), row('US', '2024-01', 5, 1e6)], ['2024-01', '2024-02', '2024-03']);
    expect(points.map((p) => [p.month, p.deaths, p.ratePer100k])).toEqual([
      ['2024-01', 5, 0.5],
      ['2024-02', 0, 0],
      ['2024-03', 7, 0.7],
    ]);
    expect(points[1]!.date.toISOString()).toBe('2024-02-01T00:00:00.000Z');
  });

  test('leaves the rate unknown when no month has a population', () => {
    const points = completeSeries([row('US', '2024-01', 5, null)], ['2024-01', '2024-02']);
    expect(points.map((p) => p.ratePer100k)).toEqual([null, null]);
  });

  test('crosses a year end', () => {
    expect(completeSeries([], ['2023-12', '2024-01']).map((p) => p.date.toISOString())).toEqual([
      '2023-12-01T00:00:00.000Z',
      '2024-01-01T00:00:00.000Z',
    ]);
  });
});

describe('summarizeCountyRows', () => {
  const geography = { labels: new Map([['24510', 'Baltimore, Maryland'], ['24029', 'Kent, Maryland']]) } as CountyGeography;
  const rows = [row('24510', null, 412, 569_931), row('24029', null, 2, null), row('09110', null, 5, null)];

  test('counts every death, and the rows the 2017 map cannot place', () => {
    const summary = summarizeCountyRows({ geography, rows, value: 'count' });
    expect(summary).toEqual({ filled: 2, deaths: 419, unmapped: [rows[2]] });
  });

  test('a county without a population has no rate to shade', () => {
    expect(summarizeCountyRows({ geography, rows, value: 'rate' }).filled).toBe(1);
  });
});
