/**
 * Seeded pseudo-random numbers for reproducible Monte Carlo: xoshiro128** 1.0 (Blackman & Vigna,
 * "Scrambled linear pseudorandom number generators", 2018; public-domain reference code at
 * prng.di.unimi.it), its 128-bit state filled by splitmix32. Each Monte Carlo replicate gets its
 * own stream from (seed, replicate), so results do not depend on how replicates are split
 * across workers.
 */

export interface Random {
  /** Next 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform in [0, 1) with 53 random bits. */
  nextDouble(): number;
  /** Uniform integer in [0, n), n ≤ 2^53 (bias below n / 2^53). */
  nextInt(n: number): number;
}

/** splitmix32 (the 32-bit SplitMix variant with the hash-prospector finaliser). */
function splitmix32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let t = state ^ (state >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

export function xoshiro128StarStar(seed: number): Random {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const fill = splitmix32(seed);
  return xoshiro128StarStarFromState([fill(), fill(), fill(), fill()]);
}

/** The generator from an explicit 128-bit state (for the reference test vectors). */
export function xoshiro128StarStarFromState(state: readonly [number, number, number, number]): Random {
  let [s0, s1, s2, s3] = state.map((x) => x | 0) as [number, number, number, number];
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is the one fixed point
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const nextDouble = (): number => ((nextUint32() >>> 5) * 67_108_864 + (nextUint32() >>> 6)) / 9_007_199_254_740_992;
  return { nextUint32, nextDouble, nextInt: (n) => Math.floor(nextDouble() * n) };
}

/** The stream of Monte Carlo replicate `replicate` (0-based) of an analysis seeded `seed`. */
export function replicateRandom(seed: number, replicate: number): Random {
  const mixed = Math.imul(seed ^ 0x85ebca6b, 0x9e3779b1) ^ Math.imul(replicate + 1, 0xc2b2ae35);
  return xoshiro128StarStar(mixed);
}
