/**
 * The space-time permutation scan on small seeded synthetic data: the PRNG against its reference
 * implementation, the statistic against a brute-force reading of Kulldorff (2005), the permutation
 * keeping both marginals, an injected outbreak found in place and time with a small p, no outbreak
 * giving large p-values, and runs that repeat exactly.
 */
import { describe, expect, it } from 'vitest';
import { buildCircles } from '../pipeline/stats/scan/circles.ts';
import { likelihoodRatioBound, logLikelihoodRatio } from '../pipeline/stats/scan/likelihood.ts';
import { xoshiro128StarStar, xoshiro128StarStarFromState } from '../pipeline/stats/scan/prng.ts';
import { packedMaxima, plainMaxima, replicateCounts, replicateMaxima } from '../pipeline/stats/scan/replicates.ts';
import { simdAvailable, simdMaxima } from '../pipeline/stats/scan/simd-maxima.ts';
import {
  prepareScan,
  scanObserved,
  spaceTimePermutationScan,
  type ScanLocation,
  type SpaceTimeInput,
} from '../pipeline/stats/scan/space-time-permutation.ts';

/** A side × side grid of locations one unit apart, `days` days of Poisson counts with a weekly pattern. */
function grid(seed: number, side: number, days: number, rate = (i: number, j: number) => 0.3 + 0.1 * ((i * 7 + j * 3) % 5)): { locations: ScanLocation[]; counts: Int32Array[] } {
  const random = xoshiro128StarStar(seed);
  const poisson = (lambda: number) => {
    const limit = Math.exp(-lambda);
    let k = 0;
    for (let p = random.nextDouble(); p > limit; p *= random.nextDouble()) k++;
    return k;
  };
  const locations: ScanLocation[] = [];
  const counts: Int32Array[] = [];
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      locations.push({ id: `${i},${j}`, x: i, y: j, population: 1000 });
      counts.push(Int32Array.from({ length: days }, (_, t) => poisson(rate(i, j) * (t % 7 === 0 ? 0.6 : 1.1))));
    }
  }
  return { locations, counts };
}

const at = (side: number, i: number, j: number) => i * side + j;

describe('xoshiro128**', () => {
  it('reproduces the reference C implementation (prng.di.unimi.it) from state {1, 2, 3, 4}', () => {
    const random = xoshiro128StarStarFromState([1, 2, 3, 4]);
    const first = Array.from({ length: 10 }, () => random.nextUint32());
    // Output of xoshiro128starstar.c compiled with gcc -O2 here.
    expect(first).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804]);
    for (let k = 0; k < 9990; k++) random.nextUint32();
    expect(random.nextUint32()).toBe(1838359681);
  });

  it('gives doubles in [0, 1) and is a pure function of its seed', () => {
    const a = xoshiro128StarStar(99);
    const b = xoshiro128StarStar(99);
    const xs = Array.from({ length: 1000 }, () => a.nextDouble());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.nextDouble()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / 1000 - 0.5)).toBeLessThan(0.03);
  });
});

describe('likelihood ratio', () => {
  it('is the Kulldorff (2005) GLR, 0 unless c > μ, and the log-free bound is above it', () => {
    expect(logLikelihoodRatio(10, 4, 100)).toBeCloseTo(3.3544404163601449, 13); // R: 10*log(10/4)+90*log(90/96)
    expect(logLikelihoodRatio(4, 4, 100)).toBe(0);
    expect(logLikelihoodRatio(3, 4, 100)).toBe(0);
    expect(logLikelihoodRatio(100, 40, 100)).toBeCloseTo(100 * Math.log(2.5), 12); // c = C
    const random = xoshiro128StarStar(5);
    for (let k = 0; k < 2000; k++) {
      const C = 10 + random.nextInt(5000);
      const mu = random.nextDouble() * C * 0.5 + 1e-3;
      const c = Math.ceil(mu) + random.nextInt(Math.max(1, Math.floor(C - mu)));
      if (c > C) continue;
      expect(likelihoodRatioBound(c, mu, C)).toBeGreaterThanOrEqual(logLikelihoodRatio(c, mu, C) * (1 - 1e-12));
    }
  });
});

