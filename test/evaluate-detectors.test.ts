/**
 * `vigil evaluate-detectors`: the seeded baseline series (means, weekday cycle), outbreak
 * injection (where, when, how many cases), the scoring rules on a hand-made case with a stand-in
 * method, and a small end-to-end run through the command (NDJSON lines, repeatable, bad flags).
 */
import { describe, expect, it } from 'vitest';
import { dayOfWeek } from '../fixtures/generator/calendar.ts';
import { evaluateDetectorsCommand, evaluationOptions } from '../pipeline/cli/evaluate-detectors.ts';
import { UsageError } from '../pipeline/cli/usage-error.ts';
import type { EvaluatedMethod } from '../pipeline/stats/evaluation/methods.ts';
import { injected, planOutbreaks, type InjectedOutbreak } from '../pipeline/stats/evaluation/outbreaks.ts';
import { scoreMethod, type SeriesSet } from '../pipeline/stats/evaluation/score.ts';
import { baselineSeries, type Baseline } from '../pipeline/stats/evaluation/synthetic-series.ts';

const SHAPE = { minDays: 5, maxDays: 21, minMultiplier: 0.5, maxMultiplier: 2, minExtraEd: 5, minExtraDeaths: 3, maxNeighbours: 4 };
const baseline = baselineSeries({ seed: 3, states: ['DE', 'MD'], year: 2024, edWarmupDays: 365, deathHistoryYears: 5 });

describe('baseline series', () => {
  it('are Poisson around the expected counts, with the weekday cycle', () => {
    expect(baseline.counties.length).toBe(27); // Delaware 3, Maryland 24 (Baltimore city included)
    const days = baseline.edDaily[0]!.length;
    expect(days).toBe(365 + 366); // 2023's days of history, then leap 2024
    let observed = 0;
    let expected = 0;
    const byWeekday = new Array<number>(7).fill(0);
    const weekdays = new Array<number>(7).fill(0);
    baseline.edDaily.forEach((row, k) => row.forEach((y, t) => {
      observed += y;
      expected += baseline.edExpected[k]![t]!;
      byWeekday[dayOfWeek(baseline.edFirstDay + t)]! += baseline.edExpected[k]![t]!;
      if (k === 0) weekdays[dayOfWeek(baseline.edFirstDay + t)]!++;
    }));
    expect(Math.abs(observed - expected) / Math.sqrt(expected)).toBeLessThan(4);
    // Mondays busiest, Saturdays quietest (the yearly cycle averages out over two years of each).
    const mean = (d: number) => byWeekday[d]! / weekdays[d]!;
    expect(Math.abs(mean(1) / mean(6) - 1.08 / 0.96)).toBeLessThan(0.005);
    // The weeks of five years before 2024, then the 52 whose Sunday is in 2024 (January 7 … December 29).
    expect(baseline.deathWeekly[0]!.length).toBe(baseline.deathYearStart + 52);
    expect(baseline.deathFirstWeek + 7 * baseline.deathYearStart).toBe(Math.round(Date.parse('2024-01-07T00:00:00Z') / 86_400_000));
    const deaths = baseline.deathWeekly.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
    const deathMean = baseline.deathExpected.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
    expect(Math.abs(deaths - deathMean) / Math.sqrt(deathMean)).toBeLessThan(4);
  });

  it('repeat exactly for a seed and change with it', () => {
    const again = baselineSeries({ seed: 3, states: ['DE', 'MD'], year: 2024, edWarmupDays: 365, deathHistoryYears: 5 });
    expect(again.edDaily).toEqual(baseline.edDaily);
    const other = baselineSeries({ seed: 4, states: ['DE', 'MD'], year: 2024, edWarmupDays: 365, deathHistoryYears: 5 });
    expect(other.edDaily).not.toEqual(baseline.edDaily);
  });
});

