/**
 * Monte Carlo replicates of the space-time permutation scan: permute the days across the cases
 * (both marginals kept) and find each replicate's largest log likelihood ratio. This is where the
 * time goes (R × every cylinder), so the loops work on flat typed arrays and skip, exactly, every
 * cylinder that cannot reach the ratios a p-value is wanted for:
 *
 * - a circle grown by a location with no case in window d keeps c and gains μ, so its ratio
 *   cannot rise: only windows where the added location has cases are looked at;
 * - a cylinder is evaluated only if c reaches a threshold from the log-free bound
 *   LLR ≤ (c − μ)² C / (μ (C − μ)) (see likelihood.ts).
 *
 * With a fixed floor (the smallest LLR of the reported clusters, at least 2) the thresholds are the
 * same in every replicate: they are computed once, as integers, and two windows' counts and
 * thresholds share one 32-bit word, so one add and one mask test cover two windows (SWAR). With a
 * lower floor, or 32,768 or more cases in the window, a plain loop raises its threshold to the best
 * ratio found so far.
 */
import { likelihoodRatioBound, logLikelihoodRatio } from './likelihood.ts';
import { replicateRandom } from './prng.ts';
import { simdAvailable, simdMaxima } from './simd-maxima.ts';
import type { PreparedScan } from './space-time-permutation.ts';

export interface ReplicateScratch {
  swaps: Int32Array;
  locations: Int32Array;
  byAge: Int32Array;
  firstAge: Int32Array;
}

export function replicateScratch(prep: PreparedScan): ReplicateScratch {
  const n = prep.locationIds.length;
  return {
    swaps: new Int32Array(prep.casesInWindow),
    locations: Int32Array.from(prep.caseLocation),
    byAge: new Int32Array(n * prep.window),
    firstAge: new Int32Array(n),
  };
}

/**
 * Counts by location and age in the window for replicate `replicate`. Permuting the days of the C
 * cases is the same as drawing, without replacement, which cases receive the window's dates (a
 * partial Fisher-Yates shuffle of the case locations, undone afterwards) and pairing them with
 * those dates. Returns cumulative counts as PreparedScan.observedByAge has them (byAge[s·W + d] =
 * cases at s in the last d + 1 days); firstAge[s] is the youngest age at s, W when s has none.
 */
export function replicateCounts(
  prep: PreparedScan,
  seed: number,
  replicate: number,
  scratch: ReplicateScratch = replicateScratch(prep),
): { byAge: Int32Array; firstAge: Int32Array } {
  const W = prep.window;
  const C = prep.totalCases;
  const K = prep.casesInWindow;
  const { swaps, locations, byAge, firstAge } = scratch;
  const { recentAge } = prep;
  byAge.fill(0);
  firstAge.fill(W);
  const random = replicateRandom(seed, replicate);
  for (let k = 0; k < K; k++) {
    const j = k + random.nextInt(C - k);
    swaps[k] = j;
    const s = locations[j]!;
    locations[j] = locations[k]!;
    locations[k] = s;
    const age = recentAge[k]!;
    byAge[s * W + age]!++;
    if (age < firstAge[s]!) firstAge[s] = age;
  }
  for (let k = K - 1; k >= 0; k--) {
    const j = swaps[k]!;
    const s = locations[j]!;
    locations[j] = locations[k]!;
    locations[k] = s;
  }
  for (let s = 0; s < firstAge.length; s++) {
    if (firstAge[s] === W) continue;
    for (let d = firstAge[s]! + 1; d < W; d++) byAge[s * W + d]! += byAge[s * W + d - 1]!;
  }
  return { byAge, firstAge };
}

/**
 * The scan statistic (largest log likelihood ratio) of replicates from … to − 1. A replicate whose
 * maximum is below `floor` may be reported as any value below it: pass the smallest ratio a
 * p-value is wanted for, or 0 for exact maxima. The values do not depend on how [from, to) is split.
 */
export function replicateMaxima(prep: PreparedScan, seed: number, from: number, to: number, floor = 0): Float64Array {
  if (!(to >= from)) throw new RangeError(`replicate range ${from} … ${to} is empty or reversed`);
  if (floor === Infinity) return new Float64Array(to - from);
  // Below a floor of 2 a fixed threshold lets too many cylinders through; the plain loop's rising one is faster.
  const packable = floor >= 2 && prep.casesInWindow < 0x8000 && prep.circleCases.every((c) => c <= MAX_TABLE_CIRCLE);
  if (!packable) return plainMaxima(prep, seed, from, to, floor);
  return simdAvailable() ? simdMaxima(prep, seed, from, to, floor) : packedMaxima(prep, seed, from, to, floor);
}

