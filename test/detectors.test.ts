/**
 * The temporal spike detectors (pipeline/stats/detectors/).
 * - EARS, CUSUM, Farrington flexible and the t / normal distributions against R's own output
 *   (surveillance 1.20.3, stats), committed in test/golden/detectors/ by scripts/detectors-reference.R:
 *   every value within 1e-6 (absolute below 1, relative above), every alarm identical.
 * - EWMA, adaptive regression and the switch (no R reference exists) against numbers worked from
 *   docs/ALERTS.md by hand on small series, plus properties.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  adaptiveRegression,
  cusum,
  earsC,
  ewma,
  farringtonFlexible,
  normalCdf,
  normalQuantile,
  normalUpper,
  regressionEwmaSwitch,
  statusColour,
  statusFromP,
  studentTCdf,
  studentTQuantile,
  studentTUpper,
  type CusumTransform,
  type DetectorPoint,
  type EarsMethod,
} from '../pipeline/stats/detectors/index.ts';

const GOLDEN = new URL('./golden/detectors/', import.meta.url);
type Row = Record<string, string>;

function readCsv(name: string): Row[] {
  const [header, ...lines] = readFileSync(new URL(name, GOLDEN), 'utf8').trim().split('\n');
  const cols = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [cols[i]!, v])));
}
const series = (name: string) => readCsv(`${name}.csv`).map((r) => Number(r.count));
const num = (v: string | undefined): number | null => (v === undefined || v === 'NA' || v === 'NaN' ? null : Number(v));
const bool = (v: string | undefined) => (v === 'TRUE' ? true : v === 'FALSE' ? false : null);

/** |a - b| ≤ 1e-6 · max(1, |b|): absolute for small values, relative for large ones. */
function expectClose(actual: number | null, expected: number | null, what: string) {
  if (expected === null || actual === null) {
    expect(actual, what).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected), `${what}: ${actual} vs R ${expected}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected)));
}

describe('t and normal distributions match R (stats::pt, qt, pnorm, qnorm) to 1e-10', () => {
  it('pt, lower and upper tail', () => {
    for (const r of readCsv('r-pt.csv')) {
      const [x, df] = [Number(r.x), Number(r.df)];
      expect(Math.abs(studentTCdf(x, df) - Number(r.pt))).toBeLessThan(1e-10);
      expect(Math.abs(studentTUpper(x, df) - Number(r.upper)) / Number(r.upper)).toBeLessThan(1e-10);
    }
  });
  it('qt', () => {
    for (const r of readCsv('r-qt.csv')) {
      const q = Number(r.qt);
      expect(Math.abs(studentTQuantile(Number(r.p), Number(r.df)) - q) / Math.max(1, Math.abs(q))).toBeLessThan(1e-10);
    }
  });
  it('pnorm and qnorm', () => {
    for (const r of readCsv('r-pnorm.csv')) {
      expect(Math.abs(normalCdf(Number(r.z)) - Number(r.pnorm))).toBeLessThan(1e-10);
      expect(Math.abs(normalUpper(Number(r.z)) - Number(r.upper)) / Number(r.upper)).toBeLessThan(1e-10);
    }
    for (const r of readCsv('r-qnorm.csv')) expect(Math.abs(normalQuantile(Number(r.p)) - Number(r.qnorm))).toBeLessThan(1e-10);
  });
});

/** Our points on exactly the indexes R reports, and nothing but 'insufficient' elsewhere. */
function alignedWithR<P extends DetectorPoint>(ours: P[], rows: Row[]): [P, Row][] {
  const indexes = new Set(rows.map((r) => Number(r.index)));
  ours.forEach((p, i) => {
    if (!indexes.has(i)) expect(p.status, `index ${i} is outside R's range`).toBe('insufficient');
  });
  return rows.map((r) => [ours[Number(r.index)]!, r]);
}

describe('EARS C1/C2/C3 = surveillance::earsC (default control)', () => {
  for (const name of ['ed-daily', 'county-sparse']) {
    for (const method of ['C1', 'C2', 'C3'] as EarsMethod[]) {
      it(`${name}, ${method}: upper bound and alarm`, () => {
        const rows = readCsv(`${name}.r-ears-${method.toLowerCase()}.csv`);
        expect(rows.length).toBeGreaterThan(300);
        for (const [p, r] of alignedWithR(earsC(series(name), { method }), rows)) {
          expectClose(p.threshold, num(r.upperbound), `${method} upperbound at ${r.index}`);
          // R's NA alarm (flat baseline, minSigma 0) is our 'insufficient'.
          if (r.alarm === 'NA') expect(p.status).toBe('insufficient');
          else expect(p.alarm, `${method} alarm at ${r.index}`).toBe(bool(r.alarm));
        }
      });
    }
  }
});

