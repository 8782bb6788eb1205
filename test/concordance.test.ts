/**
 * ED-death concordance (pipeline/stats/concordance): the exact one-sided rate test against sums
 * of binomial terms, alert episodes, a synthetic ED alert followed by a death surge that must
 * signal and one followed by ordinary deaths that must not, the pending and insufficient cases,
 * and the syndrome ↔ death-measure pairs re-derived from the syndrome definitions and the bridge.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyndromeEngine } from '../pipeline/coding/ed/syndromes/index.ts';
import { binomialUpperTail, poissonRateRatioTest } from '../pipeline/stats/concordance/binomial.ts';
import { alertEpisodes, concordanceSignals, weekStartOf, type DeathWeeks } from '../pipeline/stats/concordance/concordance.ts';
import { CONCORDANCE_PAIRS } from '../pipeline/stats/concordance/pairs.ts';
import { concordanceByPlace } from '../pipeline/stats/concordance/places.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

const day = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);

/** Σ_{j ≥ k} C(n, j) p^j (1 − p)^(n − j), term by term. */
function tail(k: number, n: number, p: number): number {
  let sum = 0;
  let choose = 1;
  for (let j = 0; j <= n; j++) {
    if (j > 0) choose = (choose * (n - j + 1)) / j;
    if (j >= k) sum += choose * p ** j * (1 - p) ** (n - j);
  }
  return sum;
}

/** Weekly deaths from a start Sunday: `base` deaths every week, then the given weeks. */
function weeks(firstSunday: string, base: number, baseWeeks: number, after: number[]): DeathWeeks {
  const counts = [...new Array<number>(baseWeeks).fill(base), ...after];
  return { weekStarts: counts.map((_, i) => day(firstSunday) + 7 * i), counts };
}

describe('the exact conditional rate test', () => {
  it('equals the binomial tail summed term by term', () => {
    expect(binomialUpperTail(3, 5, 0.5)).toBeCloseTo(0.5, 14);
    for (const [k, n, p] of [[4, 30, 0.07], [12, 60, 0.1], [1, 1, 0.3], [20, 40, 0.5], [9, 9, 0.2]] as const) {
      expect(binomialUpperTail(k, n, p)).toBeCloseTo(tail(k, n, p), 12);
    }
    expect(binomialUpperTail(0, 10, 0.1)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.1)).toBe(0);
    expect(() => binomialUpperTail(2, 5, 1.5)).toThrow(/probability/);
  });

  it('is poisson.test(c(x, y), c(T1, T2), alternative = "greater") for two rates', () => {
    // 12 deaths in 4 weeks against 26 in 52: given 38, X ~ Bin(38, 4/56).
    expect(poissonRateRatioTest(12, 4, 26, 52)).toBeCloseTo(tail(12, 38, 4 / 56), 12);
    expect(poissonRateRatioTest(12, 4, 26, 52)).toBeLessThan(1e-5);
    expect(poissonRateRatioTest(2, 4, 26, 52)).toBeGreaterThan(0.4);
  });
});

describe('concordance signals', () => {
  const firstSunday = '2023-06-04';
  // 52 baseline weeks of 1 death, so the ED alert falls in week 52 (the Sunday 2024-06-02).
  const alertDay = day('2024-06-04');

  it('groups alert days into episodes at most a week apart', () => {
    const d = (n: number) => ({ day: alertDay + n, observed: 5, p: 0.001 });
    expect(alertEpisodes([d(0), d(3), d(10), d(20), d(21)]).map((e) => e.map((x) => x.day - alertDay))).toEqual([[0, 3, 10], [20, 21]]);
    expect(weekStartOf(day('2024-06-04'))).toBe(day('2024-06-02'));
    expect(weekStartOf(day('2024-06-02'))).toBe(day('2024-06-02'));
  });

  it('fires when deaths surge in the weeks after an ED alert', () => {
    const [signal] = concordanceSignals([{ day: alertDay, observed: 9, p: 0.0004 }, { day: alertDay + 1, observed: 7, p: 0.002 }], weeks(firstSunday, 1, 52, [5, 6, 4, 5]));
    expect(signal).toMatchObject({
      edFirstDay: alertDay,
      edLastDay: alertDay + 1,
      edAlertDays: 2,
      edMinP: 0.0004,
      edVisits: 16,
      windowStart: day('2024-06-02'),
      windowEnd: day('2024-06-30'),
      windowWeeks: 4,
      deathsObserved: 20,
      baselineWeeks: 52,
      baselineDeaths: 52,
      status: 'alert',
      note: null,
    });
    expect(signal!.deathsExpected).toBeCloseTo(4, 12);
    expect(signal!.rateRatio).toBeCloseTo(5, 12);
    expect(signal!.p).toBeCloseTo(tail(20, 72, 4 / 56), 12);
  });

  it('does not fire when deaths stay at their usual level', () => {
    const [signal] = concordanceSignals([{ day: alertDay, observed: 9, p: 0.0004 }], weeks(firstSunday, 1, 52, [1, 1, 2, 0]));
    expect(signal).toMatchObject({ deathsObserved: 4, windowWeeks: 4, status: 'none', note: null });
    expect(signal!.p).toBeGreaterThan(0.3);
  });

  it('needs a few deaths: 2 after a year of none is not a signal, however small the p', () => {
    const [signal] = concordanceSignals([{ day: alertDay, observed: 9, p: 0.0004 }], weeks(firstSunday, 0, 52, [1, 1, 0, 0]));
    expect(signal!.p).toBeLessThan(0.01);
    expect(signal).toMatchObject({ status: 'none', note: 'fewer than 3 deaths in the window' });
  });

  it('waits while the window is incomplete, but a surge already seen counts', () => {
    const early = concordanceSignals([{ day: alertDay, observed: 9, p: 0.001 }], weeks(firstSunday, 1, 52, [1]));
    expect(early[0]).toMatchObject({ windowWeeks: 1, status: 'pending', note: '1 of 4 weeks of deaths so far; fewer than 3 deaths in the window' });
    const surge = concordanceSignals([{ day: alertDay, observed: 9, p: 0.001 }], weeks(firstSunday, 1, 52, [8]));
    expect(surge[0]).toMatchObject({ windowWeeks: 1, deathsObserved: 8, status: 'alert', note: '1 of 4 weeks of deaths so far' });
    const none = concordanceSignals([{ day: alertDay, observed: 9, p: 0.001 }], weeks(firstSunday, 1, 52, []));
    expect(none[0]).toMatchObject({ windowWeeks: 0, status: 'pending', p: null });
  });

  it('says so when the place has too little death history', () => {
    const [signal] = concordanceSignals([{ day: alertDay, observed: 9, p: 0.001 }], weeks('2024-04-21', 1, 6, [5, 5, 5, 5]));
    expect(signal).toMatchObject({ baselineWeeks: 6, status: 'insufficient', note: 'only 6 baseline weeks of deaths (needs 8)' });
    expect(() => concordanceSignals([], { weekStarts: [0, 14], counts: [1, 1] })).toThrow(/does not follow/);
  });
});