describe('injected outbreaks', () => {
  const outbreaks = planOutbreaks(baseline, { seed: 3, count: 12, ...SHAPE });
  const dirty = injected(baseline, outbreaks);

  it('fall in the evaluated year on a centre and its nearest counties, one at a time per county', () => {
    expect(outbreaks.length).toBe(12);
    for (const o of outbreaks) {
      expect(o.start).toBeGreaterThanOrEqual(baseline.edYearStart);
      expect(o.start + o.days).toBeLessThanOrEqual(baseline.edDaily[0]!.length);
      expect(o.days).toBeGreaterThanOrEqual(5);
      expect(o.days).toBeLessThanOrEqual(21);
      expect(new Set(o.counties).size).toBe(o.counties.length);
    }
    for (const a of outbreaks) {
      for (const b of outbreaks) {
        if (a === b || !a.counties.some((k) => b.counties.includes(k))) continue;
        expect(Math.abs(a.start - b.start)).toBeGreaterThanOrEqual(60);
      }
    }
  });

  it('add exactly their extra cases, and only there', () => {
    const extraEd = outbreaks.reduce((s, o) => s + o.extraEd.flat().reduce((a, b) => a + b, 0), 0);
    const diff = dirty.edDaily.reduce((s, row, k) => s + row.reduce((a, y, t) => a + y - baseline.edDaily[k]![t]!, 0), 0);
    expect(diff).toBe(extraEd);
    for (const o of outbreaks) expect(o.extraEd.flat().reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(5);
    const untouched = baseline.counties.map((_, k) => k).filter((k) => !dirty.affected.has(k));
    for (const k of untouched) expect(dirty.edDaily[k]).toEqual(baseline.edDaily[k]);
    const extraDeaths = outbreaks.reduce((s, o) => s + o.extraDeaths.flat().reduce((a, b) => a + b, 0), 0);
    const deathDiff = dirty.deathWeekly.reduce((s, row, k) => s + row.reduce((a, y, t) => a + y - baseline.deathWeekly[k]![t]!, 0), 0);
    expect(deathDiff).toBe(extraDeaths);
  });
});

describe('scoring', () => {
  // Two counties, 20 days; a stand-in method that alarms wherever a count is 5 or more.
  const tiny: Baseline = {
    counties: [
      { fips: '10001', state: 'DE', lon: -75.5, lat: 39.1, population: 1 },
      { fips: '10003', state: 'DE', lon: -75.6, lat: 39.6, population: 1 },
    ],
    edFirstDay: 19723, // 2024-01-01
    edYearStart: 0,
    edExpected: [new Float64Array(20).fill(1), new Float64Array(20).fill(1)],
    edDaily: [Int32Array.from([1, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), new Int32Array(20).fill(1)],
    deathFirstWeek: 19722,
    deathYearStart: 0,
    deathExpected: [new Float64Array(3), new Float64Array(3)],
    deathWeekly: [new Int32Array(3), new Int32Array(3)],
  };
  const threshold: EvaluatedMethod = { name: 'ewma', unit: 'day', alarms: (counts) => counts.map((y) => y >= 5) };
  const outbreak = (id: number, counties: number[], start: number, days: number): InjectedOutbreak => ({ id, counties, start, days, multiplier: 1, extraEd: [], extraDeaths: [] });
  const set = (rows: Int32Array[]): SeriesSet => ({ counts: (k) => Array.from(rows[k]!), offset: 0, scoredFrom: 0, firstWeekday: 1 });

  it('counts an outbreak found when one of its counties alarms during it, from its first day', () => {
    const dirty = tiny.edDaily.map((r) => Int32Array.from(r));
    dirty[1]![12] = 6; // the second outbreak's county alarms on its third day
    const outbreaks = [outbreak(0, [0], 5, 4), outbreak(1, [1, 0], 10, 5), outbreak(2, [1], 15, 3)];
    const [all] = scoreMethod(threshold, tiny, outbreaks, set(tiny.edDaily), set(dirty), new Set([0, 1]), () => '<0.5', 20);
    expect(all).toMatchObject({ method: 'ewma', band: 'all', outbreaks: 3, detected: 1, sensitivity: 1 / 3, medianDaysToDetection: 2 });
    // The clean series' one alarm (county 0, day 1) over 2 counties × 20 days.
    expect(all!.falseAlerts).toBe(1);
    expect(all!.falseAlertsPerCountyYear).toBeCloseTo(1 / ((2 * 20) / 365), 12);
  });
});

describe('the command', () => {
  it('prints the setup, every method by band and the scan as NDJSON, the same each run', async () => {
    const run = async () => {
      const lines: string[] = [];
      await evaluateDetectorsCommand(['--states', 'DE,MD', '--outbreaks', '8', '--replicates', '99', '--baseline-analyses', '3', '--seed', '11'], (line) => lines.push(line));
      return lines.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    };
    const rows = await run();
    expect(rows[0]).toMatchObject({ kind: 'setup', seed: 11, states: ['DE', 'MD'], counties: 27, outbreaks: 8, year: 2024 });
    const detectors = rows.filter((r) => r.kind === 'detector');
    expect(new Set(detectors.map((r) => r.method))).toEqual(new Set(['ewma', 'regression', 'switch', 'ears_c1', 'ears_c2', 'ears_c3', 'farrington', 'cusum']));
    expect(detectors.length).toBe(8 * 4);
    for (const r of detectors.filter((d) => d.band === 'all')) {
      expect(r.outbreaks).toBe(8);
      expect(r.sensitivity).toBeGreaterThanOrEqual(0);
      expect(r.sensitivity).toBeLessThanOrEqual(1);
      expect(r.falseAlertsPerCountyYear).toBeGreaterThanOrEqual(0);
    }
    expect(rows.at(-1)).toMatchObject({ kind: 'scan', method: 'space_time_permutation', outbreaks: 8, baselineAnalyses: 3, replicates: 99 });
    expect(await run()).toEqual(rows);
  }, 300_000);

  it('refuses bad flags, naming them', () => {
    expect(() => evaluationOptions(['--outbreaks', 'many'])).toThrow(UsageError);
    expect(() => evaluationOptions(['--outbreaks', 'many'])).toThrow(/^--outbreaks: /);
    expect(() => evaluationOptions(['--states', 'XX'])).toThrow('--states: not a state: XX');
    expect(() => evaluationOptions(['--colour'])).toThrow(/Unknown option '--colour'/);
    expect(evaluationOptions(['--no-scan', '--seed', '5'])).toMatchObject({ scan: false, seed: 5, states: ['OH', 'KY', 'IN', 'WV', 'PA'], replicates: 999 });
  });
});