describe('CUSUM = surveillance::algo.cusum (k 1.04, h 2.26, m = mean of the first 52 weeks)', () => {
  for (const name of ['deaths-weekly', 'deaths-weekly-small']) {
    for (const trans of ['rossi', 'standard'] as CusumTransform[]) {
      it(`${name}, ${trans}: cumulative sum, upper bound, m, alarm`, () => {
        const rows = readCsv(`${name}.r-cusum-${trans}.csv`);
        for (const [p, r] of alignedWithR(cusum(series(name), { start: 52, trans }), rows)) {
          expectClose(p.statistic, num(r.cusum), `cusum at ${r.index}`);
          expectClose(p.threshold, num(r.upperbound), `upperbound at ${r.index}`);
          expectClose(p.expected, num(r.m), `m at ${r.index}`);
          expect(p.alarm, `alarm at ${r.index}`).toBe(bool(r.alarm));
        }
      });
    }
  }
});

describe('Farrington flexible = surveillance::farringtonFlexible (default control)', () => {
  function compare(ours: ReturnType<typeof farringtonFlexible>, rows: Row[]) {
    for (const [p, r] of rows.map((row) => [ours[Number(row.index)]!, row] as const)) {
      const at = ` at ${r.index}`;
      // R reports no upper bound or expected count when the limit54 rule fails; we do.
      expect(p.enoughCases, `limit54${at}`).toBe(r.upperbound !== 'NA');
      if (r.upperbound !== 'NA') expectClose(p.threshold, num(r.upperbound), `upperbound${at}`);
      if (r.expected !== 'NA') expectClose(p.expected, num(r.expected), `expected${at}`);
      expectClose(p.p, num(r.pvalue), `pvalue${at}`);
      expectClose(p.score, num(r.score), `score${at}`);
      expectClose(p.phi, num(r.phi), `phi${at}`);
      expectClose(p.trend, num(r.trend), `trend${at}`);
      expect(p.alarm, `alarm${at}`).toBe(bool(r.alarm));
    }
  }
  for (const name of ['deaths-weekly', 'deaths-weekly-small', 'deaths-weekly-trend']) {
    it(`${name}, b = 5: upper bound, expected, p, score, φ, trend, alarm`, () => {
      const rows = readCsv(`${name}.r-farrington-b5.csv`);
      const ours = farringtonFlexible(series(name));
      compare(ours, rows);
      // Before R's range we still answer, with fewer years and a note; from it on, no note.
      const first = Number(rows[0]!.index);
      expect(first).toBe(52 * 5 + 3);
      ours.forEach((p, t) => {
        if (t < first) expect(p.note, `note at ${t}`).not.toBeNull();
        else expect(p.note, `note at ${t}`).toBeNull();
      });
    });
    it(`${name}: with 3 to 4 years of history it is R's b = 3, and says so`, () => {
      const rows = readCsv(`${name}.r-farrington-b3.csv`);
      compare(farringtonFlexible(series(name), { b: 3 }), rows);
      const ours = farringtonFlexible(series(name));
      const early = rows.filter((r) => Number(r.index) < 52 * 4 + 3);
      expect(early.length).toBe(52);
      compare(ours, early);
      for (const r of early) {
        const p = ours[Number(r.index)]!;
        expect(p.years).toBe(3);
        expect(p.note).toBe('only 3 of 5 years of history: baseline is 21 periods instead of 35');
      }
    });
  }
  it('the trend is kept at some weeks and dropped at others, and both match R', () => {
    const rows = ['deaths-weekly', 'deaths-weekly-small', 'deaths-weekly-trend'].flatMap((name) => readCsv(`${name}.r-farrington-b5.csv`));
    expect(rows.some((r) => r.trend === 'NA')).toBe(true);
    expect(rows.some((r) => r.trend !== 'NA')).toBe(true);
    expect(rows.some((r) => r.alarm === 'TRUE')).toBe(true);
  });
  it('an all-zero baseline: the fit converges towards μ = 0, as in R', () => {
    // R: y <- rep(0, 300); y[270:271] <- 3; farringtonFlexible(sts(y, start = c(2017, 1),
    // frequency = 52), control = list(range = 271)) gives upperbound 0.0016135915750188645,
    // expected 3.7751345442794561e-12, pvalue 0, φ 1, alarm TRUE.
    const y = Array(300).fill(0);
    y[269] = 3;
    y[270] = 3;
    const p = farringtonFlexible(y)[270]!;
    expectClose(p.threshold, 0.0016135915750188645, 'upperbound');
    expect(Math.abs(p.expected! - 3.7751345442794561e-12) / 3.7751345442794561e-12).toBeLessThan(1e-6);
    expect(p.p).toBe(0);
    expect(p.phi).toBe(1);
    expect(p.alarm).toBe(true);
  });
  it('says plainly when there is less than one year, or fewer than 3 years (no trend)', () => {
    const ours = farringtonFlexible(series('deaths-weekly'));
    expect(ours[54]!.status).toBe('insufficient');
    expect(ours[54]!.note).toBe('less than one year of history (needs 56 periods, has 55); Farrington needs 5 years');
    expect(ours[55]!.years).toBe(1);
    expect(ours[55]!.note).toBe('only 1 of 5 years of history: baseline is 7 periods instead of 35, and no trend is fitted with fewer than 3 years');
    expect(ours[55]!.trend).toBeNull();
  });
});