/** Slightly below 1: keeps the threshold tests on the safe side of rounding. */
const SLACK = 1 - 1e-9;

/** The plain loop: one window at a time, the threshold raised to the best ratio found so far. */
export function plainMaxima(prep: PreparedScan, seed: number, from: number, to: number, floor: number): Float64Array {
  const n = prep.locationIds.length;
  const W = prep.window;
  const C = prep.totalCases;
  const { circleStart, circleNeighbours, circleCases, windowShare, minCases } = prep;
  const maxima = new Float64Array(to - from);
  const scratch = replicateScratch(prep);
  const inside = new Float64Array(W);
  const halfC = 0.5 * C;
  for (let r = from; r < to; r++) {
    const { byAge, firstAge } = replicateCounts(prep, seed, r, scratch);
    let best = 0;
    let threshold = floor * SLACK;
    for (let i = 0; i < n; i++) {
      const end = circleStart[i + 1]!;
      inside.fill(0);
      for (let k = circleStart[i]!; k < end; k++) {
        const s = circleNeighbours[k]!;
        const first = firstAge[s]!;
        if (first === W) continue;
        const base = s * W;
        const circle = circleCases[k]!;
        for (let d = first; d < W; d++) {
          const c = (inside[d]! += byAge[base + d]!);
          const mu = circle * windowShare[d]!;
          const excess = c - mu;
          // One test that is almost always false: the bound is below the threshold (or c ≤ μ).
          if (excess * Math.abs(excess) * C < threshold * mu * (C - mu)) continue;
          if (c < minCases || c <= mu || mu >= halfC) continue;
          const llr = logLikelihoodRatio(c, mu, C);
          if (llr >= best) {
            best = llr;
            if (llr * SLACK > threshold) threshold = llr * SLACK;
          }
        }
      }
    }
    maxima[r - from] = best;
  }
  return maxima;
}

const NEVER = 0x8000;
/** Largest circle (in cases) the threshold ladder serves: its lookup by P is one Uint16 per P (8 MiB here). */
const MAX_TABLE_CIRCLE = 1 << 22;
export const GUARDS = 0x80008000 | 0;

/**
 * Smallest count c whose bound reaches `least` for expected μ, also c > μ and c ≥ minCases;
 * NEVER where no count can (μ ≥ C/2, or beyond 15 bits).
 */
function thresholdCount(mu: number, total: number, least: number, minCases: number): number {
  if (mu >= 0.5 * total) return NEVER;
  let c = Math.max(minCases, Math.floor(mu) + 1, Math.ceil(mu + Math.sqrt((least * mu * (total - mu)) / total)) - 1);
  while (c < NEVER && likelihoodRatioBound(c, mu, total) < least) c++; // the ceil above may be one short after rounding
  return Math.min(c, NEVER);
}

/**
 * Thresholds depend on the cylinder only through μ = P · windowShare[d], P being the circle's total
 * cases (an integer), and grow with P. So they are tabulated once per floor for a ladder of P values
 * (every P up to 256, then steps of at most 1/256: ~1,400 rows for 25,000 cases, small enough to
 * stay in cache), each cylinder using the row of the largest ladder value ≤ its P. A lower P gives
 * a lower threshold: more cylinders evaluated, none missed. A row holds, per pair of windows
 * (2j, 2j + 1), the word (0x8000 − t_low) | (0x8000 − t_high) << 16: adding it to the packed counts
 * sets bit 15 or 31 exactly when a count reaches its threshold.
 */
