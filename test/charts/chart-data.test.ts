// The data preparation inside the charts, without a browser.
import { describe, expect, test } from 'vitest';
import { classify, shadeValue, summarizeCountyRows, type CountyGeography } from '../../dashboard/src/charts/county-map.ts';
import { STATUS_LABELS, worstStatus } from '../../dashboard/src/charts/status.ts';
import { completeSeries, statusSpans, timeTicks } from '../../dashboard/src/charts/time-series.ts';
import { changeText, combinationLabel } from '../../dashboard/src/charts/combination-bars.ts';
import { periodsFor } from '../../dashboard/src/periods.ts';
import { alert, row } from './rows.ts';

const suppressed = (geography: string, period: string | null) => ({ ...row(geography, period, 0, 1e6), count: null, ratePer100k: null, suppressed: true });

describe('completeSeries', () => {
  test('fills months without deaths with zeros, in month order', () => {
    const points = completeSeries([row('US', '2024-03', 7, 1e6), row('US', '2024-01', 5, 1e6)], periodsFor('month', '2024-01', '2024-03'));
    expect(points.map((p) => [p.period, p.count, p.rate])).toEqual([
      ['2024-01', 5, 0.5],
      ['2024-02', 0, 0],
      ['2024-03', 7, 0.7],
    ]);
    expect(points[1]!.start.toISOString()).toBe('2024-02-01T00:00:00.000Z');
    expect(points[1]!.end.toISOString()).toBe('2024-03-01T00:00:00.000Z');
  });

  test('leaves the rate unknown when no period has a population', () => {
    const points = completeSeries([row('US', '2024-01', 5, null)], periodsFor('month', '2024-01', '2024-02'));
    expect(points.map((p) => p.rate)).toEqual([null, null]);
  });

  test('keeps a suppressed period suppressed, with no count, rather than a zero', () => {
    const points = completeSeries([row('24', '2024-01', 25, 6e6), suppressed('24', '2024-02')], periodsFor('month', '2024-01', '2024-02'));
    expect(points.map((p) => [p.count, p.suppressed])).toEqual([
      [25, false],
      [null, true],
    ]);
  });

  test('reads the age-adjusted rate and its limits when asked', () => {
    const adjusted = { ...row('24', '2024-01', 25, 6e6), ageAdjustedRate: 0.51, ageAdjustedLower: 0.33, ageAdjustedUpper: 0.75 };
    const [point] = completeSeries([adjusted], periodsFor('month', '2024-01', '2024-01'), true);
    expect([point!.rate, point!.lower, point!.upper]).toEqual([0.51, 0.33, 0.75]);
  });
});

describe('periodsFor', () => {
  test('MMWR weeks start on the Sunday on or before the first day, and the edge weeks are partial', () => {
    const weeks = periodsFor('week', '2024-02', '2024-02');
    // 2024-02-01 is a Thursday: its week starts Sunday 2024-01-28; 2024-02-25 starts the last.
    expect(weeks.map((w) => w.key)).toEqual(['2024-01-28', '2024-02-04', '2024-02-11', '2024-02-18', '2024-02-25']);
    expect(weeks.map((w) => w.partial)).toEqual([true, false, false, false, true]);
  });

  test('crosses a year end', () => {
    expect(periodsFor('month', '2023-12', '2024-01').map((p) => p.key)).toEqual(['2023-12', '2024-01']);
    expect(periodsFor('year', '2023-07', '2024-12').map((p) => [p.key, p.partial])).toEqual([
      ['2023', true],
      ['2024', false],
    ]);
  });

  test('days cover the months exactly (a leap February)', () => {
    const days = periodsFor('day', '2024-02', '2024-02');
    expect(days).toHaveLength(29);
    expect(days.at(-1)!.key).toBe('2024-02-29');
  });
});