describe('ESSENCE EWMA: hand-worked values (docs/ALERTS.md formulas)', () => {
  // Baseline at t = 9 (g = 2, n = 7): days 0-6 = 10 12 10 12 10 12 10, E = 76/7 = 10.857142857,
  // s² = (4·(6/7)² + 3·(8/7)²)/6 = 8/7, s = 1.069044968, df = 6, t95 = 1.943180281, t99 = 3.142668403.
  const y = [10, 12, 10, 12, 10, 12, 10, 11, 11, 20, 11];
  const points = ewma(y);

  it('needs 7 baseline days: days 0-8 are insufficient', () => {
    expect(points.slice(0, 9).map((p) => p.status)).toEqual(Array(9).fill('insufficient'));
  });

  it('day 9, w = 0.4 and 0.9; the smaller p is reported', () => {
    const p = points[9]!;
    // w = 0.4: z = 10, 10.8, 10.48, 11.088, 10.6528, 11.19168, 10.715008, 10.8290048, 10.89740288,
    // 0.4·20 + 0.6·10.89740288 = 14.538441728.
    // corr = √(0.4/1.6 + 1/7 - 2·0.6³·(1-0.6⁷)/7) = √0.332870 = 0.576949272
    // minσ = (0.4/1.943180)·(0.01 + 0.05·0.36) = 0.005763747
    // const = (0.1289 - (0.2414 - 0.1826·0.6⁴)·ln 0.5)·(0.4/1.943180) = 0.057600920
    // σ = max(minσ, 1.069044968·0.576949272 + 0.057600920) = 0.674385635
    // T = (14.538441728 - 10.857142857)/0.674385635 = 5.458744489, p = 0.000787212
    const w04 = p.byWeight[0]!;
    expect(w04.z).toBeCloseTo(14.538441728, 9);
    expect(w04.sigma).toBeCloseTo(0.674385635423777, 12);
    expect(w04.statistic).toBeCloseTo(5.45874448903979, 10);
    expect(w04.p).toBeCloseTo(0.000787211983212341, 14);
    // w = 0.9: z_9 = 19.099181818; corr = 0.980180211, const = 0.137193532, σ = 1.185050254,
    // T = 6.955012189, p = 0.000219275 (smaller: reported).
    expect(p.byWeight[1]!.statistic).toBeCloseTo(6.95501218880807, 10);
    expect(p.weight).toBe(0.9);
    expect(p.expected).toBeCloseTo(76 / 7, 12);
    expect(p.p).toBeCloseTo(0.000219275139748787, 14);
    expect(p.threshold).toBeCloseTo(76 / 7 + 3.14266840329098 * 1.18505025399095, 10);
    expect(p.status).toBe('alert');
  });

  it('day 10 uses the damped z: |T| > t99 moved z_9 to E + t99·σ', () => {
    // w = 0.4: z_9 damped to 10.857142857 + 3.142668403·0.674385635 = 12.976513285, so
    // z_10 = 0.4·11 + 0.6·12.976513285 = 12.185907971 (undamped it would be 13.12306504).
    // n = 8 (days 0-7): E = 87/8 = 10.875, s = 0.991031209, σ = 0.621358429,
    // T = (12.185907971 - 10.875)/0.621358429 = 2.109745213, p = 0.036407908 (df 7).
    // w = 0.9: z_10 = 0.9·11 + 0.1·14.581362847 = 11.358136285, T = 0.438000107, p = 0.337.
    const p = points[10]!;
    expect(p.byWeight[0]!.z).toBeCloseTo(12.1859079711335, 10);
    expect(p.p).toBeCloseTo(0.0364079081161172, 12);
    expect(p.weight).toBe(0.4);
    expect(p.status).toBe('warning');
  });
});