describe('circles', () => {
  it('orders neighbours by distance (ties by input order) up to the size cap, centre first', () => {
    const xs = [0, 1, 0, 1, 5];
    const ys = [0, 0, 1, 1, 5];
    const circles = buildCircles(xs, ys, [1, 1, 1, 1, 1], 3, 'cartesian');
    const of = (i: number) => Array.from(circles.neighbours.subarray(circles.start[i]!, circles.start[i + 1]!));
    expect(of(0)).toEqual([0, 1, 2]);
    expect(of(3)).toEqual([3, 1, 2]);
    expect(of(4)).toEqual([4, 3, 1]);
    expect(circles.radius[circles.start[0]! + 2]).toBe(1);
    // A location larger than the cap has no circle.
    expect(buildCircles(xs, ys, [5, 1, 1, 1, 1], 3, 'cartesian').start[1]).toBe(0);
  });

  it('measures great-circle distance in km for longitude/latitude', () => {
    const circles = buildCircles([-77, -77], [38, 39], [1, 1], 2, 'latlong');
    expect(circles.radius[1]).toBeCloseTo(111.19508023352181, 6); // 1° of latitude, mean Earth radius 6371.0088 km
  });
});

describe('the statistic', () => {
  it('equals a brute-force scan of every cylinder from the definitions (μ = Σ C_s·C_t / C)', () => {
    const side = 4;
    const days = 12;
    const input = grid(3, side, days);
    input.counts[at(side, 1, 1)]![days - 1]! += 4;
    input.counts[at(side, 1, 2)]![days - 2]! += 3;
    const options = { coordinates: 'cartesian' as const, maxSpatialShare: 0.3, maxWindowDays: 5, replicates: 0 };
    const result = spaceTimePermutationScan(input, options);

    const n = side * side;
    const Cs = input.counts.map((row) => row.reduce((a, b) => a + b, 0));
    const Ct = Array.from({ length: days }, (_, t) => input.counts.reduce((a, row) => a + row[t]!, 0));
    const C = Cs.reduce((a, b) => a + b, 0);
    let best = { llr: 0, members: [] as number[], window: 0 };
    for (let centre = 0; centre < n; centre++) {
      const byDistance = Array.from({ length: n }, (_, s) => s).sort((a, b) => {
        const d = (s: number) => (input.locations[s]!.x - input.locations[centre]!.x) ** 2 + (input.locations[s]!.y - input.locations[centre]!.y) ** 2;
        return d(a) - d(b) || (a === centre ? -1 : b === centre ? 1 : a - b);
      });
      const members: number[] = [];
      let size = 0;
      for (const s of byDistance) {
        if (size + Cs[s]! > 0.3 * C) break;
        size += Cs[s]!;
        members.push(s);
        for (let window = 1; window <= 5; window++) {
          let c = 0;
          let mu = 0;
          for (const m of members) {
            for (let t = days - window; t < days; t++) {
              c += input.counts[m]![t]!;
              mu += (Cs[m]! * Ct[t]!) / C;
            }
          }
          if (c < 2) continue;
          const llr = c > mu ? c * Math.log(c / mu) + (C - c) * Math.log((C - c) / (C - mu)) : 0;
          if (llr > best.llr + 1e-12) best = { llr, members: [...members], window };
        }
      }
    }
    expect(result.mostLikely!.llr).toBeCloseTo(best.llr, 10);
    expect(result.mostLikely!.locations).toEqual(best.members.map((s) => input.locations[s]!.id));
    expect(result.mostLikely!.windowDays).toBe(best.window);
    expect(result.mostLikely!.p).toBe(1); // no replicates: p = 1/(0 + 1)
  });

  it('permutes days across cases keeping both marginals; counts average to μ_st = C_s·C_t/C', () => {
    const side = 3;
    const days = 20;
    const input = grid(11, side, days);
    const prep = prepareScan(input, { coordinates: 'cartesian', maxWindowDays: 4 });
    const n = side * side;
    const W = prep.window;
    const Cs = input.counts.map((row) => row.reduce((a, b) => a + b, 0));
    const Ct = Array.from({ length: days }, (_, t) => input.counts.reduce((a, row) => a + row[t]!, 0));
    const C = prep.totalCases;
    const mean = new Float64Array(n * W);
    const R = 4000;
    for (let r = 0; r < R; r++) {
      const { byAge } = replicateCounts(prep, 77, r);
      for (let d = 0; d < W; d++) {
        let onDay = 0;
        for (let s = 0; s < n; s++) {
          const exact = byAge[s * W + d]! - (d > 0 ? byAge[s * W + d - 1]! : 0);
          onDay += exact;
          mean[s * W + d]! += exact / R;
        }
        expect(onDay).toBe(Ct[days - 1 - d]); // each day keeps its cases
      }
      for (let s = 0; s < n; s++) expect(byAge[s * W + W - 1]!).toBeLessThanOrEqual(Cs[s]!);
    }
    for (let s = 0; s < n; s++) {
      for (let d = 0; d < W; d++) {
        const mu = (Cs[s]! * Ct[days - 1 - d]!) / C;
        expect(Math.abs(mean[s * W + d]! - mu)).toBeLessThan(5 * Math.sqrt(mu / R) + 1e-9);
      }
    }
  });
});

