/**
 * Prospective space-time permutation scan statistic (Kulldorff, Heffernan, Hartman, Assunção &
 * Mostashari, "A space-time permutation scan statistic for disease outbreak detection", PLoS
 * Medicine 2005;2(3):e59), as SaTScan runs it in prospective mode. See README.md in this folder for
 * the method, the defaults and where this differs from SaTScan.
 *
 *   C = total cases, C_s = cases at location s, C_t = cases on day t, μ_st = C_s · C_t / C.
 *   Cylinder: a circle of nearest locations (≤ maxSpatialShare of the cases or population) × the
 *   last d days, d = 1 … maxWindowDays. c = observed, μ = Σ μ_st = (Σ_s C_s) · (Σ_t C_t) / C.
 *   GLR = (c/μ)^c ((C−c)/(C−μ))^(C−c) for c > μ; the statistic is the largest log GLR.
 *   p = rank among R replicates in which the days are permuted across the cases (C_s and C_t kept).
 *
 * Pure and deterministic: the same input and seed give the same result, however the replicates
 * are split (replicateMaxima over any ranges, concatenated, equals one call over all).
 */
import { buildCircles, type CoordinateSystem } from './circles.ts';
import { logLikelihoodRatio } from './likelihood.ts';
import { replicateMaxima } from './replicates.ts';

export { logLikelihoodRatio };
export { replicateCounts, replicateMaxima } from './replicates.ts';

export interface ScanLocation {
  id: string;
  /** Longitude (degrees) for 'latlong', x otherwise. */
  x: number;
  /** Latitude (degrees) for 'latlong', y otherwise. */
  y: number;
  /** Needed only with sizeBy: 'population'. */
  population?: number;
}

export interface SpaceTimeInput {
  locations: readonly ScanLocation[];
  /** counts[s][t]: cases at location s on day t; every row has the same length; the last day is the analysis day. */
  counts: readonly ArrayLike<number>[];
  /** ISO date of day 0, to label clusters with dates (optional). */
  firstDate?: string;
}

export interface SpaceTimeOptions {
  /** Largest circle as a share of all cases (or of the population); default 0.1 (ALERTS.md; SaTScan's default is 0.5). */
  maxSpatialShare?: number;
  /** What the share is of: 'cases' (SaTScan's space-time permutation default) or 'population'. */
  sizeBy?: 'cases' | 'population';
  /** Longest window, days ending on the last day; default 30. */
  maxWindowDays?: number;
  /** Smallest cluster reported: SaTScan's MinimumCasesInHighRateClusters, default 2. */
  minCases?: number;
  /** Monte Carlo replicates R; default 999. */
  replicates?: number;
  /** PRNG seed; default 1. */
  seed?: number;
  /** 'latlong' (x = longitude, y = latitude, great-circle distance) or 'cartesian'; default 'latlong'. */
  coordinates?: CoordinateSystem;
  /** For the recurrence interval 1/(p × analysesPerYear); default 365 (a daily analysis). */
  analysesPerYear?: number;
  /** Clusters reported: the most likely and secondary ones without geographical overlap; default 10. */
  maxClusters?: number;
}

/** Everything a replicate needs, as typed arrays and numbers (structured-cloneable, for workers). */
export interface PreparedScan {
  locationIds: string[];
  days: number;
  /** Longest window W (≤ days). */
  window: number;
  totalCases: number;
  casesInWindow: number;
  minCases: number;
  firstDate: string | null;
  coordinates: CoordinateSystem;
  /** Location of each case, grouped by location (length C). */
  caseLocation: Int32Array;
  /** Age (0 = the last day) of each case dated in the window, youngest first (length casesInWindow). */
  recentAge: Int32Array;
  /** C_s. */
  locationCases: Float64Array;
  /** windowShare[d] = (cases in the last d + 1 days) / C, so μ = circleCases · windowShare[d]. */
  windowShare: Float64Array;
  /** observedByAge[s·W + d] = observed cases at s in the last d + 1 days. */
  observedByAge: Int32Array;
  circleStart: Int32Array;
  circleNeighbours: Int32Array;
  circleRadius: Float64Array;
  /** Σ C_s over the circle up to and including each neighbour. */
  circleCases: Float64Array;
}

export interface SpaceTimeCluster {
  centre: string;
  /** Nearest first. */
  locations: string[];
  /** Distance to the farthest location of the circle (km for 'latlong'). */
  radius: number;
  windowDays: number;
  startDay: number;
  endDay: number;
  startDate: string | null;
  endDate: string | null;
  observed: number;
  expected: number;
  observedOverExpected: number;
  llr: number;
  p: number;
  recurrenceIntervalYears: number;
}

export interface SpaceTimeScanResult {
  mostLikely: SpaceTimeCluster | null;
  secondary: SpaceTimeCluster[];
  totalCases: number;
  casesInWindow: number;
  locations: number;
  days: number;
  /** Cylinders scanned (circles × windows). */
  cylinders: number;
  replicates: number;
  seed: number;
}