describe('ESSENCE adaptive regression: hand-worked values', () => {
  // 14 baseline days from a Monday: y = 20 + k + dow (Mon +6, Tue +4, Wed +2, Thu +2, Fri 0,
  // Sat -6, Sun 0) for k = 1…14, plus e = (+1 Mon k1, -1 Mon k8, -1 Tue k2, +1 Tue k9), which is
  // orthogonal to intercept, trend and every dummy: the fit is the exact model, SSE = Σe² = 4.
  const baseline = [28, 25, 25, 26, 25, 20, 27, 33, 34, 32, 33, 32, 27, 34];
  const y = [...baseline, 41, 40, 45];
  // Day 16 (a Wednesday, k = n + g + 1 = 17): ŷ = 20 + 17 + 2 = 39. df = 14 - 8 = 6,
  // σ = √(4/6)·√((21·10)/(14·7)) = 0.816496581·1.463850109 = 1.195228609 (> 0.01/t95 = 0.005146),
  // T = (45 - 39)/1.195228609 = 5.019960159, p = 0.001202075.
  // SST = 11731 - 401²/14 = 245.214286; adj R² = 1 - (4/6)/(245.214286/13) = 0.964656763.
  it('forecast, σ, T, p and adjusted R² on day 16', () => {
    const p = adaptiveRegression(y, { firstWeekday: 1 })[16]!;
    expect(p.baselineDays).toBe(14);
    expect(p.expected).toBeCloseTo(39, 10);
    expect(p.sigma).toBeCloseTo(1.19522860933439, 12);
    expect(p.statistic).toBeCloseTo(5.01996015920447, 10);
    expect(p.p).toBeCloseTo(0.0012020750055176, 13);
    expect(p.adjustedR2).toBeCloseTo(0.964656762792504, 12);
    expect(p.threshold).toBeCloseTo(39 + 3.14266840329098 * 1.19522860933439, 10);
    expect(p.status).toBe('alert');
    expect(p.suppressed).toBe(false);
  });

  it('needs 11 baseline days: days 0-12 are insufficient', () => {
    const points = adaptiveRegression(y, { firstWeekday: 1 });
    expect(points.slice(0, 13).every((p) => p.status === 'insufficient')).toBe(true);
    expect(points[13]!.baselineDays).toBe(11);
  });

  it('suppresses an alert on a falling count, except at weekends above the same-weekday average', () => {
    // Guard days 80, 80: the 7-day average (33+32+27+34+80+80+45)/7 = 47.29 > 45, so falling.
    const falling = [...baseline, 80, 80, 45];
    const weekday = adaptiveRegression(falling, { firstWeekday: 1 })[16]!;
    expect(weekday.p).toBeCloseTo(0.0012020750055176, 13);
    expect(weekday.status).toBe('none');
    expect(weekday.suppressed).toBe(true);
    // The same counts starting on a Thursday make day 16 a Saturday: the same-weekday average of
    // days 16, 9, 2 = (45 + 32 + 25)/3 = 34 < 45, so the count is not falling and the alert stands.
    const saturday = adaptiveRegression(falling, { firstWeekday: 4 })[16]!;
    expect(saturday.weekday).toBe(6);
    expect(saturday.expected).toBeCloseTo(39, 10);
    expect(saturday.status).toBe('alert');
    expect(saturday.suppressed).toBe(false);
  });

  it('never forecasts below zero', () => {
    const down = [60, 55, 50, 45, 40, 35, 30, 25, 20, 15, 10, 5, 0, 0, 0, 0];
    const p = adaptiveRegression(down, { firstWeekday: 0 })[15]!;
    expect(p.expected).toBe(0);
  });
});