describe('statusSpans', () => {
  test('one span per period, the worst status of its methods, a week long for weekly results', () => {
    const spans = statusSpans(
      [
        alert({ source: 'deaths', measure: 'm', geography: '24', period: '2024-02-04', method: 'cusum', observed: 9, status: 'warning', pValue: 0.02 }),
        alert({ source: 'deaths', measure: 'm', geography: '24', period: '2024-02-04', method: 'farrington', observed: 9, status: 'alert', pValue: 0.004 }),
        alert({ source: 'deaths', measure: 'm', geography: '24', period: '2024-01-28', method: 'farrington', observed: 2, status: 'insufficient' }),
      ],
      (m) => m.toUpperCase(),
    );
    expect(spans.map((s) => [s.start.toISOString().slice(0, 10), s.end.toISOString().slice(0, 10), s.status])).toEqual([
      ['2024-01-28', '2024-02-04', 'insufficient'],
      ['2024-02-04', '2024-02-11', 'alert'],
    ]);
    expect(spans[1]!.detail).toBe('CUSUM: Warning, p = 0.020\nFARRINGTON: Alert, p = 0.004');
  });

  test('a daily result spans one day', () => {
    const [span] = statusSpans([alert({ source: 'ed', measure: 'm', geography: 'US', period: '2024-05-31', method: 'switch', observed: 3, status: 'none' })], String);
    expect(span!.end.getTime() - span!.start.getTime()).toBe(86_400_000);
  });
});

describe('worstStatus', () => {
  test('alert before warning before none before not computable', () => {
    expect(worstStatus(['none', 'warning'])).toBe('warning');
    expect(worstStatus(['insufficient', 'alert', 'warning'])).toBe('alert');
    expect(worstStatus(['insufficient'])).toBe('insufficient');
    expect(STATUS_LABELS.insufficient).toBe('Not computable');
  });
});

describe('timeTicks', () => {
  const span = (months: number): [Date, Date] => [new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2024, months, 1))];
  test('months while they fit, then quarters, half years, years', () => {
    expect(timeTicks(span(1), 640)).toBe('week');
    expect(timeTicks(span(4), 640)).toBe('month');
    expect(timeTicks(span(12), 400)).toBe('3 months');
    expect(timeTicks(span(36), 400)).toBe('year');
  });
});

describe('county classes', () => {
  const geography = { labels: new Map([['24510', 'Baltimore, Maryland'], ['24029', 'Kent, Maryland'], ['24039', 'Somerset, Maryland'], ['10001', 'Kent, Delaware']]) } as CountyGeography;
  const rows = [row('24510', null, 412, 569_931), row('24029', null, 2, null), suppressed('24039', null), row('09110', null, 5, null), row('10001', null, 39, 186_946)];

  test('counts what is shown, the suppressed, and the rows the 2017 map cannot place', () => {
    const summary = summarizeCountyRows({ geography, rows, value: 'count', adjusted: false, focus: null });
    expect(summary).toEqual({ filled: 3, suppressed: 1, total: 458, unmapped: [rows[3]] });
  });

  test('a state focus counts only its counties', () => {
    expect(summarizeCountyRows({ geography, rows, value: 'count', adjusted: false, focus: '24' })).toMatchObject({ filled: 2, suppressed: 1, total: 414 });
  });

  test('a county without a population has no rate to shade; a suppressed one is never shaded', () => {
    expect(classify(rows[1], 'rate', false)).toBe('none');
    expect(classify(rows[1], 'count', false)).toBe('value');
    expect(classify(rows[2], 'count', false)).toBe('suppressed');
    expect(shadeValue(rows[2]!, 'count', false)).toBeNull();
    expect(classify(undefined, 'count', false)).toBe('none');
  });

  test('age-adjusted shading needs an age-adjusted rate', () => {
    expect(shadeValue(rows[0]!, 'rate', true)).toBeNull();
    expect(shadeValue({ ...rows[0]!, ageAdjustedRate: 70.1 }, 'rate', true)).toBe(70.1);
  });
});

describe('combination labels', () => {
  test('names the drugs and says the change against the previous period', () => {
    expect(combinationLabel(['synthetic_opioid', 'cocaine'], (k) => k.toUpperCase())).toBe('SYNTHETIC_OPIOID + COCAINE');
    expect(changeText(233, 190)).toBe('+43 (+23%)');
    expect(changeText(412, 455)).toBe('−43 (−9%)');
    expect(changeText(22, 0)).toBe('+22 (none before)');
    expect(changeText(5, null)).toBe('no earlier period');
  });
});