function resolve(options: SpaceTimeOptions) {
  const resolved = {
    maxSpatialShare: options.maxSpatialShare ?? 0.1,
    sizeBy: options.sizeBy ?? 'cases',
    maxWindowDays: options.maxWindowDays ?? 30,
    minCases: options.minCases ?? 2,
    replicates: options.replicates ?? 999,
    seed: options.seed ?? 1,
    coordinates: options.coordinates ?? 'latlong',
    analysesPerYear: options.analysesPerYear ?? 365,
    maxClusters: options.maxClusters ?? 10,
  } as const;
  if (!(resolved.maxSpatialShare > 0 && resolved.maxSpatialShare <= 0.5)) throw new RangeError(`maxSpatialShare must be in (0, 0.5], got ${resolved.maxSpatialShare}`);
  for (const key of ['maxWindowDays', 'minCases', 'replicates', 'maxClusters'] as const) {
    const value = resolved[key];
    const least = key === 'replicates' || key === 'minCases' ? 0 : 1;
    if (!Number.isInteger(value) || value < least) throw new RangeError(`${key} must be an integer ≥ ${least}, got ${value}`);
  }
  if (!Number.isInteger(resolved.seed)) throw new RangeError(`seed must be an integer, got ${resolved.seed}`);
  if (!(resolved.analysesPerYear > 0)) throw new RangeError(`analysesPerYear must be positive, got ${resolved.analysesPerYear}`);
  return resolved;
}

/** Validates the input and builds the circles and the marginals, once per analysis. */
export function prepareScan(input: SpaceTimeInput, options: SpaceTimeOptions = {}): PreparedScan {
  const o = resolve(options);
  const { locations, counts } = input;
  const n = locations.length;
  if (n === 0 || counts.length !== n) throw new RangeError(`counts must have one row per location (${n} locations, ${counts.length} rows)`);
  const days = counts[0]!.length;
  if (days === 0) throw new RangeError('counts have no days');
  const W = Math.min(o.maxWindowDays, days);
  const locationCases = new Float64Array(n);
  const dayCases = new Float64Array(days);
  const observedByAge = new Int32Array(n * W);
  for (let s = 0; s < n; s++) {
    const row = counts[s]!;
    if (row.length !== days) throw new RangeError(`counts row ${s} has ${row.length} days, row 0 has ${days}`);
    for (let t = 0; t < days; t++) {
      const v = row[t]!;
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`counts[${s}][${t}] must be a non-negative integer, got ${v}`);
      locationCases[s]! += v;
      dayCases[t]! += v;
      const age = days - 1 - t;
      if (age < W) observedByAge[s * W + age] = v;
    }
    for (let d = 1; d < W; d++) observedByAge[s * W + d]! += observedByAge[s * W + d - 1]!;
  }
  const totalCases = locationCases.reduce((a, b) => a + b, 0);
  if (totalCases > 2 ** 31 - 1) throw new RangeError(`too many cases: ${totalCases}`);
  const caseLocation = new Int32Array(totalCases);
  for (let s = 0, k = 0; s < n; s++) caseLocation.fill(s, k, (k += locationCases[s]!));
  const windowShare = new Float64Array(W);
  let cumulative = 0;
  const ages: number[] = [];
  for (let d = 0; d < W; d++) {
    const onDay = dayCases[days - 1 - d]!;
    for (let k = 0; k < onDay; k++) ages.push(d);
    cumulative += onDay;
    windowShare[d] = totalCases > 0 ? cumulative / totalCases : 0;
  }

  const size = o.sizeBy === 'population' ? locations.map((l, i) => {
    if (!(l.population !== undefined && l.population >= 0)) throw new RangeError(`location ${i} (${l.id}) has no population`);
    return l.population;
  }) : Array.from(locationCases);
  const totalSize = size.reduce((a, b) => a + b, 0);
  const circles = buildCircles(locations.map((l) => l.x), locations.map((l) => l.y), size, o.maxSpatialShare * totalSize, o.coordinates);
  const circleCases = new Float64Array(circles.neighbours.length);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = circles.start[i]!; k < circles.start[i + 1]!; k++) circleCases[k] = sum += locationCases[circles.neighbours[k]!]!;
  }
  return {
    locationIds: locations.map((l) => l.id),
    days,
    window: W,
    totalCases,
    casesInWindow: ages.length,
    minCases: o.minCases,
    firstDate: input.firstDate ?? null,
    coordinates: o.coordinates,
    caseLocation,
    recentAge: Int32Array.from(ages),
    locationCases,
    windowShare,
    observedByAge,
    circleStart: circles.start,
    circleNeighbours: circles.neighbours,
    circleRadius: circles.radius,
    circleCases,
  };
}

/** The best cylinder of each centre in the observed data (llr 0 when none has c > μ). */
export interface CentreBest {
  llr: Float64Array;
  /** Index into circleNeighbours of the circle's farthest location. */
  last: Int32Array;
  /** Window length − 1. */
  window: Int32Array;
  cylinders: number;
}

