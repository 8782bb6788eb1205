/**
 * The scan as the detect job runs it (pipeline/stats/scan/parallel.ts): replicates split over
 * worker threads give exactly the single-thread result, and stopping early once no cluster can
 * reach p ≤ 0.05 never changes which clusters a complete run would report. County centroids
 * cover every county in the population table.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { countyCentroids } from '../pipeline/stats/scan/county-centroids.ts';
import { ScanRunner } from '../pipeline/stats/scan/parallel.ts';
import { xoshiro128StarStar } from '../pipeline/stats/scan/prng.ts';
import { spaceTimePermutationScan, type SpaceTimeInput } from '../pipeline/stats/scan/space-time-permutation.ts';
import { COUNTY_POPULATION_FILE } from '../pipeline/store/reference-data.ts';

/** A side × side grid, `days` days of Poisson counts; optionally an outbreak at the corner over the last 5 days. */
function grid(seed: number, side: number, days: number, outbreak: number): SpaceTimeInput {
  const random = xoshiro128StarStar(seed);
  const poisson = (lambda: number) => {
    let k = 0;
    for (let p = random.nextDouble(); p > Math.exp(-lambda); p *= random.nextDouble()) k++;
    return k;
  };
  const locations = Array.from({ length: side * side }, (_, i) => ({ id: String(i), x: i % side, y: Math.floor(i / side) }));
  const counts = locations.map((l) => Int32Array.from({ length: days }, (_, t) => poisson(0.4) + (l.x < 2 && l.y < 2 && t >= days - 5 ? outbreak : 0)));
  return { locations, counts, firstDate: '2024-01-01' };
}

const runners: ScanRunner[] = [];
afterAll(async () => {
  for (const runner of runners) await runner.close();
});
const runner = (threads: number) => {
  const r = new ScanRunner(threads, 0); // always on the workers when there are any
  runners.push(r);
  return r;
};

describe('the scan on worker threads', () => {
  it('gives exactly the single-thread result', async () => {
    const input = grid(3, 12, 90, 3);
    const options = { coordinates: 'cartesian' as const, replicates: 199, seed: 9 };
    const alone = spaceTimePermutationScan(input, options);
    const outcome = await runner(2).scan(input, options);
    expect(outcome).toMatchObject({ complete: true, replicatesRun: 199 });
    expect(outcome.result).toEqual(alone);
    // The 2 × 2 corner of the outbreak, perhaps with a neighbour.
    expect(alone.mostLikely!.locations).toEqual(expect.arrayContaining(['0', '1', '12', '13']));
    expect(alone.mostLikely!.locations.length).toBeLessThanOrEqual(6);
    expect(alone.mostLikely!.p).toBe(0.005);
  });

  it('stops early only when a full run would report nothing at p ≤ 0.05', async () => {
    const options = { coordinates: 'cartesian' as const, replicates: 999, seed: 4 };
    let stopped = 0;
    for (const [seed, outbreak] of [[1, 0], [2, 0], [3, 2], [5, 0], [6, 0]] as const) {
      const input = grid(seed, 8, 70, outbreak);
      const full = spaceTimePermutationScan(input, options);
      const outcome = await runner(2).scan(input, options, 0.05);
      const significant = [full.mostLikely, ...full.secondary].filter((c) => c !== null && c.p <= 0.05);
      if (outcome.complete) {
        expect(outcome.result).toEqual(full);
      } else {
        expect(outcome.replicatesRun).toBe(100);
        expect(significant, `seed ${seed}`).toEqual([]);
        stopped++;
      }
      if (outbreak > 0) expect(outcome.complete).toBe(true);
    }
    expect(stopped).toBeGreaterThan(0);
  }, 120_000);
});

describe('county centroids', () => {
  it('place every county of the population table, Connecticut\'s planning regions and Alaska\'s 2019 split included', () => {
    const centroids = countyCentroids();
    const fips = new Set(fs.readFileSync(COUNTY_POPULATION_FILE, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',')[0]!));
    expect([...fips].filter((f) => !centroids.has(f))).toEqual([]);
    // Hamilton County, Ohio (Cincinnati): about 39.20 N, 84.54 W.
    expect(centroids.get('39061')!.lat).toBeCloseTo(39.2, 1);
    expect(centroids.get('39061')!.lon).toBeCloseTo(-84.54, 1);
    for (const f of fips) {
      expect(centroids.get(f)!.lat, f).toBeGreaterThan(18);
      expect(centroids.get(f)!.lat, f).toBeLessThan(72);
    }
  });
});