describe('Regression/EWMA switch', () => {
  it('uses the regression when adjusted R² ≥ 0.60', () => {
    const y = [28, 25, 25, 26, 25, 20, 27, 33, 34, 32, 33, 32, 27, 34, 41, 40, 45];
    const p = regressionEwmaSwitch(y, { firstWeekday: 1 })[16]!;
    expect(p.method).toBe('regression');
    expect(p.p).toBeCloseTo(0.0012020750055176, 13);
  });

  it('uses EWMA (w 0.4) when the fit explains little, and while the regression lacks baseline', () => {
    const y = series('county-sparse');
    const switched = regressionEwmaSwitch(y, { firstWeekday: 1 });
    const smooth = ewma(y, { weights: [0.4] });
    const regression = adaptiveRegression(y, { firstWeekday: 1 });
    expect(switched.slice(9, 13).map((p) => p.method)).toEqual(['ewma', 'ewma', 'ewma', 'ewma']);
    let ewmaDays = 0;
    switched.forEach((p, t) => {
      const r = regression[t]!;
      if (r.adjustedR2 !== null && r.adjustedR2 >= 0.6) {
        expect(p.method).toBe('regression');
        expect(p.p).toBe(r.p);
      } else if (t >= 9) {
        ewmaDays++;
        expect(p.method).toBe('ewma');
        expect(p.p).toBe(smooth[t]!.p);
      }
    });
    expect(ewmaDays).toBeGreaterThan(300);
  });
});

describe('properties on every detector', () => {
  const ed = series('ed-daily'); // spike injected on days 330-333
  const deaths = series('deaths-weekly'); // outbreak injected in weeks 330-335

  it('a big spike alerts', () => {
    expect(ewma(ed)[331]!.status).toBe('alert');
    expect(adaptiveRegression(ed, { firstWeekday: 1 })[331]!.status).toBe('alert');
    expect(regressionEwmaSwitch(ed, { firstWeekday: 1 })[331]!.status).toBe('alert');
    const spiked = [...ed.slice(0, 200), 400];
    expect(earsC(spiked, { method: 'C1' })[200]!.status).toBe('alert');
    expect(earsC(spiked, { method: 'C2' })[200]!.status).toBe('alert');
    expect(farringtonFlexible(deaths)[332]!.status).toBe('alert');
    const cusumSpike = [...Array(52).fill(20), 20, 20, 60];
    expect(cusum(cusumSpike, { start: 52 }).map((p) => p.status).slice(52)).toEqual(['none', 'none', 'alert']);
  });

  it('a flat series never alerts', () => {
    const flat = Array(400).fill(12);
    const statuses = [
      ...ewma(flat),
      ...adaptiveRegression(flat, { firstWeekday: 3 }),
      ...regressionEwmaSwitch(flat, { firstWeekday: 3 }),
      ...earsC(flat, { method: 'C1' }),
      ...earsC(flat, { method: 'C2' }),
      ...earsC(flat, { method: 'C3' }),
      ...cusum(flat, { start: 52 }),
      ...cusum(flat, { start: 52, trans: 'standard' }),
      ...farringtonFlexible(flat),
    ].map((p) => p.status);
    expect(statuses.filter((s) => s === 'alert' || s === 'warning')).toEqual([]);
    expect(statuses.filter((s) => s === 'none').length).toBeGreaterThan(2500);
  });

  it('too little baseline is insufficient (grey)', () => {
    const short = [5, 7, 6, 8];
    for (const points of [ewma(short), adaptiveRegression(short, { firstWeekday: 0 }), earsC(short), cusum(short), farringtonFlexible(short)]) {
      expect(points.map((p) => statusColour(p.status))).toEqual(['grey', 'grey', 'grey', 'grey']);
    }
  });

  it('ESSENCE colours from p', () => {
    expect([0.001, 0.00999, 0.01, 0.049, 0.05, 0.5, null].map((p) => statusColour(statusFromP(p)))).toEqual(['red', 'red', 'yellow', 'yellow', 'blue', 'blue', 'grey']);
  });

  it('rejects a negative or non-finite count, naming it', () => {
    expect(() => ewma([1, 2, -1])).toThrow('invalid count at index 2: -1');
    expect(() => farringtonFlexible([1, Number.NaN])).toThrow('invalid count at index 1: NaN');
  });
});