/** Scans every cylinder of the observed data (no pruning), keeping each centre's best. */
export function scanObserved(prep: PreparedScan): CentreBest {
  const n = prep.locationIds.length;
  const W = prep.window;
  const C = prep.totalCases;
  const { circleStart, circleNeighbours, circleCases, windowShare, observedByAge, minCases } = prep;
  const best: CentreBest = { llr: new Float64Array(n), last: new Int32Array(n).fill(-1), window: new Int32Array(n).fill(-1), cylinders: 0 };
  const inside = new Float64Array(W);
  const halfC = 0.5 * C;
  for (let i = 0; i < n; i++) {
    inside.fill(0);
    for (let k = circleStart[i]!; k < circleStart[i + 1]!; k++) {
      const base = circleNeighbours[k]! * W;
      const circle = circleCases[k]!;
      for (let d = 0; d < W; d++) {
        const c = (inside[d]! += observedByAge[base + d]!);
        const mu = circle * windowShare[d]!;
        if (c < minCases || !(c > mu) || mu >= halfC) continue;
        const llr = logLikelihoodRatio(c, mu, C);
        if (llr > best.llr[i]!) {
          best.llr[i] = llr;
          best.last[i] = k;
          best.window[i] = d;
        }
      }
    }
    best.cylinders += (circleStart[i + 1]! - circleStart[i]!) * W;
  }
  return best;
}

/** Each centre's best cylinder, most likely first, keeping those sharing no location with one kept before (SaTScan's default "no geographical overlap"). */
export function selectClusters(prep: PreparedScan, best: CentreBest, maxClusters: number): number[] {
  const n = prep.locationIds.length;
  const centres = Array.from({ length: n }, (_, i) => i).filter((i) => best.llr[i]! > 0);
  centres.sort((a, b) => best.llr[b]! - best.llr[a]! || a - b);
  const used = new Uint8Array(n);
  const chosen: number[] = [];
  for (const i of centres) {
    if (chosen.length >= maxClusters) break;
    const members = prep.circleNeighbours.subarray(prep.circleStart[i]!, best.last[i]! + 1);
    if (members.some((s) => used[s] === 1)) continue;
    for (const s of members) used[s] = 1;
    chosen.push(i);
  }
  return chosen;
}

function addDays(iso: string, days: number): string {
  const time = Date.parse(`${iso}T00:00:00Z`);
  if (Number.isNaN(time)) throw new RangeError(`firstDate is not a date: ${iso}`);
  return new Date(time + days * 86_400_000).toISOString().slice(0, 10);
}

/** Turns the observed bests and the replicate maxima into reported clusters with p-values. */
export function summarizeScan(
  prep: PreparedScan,
  best: CentreBest,
  chosen: readonly number[],
  maxima: Float64Array,
  options: SpaceTimeOptions = {},
): SpaceTimeScanResult {
  const o = resolve(options);
  const R = maxima.length;
  const clusters = chosen.map((i): SpaceTimeCluster => {
    const first = prep.circleStart[i]!;
    const last = best.last[i]!;
    const d = best.window[i]!;
    const members = Array.from(prep.circleNeighbours.subarray(first, last + 1));
    const observed = members.reduce((sum, s) => sum + prep.observedByAge[s * prep.window + d]!, 0);
    const expected = prep.circleCases[last]! * prep.windowShare[d]!;
    const llr = best.llr[i]!;
    let exceeding = 0;
    for (let r = 0; r < R; r++) if (maxima[r]! >= llr) exceeding++;
    const p = (exceeding + 1) / (R + 1);
    const startDay = prep.days - 1 - d;
    return {
      centre: prep.locationIds[i]!,
      locations: members.map((s) => prep.locationIds[s]!),
      radius: prep.circleRadius[last]!,
      windowDays: d + 1,
      startDay,
      endDay: prep.days - 1,
      startDate: prep.firstDate === null ? null : addDays(prep.firstDate, startDay),
      endDate: prep.firstDate === null ? null : addDays(prep.firstDate, prep.days - 1),
      observed,
      expected,
      observedOverExpected: observed / expected,
      llr,
      p,
      recurrenceIntervalYears: 1 / (p * o.analysesPerYear),
    };
  });
  return {
    mostLikely: clusters[0] ?? null,
    secondary: clusters.slice(1),
    totalCases: prep.totalCases,
    casesInWindow: prep.casesInWindow,
    locations: prep.locationIds.length,
    days: prep.days,
    cylinders: best.cylinders,
    replicates: R,
    seed: o.seed,
  };
}

/** The whole analysis on one thread: prepare, scan the observed data, R replicates, clusters. */
export function spaceTimePermutationScan(input: SpaceTimeInput, options: SpaceTimeOptions = {}): SpaceTimeScanResult {
  const o = resolve(options);
  const prep = prepareScan(input, options);
  const best = scanObserved(prep);
  const chosen = selectClusters(prep, best, o.maxClusters);
  const floor = chosen.length === 0 ? Infinity : Math.min(...chosen.map((i) => best.llr[i]!));
  const maxima = replicateMaxima(prep, o.seed, 0, o.replicates, floor);
  return summarizeScan(prep, best, chosen, maxima, options);
}