describe('concordance by place', () => {
  it('checks each syndrome alert against every paired measure there, a place without deaths as zeros', () => {
    const deaths = weeks('2023-06-04', 1, 52, [6, 5, 4, 6]);
    const alert = [{ day: day('2024-06-04'), observed: 8, p: 0.001 }];
    const signals = concordanceByPlace(
      [{ syndrome: 'stimulant', level: 'county', geography: '39061', days: alert }, { syndrome: 'heroin', level: 'state', geography: '21', days: [] }],
      (measure, level, geography) => (measure === 'psychostimulant' && level === 'county' && geography === '39061' ? deaths.counts : undefined),
      deaths.weekStarts,
    );
    // Stimulant pairs with cocaine and psychostimulants; an empty alert list gives nothing.
    expect(signals.map((s) => [s.syndrome, s.deathMeasure, s.geography, s.signal.status, s.signal.deathsObserved])).toEqual([
      ['stimulant', 'cocaine', '39061', 'none', 0],
      ['stimulant', 'psychostimulant', '39061', 'alert', 21],
    ]);
  });
});

describe('syndrome ↔ death measure pairs', () => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await openTestRuntime();
  });
  afterAll(() => runtime.dispose());

  it('follow from the syndromes\' poisoning codes through the CM → WHO bridge', async () => {
    const bridge = fs
      .readFileSync(new URL('../pipeline/coding/ed/data/cm-death-bridge.tsv', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t'))
      .filter((cols) => /^T(3[6-9]|4\d|50)/.test(cols[0]!));
    const engine = createSyndromeEngine();
    // Each bridge category as an accidental initial-encounter code (T40.1 → T40.1X1A, T40.41 → T40.411A).
    const reached = new Map<string, Set<string>>();
    for (const [category, whoCode] of bridge) {
      const code = category!.length === 5 ? `${category}X1A` : `${category}1A`;
      for (const syndrome of engine.evaluate({ chiefComplaint: null, dischargeDiagnoses: [code] })) {
        (reached.get(syndrome) ?? reached.set(syndrome, new Set()).get(syndrome)!).add(whoCode!);
      }
    }
    const measures = new Map(
      (await runtime.db.connection.runAndReadAll('SELECT measure, codes FROM death_measures')).getRowObjectsJson().map((r) => [String(r.measure), (r.codes as string[]).slice().sort()]),
    );
    for (const pair of CONCORDANCE_PAIRS) {
      expect(measures.get(pair.deathMeasure), pair.deathMeasure).toEqual([...pair.whoCodes].sort());
      for (const code of pair.whoCodes) expect(reached.get(pair.syndrome), pair.syndrome).toContain(code);
    }
    // One-class syndromes reach exactly their measure's codes; the two broad ones reach more.
    for (const syndrome of ['heroin', 'fentanyl', 'cocaine', 'benzodiazepine', 'opioid']) {
      const codes = CONCORDANCE_PAIRS.filter((p) => p.syndrome === syndrome).flatMap((p) => p.whoCodes);
      expect([...reached.get(syndrome)!].sort(), syndrome).toEqual([...new Set(codes)].sort());
    }
    expect([...reached.get('stimulant')!].sort()).toEqual(['T40.5', 'T43.6']);
    expect(reached.get('all_drug')!.size).toBeGreaterThan(50);
    // Every built-in syndrome has a partner.
    expect(new Set(CONCORDANCE_PAIRS.map((p) => p.syndrome))).toEqual(new Set(engine.definitions.map((d) => d.id)));
  });
});