describe('injected outbreak', () => {
  const side = 12;
  const days = 120;
  // A circle of radius 1 around (5, 5): the centre and its four nearest locations.
  const outbreak = [at(side, 5, 5), at(side, 4, 5), at(side, 5, 4), at(side, 5, 6), at(side, 6, 5)];
  const input = grid(2024, side, days);
  for (const s of outbreak) for (let t = days - 5; t < days; t++) input.counts[s]![t]! += 3;
  const options = { coordinates: 'cartesian' as const, seed: 42, firstDate: '2024-01-01' };
  const result = spaceTimePermutationScan({ ...input, firstDate: '2024-01-01' }, options);

  it('finds the outbreak: its counties, its last 5 days, p = 0.001', () => {
    const m = result.mostLikely!;
    expect(m.centre).toBe('5,5');
    expect([...m.locations].sort()).toEqual(outbreak.map((s) => input.locations[s]!.id).sort());
    expect(m.radius).toBe(1);
    expect(m.windowDays).toBe(5);
    expect(m.startDay).toBe(days - 5);
    expect(m.endDay).toBe(days - 1);
    expect(m.endDate).toBe('2024-04-29'); // day 119 after 2024-01-01
    expect(m.observed / m.expected).toBeGreaterThan(3);
    expect(m.p).toBe(0.001);
    expect(m.recurrenceIntervalYears).toBeCloseTo(1000 / 365, 12);
    expect(result.replicates).toBe(999);
  });

  it('reports secondary clusters that share no location with the ones before', () => {
    const seen = new Set(result.mostLikely!.locations);
    for (const cluster of result.secondary) {
      for (const id of cluster.locations) {
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
      expect(cluster.llr).toBeLessThanOrEqual(result.mostLikely!.llr);
      expect(cluster.p).toBeGreaterThan(0.01);
    }
  });

  it('repeats exactly with the same seed; replicates do not depend on how they are split', () => {
    expect(spaceTimePermutationScan({ ...input, firstDate: '2024-01-01' }, options)).toEqual(result);
    const prep = prepareScan(input, options);
    const floor = 2;
    const whole = replicateMaxima(prep, 42, 0, 60, floor);
    const split = [...replicateMaxima(prep, 42, 0, 17, floor), ...replicateMaxima(prep, 42, 17, 60, floor)];
    expect(split).toEqual(Array.from(whole));
    const other = replicateMaxima(prep, 43, 0, 60, floor);
    expect(Array.from(other)).not.toEqual(Array.from(whole));
  });

  it('the SIMD loop gives the packed loop\'s maxima exactly, below the floor too, however the replicates are split', () => {
    expect(simdAvailable()).toBe(true);
    const prep = prepareScan(input, options);
    const above: number[] = [];
    for (const floor of [2, 3, 5, 8]) {
      const packed = packedMaxima(prep, 42, 0, 80, floor);
      expect(simdMaxima(prep, 42, 0, 80, floor)).toEqual(packed);
      expect([...simdMaxima(prep, 42, 0, 30, floor), ...simdMaxima(prep, 42, 30, 80, floor)]).toEqual([...packed]);
      // Room for one candidate: replicates with more are redone by the JavaScript loop.
      expect(simdMaxima(prep, 42, 0, 80, floor, 1)).toEqual(packed);
      above.push(packed.filter((m) => m >= floor).length);
    }
    // The floors give replicates above and below them, so both kinds are compared.
    expect(above[0]).toBeGreaterThan(0);
    expect(above[3]).toBeLessThan(80);
  });

  it('the fast (packed) and plain replicate loops find the same maxima above the floor', () => {
    const prep = prepareScan(input, options);
    const exact = plainMaxima(prep, 42, 0, 80, 0);
    for (const floor of [1, 3, 5]) {
      const packed = packedMaxima(prep, 42, 0, 80, floor);
      const plain = plainMaxima(prep, 42, 0, 80, floor);
      for (let r = 0; r < 80; r++) {
        if (exact[r]! >= floor) {
          expect(packed[r]).toBe(exact[r]);
          expect(plain[r]).toBe(exact[r]);
        } else {
          expect(packed[r]).toBeLessThan(floor);
        }
      }
    }
  });
});

describe('no outbreak', () => {
  it('gives large p-values on data without one', () => {
    const ps = [1, 2, 3, 4, 5].map((seed) => {
      const input = grid(500 + seed, 10, 90);
      return spaceTimePermutationScan(input, { coordinates: 'cartesian', seed, replicates: 199 }).mostLikely!.p;
    });
    for (const p of ps) expect(p).toBeGreaterThan(0.05);
  });
});

describe('input checks', () => {
  it('rejects malformed input and options', () => {
    const input = grid(1, 2, 5);
    expect(() => spaceTimePermutationScan({ ...input, counts: input.counts.slice(1) })).toThrow('counts must have one row per location (4 locations, 3 rows)');
    const bad = input.counts.map((row) => Array.from(row));
    bad[1]![2] = -1;
    expect(() => prepareScan({ ...input, counts: bad }, { coordinates: 'cartesian' })).toThrow('counts[1][2] must be a non-negative integer, got -1');
    expect(() => prepareScan(input, { maxSpatialShare: 0.7 })).toThrow('maxSpatialShare must be in (0, 0.5], got 0.7');
    expect(() => prepareScan(input, { coordinates: 'latlong' })).not.toThrow();
    expect(() => prepareScan({ ...input, locations: input.locations.map((l) => ({ ...l, y: 95 })) })).toThrow('location 0: not a longitude/latitude: 0, 95');
    expect(() => prepareScan(input, { sizeBy: 'population' })).not.toThrow();
  });

  it('returns no cluster when nothing exceeds expectation', () => {
    const flat: SpaceTimeInput = { locations: [{ id: 'a', x: 0, y: 0 }, { id: 'b', x: 1, y: 0 }], counts: [[1, 1, 1], [1, 1, 1]] };
    const result = spaceTimePermutationScan(flat, { coordinates: 'cartesian', maxSpatialShare: 0.5, replicates: 9 });
    expect(result.mostLikely).toBeNull();
    expect(scanObserved(prepareScan(flat, { coordinates: 'cartesian', maxSpatialShare: 0.5 })).llr.every((x) => x === 0)).toBe(true);
  });
});