export function packedThresholds(prep: PreparedScan, floor: number): { words: Int32Array; rowOfCylinder: Uint16Array } {
  const W = prep.window;
  const J = (W + 1) >> 1;
  const C = prep.totalCases;
  const least = floor * SLACK;
  const { windowShare, minCases, circleCases } = prep;
  const largest = circleCases.reduce((a, b) => Math.max(a, b), 0);
  const ladder: number[] = [];
  const rowOf = new Uint16Array(largest + 1);
  for (let P = 0; P <= largest; P++) {
    if (ladder.length === 0 || P >= ladder[ladder.length - 1]! * (1 + 1 / 256)) ladder.push(P);
    rowOf[P] = ladder.length - 1;
  }
  const words = new Int32Array(ladder.length * J);
  ladder.forEach((P, row) => {
    for (let j = 0; j < J; j++) {
      const low = thresholdCount(P * windowShare[2 * j]!, C, least, minCases);
      const high = 2 * j + 1 < W ? thresholdCount(P * windowShare[2 * j + 1]!, C, least, minCases) : NEVER;
      words[row * J + j] = (NEVER - low) | ((NEVER - high) << 16);
    }
  });
  const rowOfCylinder = new Uint16Array(circleCases.length);
  for (let k = 0; k < circleCases.length; k++) rowOfCylinder[k] = rowOf[circleCases[k]!]!;
  return { words, rowOfCylinder };
}

/** A count of the pair reached its threshold: the exact ratios of both windows (kept out of the hot loop). */
export function evaluatePair(prep: PreparedScan, packed: number, circle: number, j: number): number {
  const C = prep.totalCases;
  let best = 0;
  for (let d = 2 * j; d < 2 * j + 2 && d < prep.window; d++) {
    const c = d & 1 ? packed >>> 16 : packed & 0xffff;
    const mu = circle * prep.windowShare[d]!;
    if (c < prep.minCases || c <= mu || mu >= 0.5 * C) continue;
    best = Math.max(best, logLikelihoodRatio(c, mu, C));
  }
  return best;
}

/**
 * A replicate's cumulative counts as packed words: rows[s · stride + j] holds windows 2j and
 * 2j + 1 of location s, from its first pair with a case on (firstPair[s], J when none); the words
 * before it are left as they are (callers that read them keep them 0).
 */
export function packCounts({ byAge, firstAge }: { byAge: Int32Array; firstAge: Int32Array }, W: number, rows: Int32Array, stride: number, firstPair: Int32Array): void {
  const J = (W + 1) >> 1;
  for (let s = 0; s < firstPair.length; s++) {
    firstPair[s] = firstAge[s] === W ? J : firstAge[s]! >> 1;
    for (let j = firstPair[s]!; j < J; j++) {
      const high = 2 * j + 1 < W ? byAge[s * W + 2 * j + 1]! : 0;
      rows[s * stride + j] = byAge[s * W + 2 * j]! | (high << 16);
    }
  }
}

/** The SWAR loop: fixed thresholds for `floor`, two windows per word. Needs casesInWindow < 0x8000. */
export function packedMaxima(prep: PreparedScan, seed: number, from: number, to: number, floor: number): Float64Array {
  const n = prep.locationIds.length;
  const W = prep.window;
  const J = (W + 1) >> 1;
  const C = prep.totalCases;
  const { circleStart, circleNeighbours, circleCases, windowShare } = prep;
  const { words: thresholds, rowOfCylinder } = packedThresholds(prep, floor);
  const thresholdOffset = new Int32Array(rowOfCylinder.length);
  for (let k = 0; k < rowOfCylinder.length; k++) thresholdOffset[k] = rowOfCylinder[k]! * J;
  const maxima = new Float64Array(to - from);
  const scratch = replicateScratch(prep);
  const rows = new Int32Array(n * J);
  const firstPair = new Int32Array(n);
  const inside = new Int32Array(J);
  for (let r = from; r < to; r++) {
    packCounts(replicateCounts(prep, seed, r, scratch), W, rows, J, firstPair);
    let best = 0;
    for (let i = 0; i < n; i++) {
      const end = circleStart[i + 1]!;
      inside.fill(0);
      for (let k = circleStart[i]!; k < end; k++) {
        const s = circleNeighbours[k]!;
        const first = firstPair[s]!;
        if (first === J) continue;
        for (let j = first, row = s * J + first, word = thresholdOffset[k]! + first; j < J; j++, row++, word++) {
          const packed = (inside[j]! + rows[row]!) | 0;
          inside[j] = packed;
          if (((packed + thresholds[word]!) & GUARDS) !== 0) best = Math.max(best, evaluatePair(prep, packed, circleCases[k]!, j));
        }
      }
    }
    maxima[r - from] = best;
  }
  return maxima;
}
