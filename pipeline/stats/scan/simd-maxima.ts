/**
 * packedMaxima (replicates.ts) with its innermost loop in WebAssembly SIMD (cylinders.wat): the
 * same packed counts and thresholds, four words (eight windows) per add and test. The module only
 * finds the candidate cylinders; their exact ratios are computed here with the JavaScript code the
 * packed loop uses, and a lane counts only where that loop would have looked (pairs from the added
 * location's first case on), so the maxima are the packed loop's, bit for bit.
 */
import fs from 'node:fs';
import { evaluatePair, GUARDS, packCounts, packedMaxima, packedThresholds, replicateCounts, replicateScratch } from './replicates.ts';
import type { PreparedScan } from './space-time-permutation.ts';

/** Candidates one replicate may have before it is redone by the JavaScript loop. */
const HIT_CAPACITY = 1 << 16;
const LANES = 4;

interface CylinderScan {
  scan(n: number, neighbours: number, thresholdAt: number, start: number, firstVector: number, rows: number, thresholds: number, inside: number, V: number, hits: number, capacity: number): number;
}

let compiled: WebAssembly.Module | null = null;
function cylinderModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(fs.readFileSync(new URL('./cylinders.wasm', import.meta.url))));
}

/** Whether this runtime has WebAssembly SIMD (Node 16.4 and later do). */
export function simdAvailable(): boolean {
  try {
    cylinderModule();
    return true;
  } catch {
    return false;
  }
}

/** Lays out int32 arrays one after another in one memory, each 16-byte aligned; returns their byte offsets. */
function layout(lengths: Record<string, number>): { offsets: Record<string, number>; bytes: number } {
  const offsets: Record<string, number> = {};
  let at = 0;
  for (const [name, length] of Object.entries(lengths)) {
    offsets[name] = at;
    at += Math.ceil((length * 4) / 16) * 16;
  }
  return { offsets, bytes: at };
}

/** The statistic of replicates from … to − 1, as packedMaxima gives it (same floor rule). */
/** @param hitCapacity candidates a replicate may have before the JavaScript loop redoes it (tests make it small). */
export function simdMaxima(prep: PreparedScan, seed: number, from: number, to: number, floor: number, hitCapacity = HIT_CAPACITY): Float64Array {
  const n = prep.locationIds.length;
  const W = prep.window;
  const J = (W + 1) >> 1;
  const V = Math.ceil(J / LANES);
  const stride = V * LANES;
  const { circleStart, circleNeighbours, circleCases } = prep;
  const cylinders = circleNeighbours.length;
  const { words, rowOfCylinder } = packedThresholds(prep, floor);
  const thresholdRows = words.length / J;

  const { offsets, bytes } = layout({
    neighbours: cylinders,
    thresholdAt: cylinders,
    start: n + 1,
    firstVector: n,
    rows: n * stride,
    thresholds: thresholdRows * stride,
    inside: stride,
    hits: hitCapacity * 6,
  });
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  const { scan } = new WebAssembly.Instance(cylinderModule(), { env: { memory } }).exports as unknown as CylinderScan;
  const view = (name: string, length: number) => new Int32Array(memory.buffer, offsets[name]!, length);
  view('neighbours', cylinders).set(circleNeighbours);
  view('start', n + 1).set(circleStart);
  const thresholdAt = view('thresholdAt', cylinders);
  for (let k = 0; k < cylinders; k++) thresholdAt[k] = rowOfCylinder[k]! * stride * 4;
  // Threshold rows padded to whole vectors with 0: a padding lane's counts are 0, so it never fires.
  const thresholds = view('thresholds', thresholdRows * stride);
  for (let row = 0; row < thresholdRows; row++) thresholds.set(words.subarray(row * J, row * J + J), row * stride);
  const firstVector = view('firstVector', n);
  const rows = view('rows', n * stride);
  const hits = view('hits', hitCapacity * 6);

  const maxima = new Float64Array(to - from);
  const scratch = replicateScratch(prep);
  const firstPair = new Int32Array(n);
  for (let r = from; r < to; r++) {
    // Packed counts of every location, whole vectors: pairs before its first case are 0.
    rows.fill(0);
    packCounts(replicateCounts(prep, seed, r, scratch), W, rows, stride, firstPair);
    for (let s = 0; s < n; s++) firstVector[s] = firstPair[s] === J ? V : Math.floor(firstPair[s]! / LANES);
    const found = scan(n, offsets.neighbours!, offsets.thresholdAt!, offsets.start!, offsets.firstVector!, offsets.rows!, offsets.thresholds!, offsets.inside!, V, offsets.hits!, hitCapacity);
    if (found < 0) {
      maxima[r - from] = packedMaxima(prep, seed, r, r + 1, floor)[0]!;
      continue;
    }
    let best = 0;
    for (let h = 0; h < found; h++) {
      const k = hits[h * 6]!;
      const vector = hits[h * 6 + 1]!;
      const first = firstPair[circleNeighbours[k]!]!;
      const row = rowOfCylinder[k]! * J;
      for (let lane = 0; lane < LANES; lane++) {
        const j = vector * LANES + lane;
        if (j < first || j >= J) continue;
        const packed = hits[h * 6 + 2 + lane]!;
        if (((packed + words[row + j]!) & GUARDS) !== 0) best = Math.max(best, evaluatePair(prep, packed, circleCases[k]!, j));
      }
    }
    maxima[r - from] = best;
  }
  return maxima;
}
