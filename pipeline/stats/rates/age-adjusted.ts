/**
 * Age-adjusted death rate by the direct method, as NCHS computes it (Anderson & Rosenberg,
 * "Age Standardization of Death Rates: Implementation of the Year 2000 Standard", NVSR 47(3), 1998;
 * NVSR "Deaths: Final Data" technical notes; CDC WONDER technical notes, "Age-adjusted rates"):
 *
 *   R' = Σ_i w_i · d_i / p_i                       w_i = std_i / Σ std (over the age groups present)
 *   Var(R') = Σ_i w_i² · d_i / p_i²                (deaths Poisson, populations fixed)
 *   95% CI, D = Σ d_i < 100: Fay & Feuer (1997) gamma interval with w_M = max_i w_i / p_i
 *   95% CI, D ≥ 100: R' ± 1.96 · √Var(R')
 *
 * All scaled by `per` (100,000). Deaths of unknown age are left out by the caller, as NCHS does.
 */
import { fayFeuerInterval, NORMAL_APPROXIMATION_MIN_DEATHS, Z_95 } from './confidence.ts';
import { PER_100K, type RateEstimate } from './crude-rate.ts';
import { standardWeights, US_STANDARD_POPULATION_2000, type StandardPopulation } from './standard-population.ts';

export interface AgeStratum {
  /** An age group of the standard population ('<1', '1-4', '5-14', ... '85+' for the default). */
  ageGroup: string;
  deaths: number;
  population: number;
}

export interface AgeAdjustedEstimate extends RateEstimate {
  variance: number;
  standardError: number;
  /** The standard weights used, normalised over the age groups given. */
  weights: { ageGroup: string; weight: number }[];
}

export function ageAdjustedRate(
  strata: readonly AgeStratum[],
  options: { standard?: StandardPopulation; per?: number } = {},
): AgeAdjustedEstimate {
  if (strata.length === 0) throw new RangeError('age-adjusted rate needs at least one age group');
  const per = options.per ?? PER_100K;
  const weights = standardWeights(strata.map((s) => s.ageGroup), options.standard ?? US_STANDARD_POPULATION_2000);
  let rate = 0;
  let variance = 0;
  let wMax = 0;
  let deaths = 0;
  let population = 0;
  strata.forEach((stratum, i) => {
    const { ageGroup, deaths: d, population: p } = stratum;
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`deaths must be a non-negative integer (age group ${ageGroup}), got ${d}`);
    if (!(p > 0)) throw new RangeError(`population must be positive (age group ${ageGroup}), got ${p}`);
    const w = weights[i]!;
    rate += (w * d) / p;
    variance += (w * w * d) / (p * p);
    wMax = Math.max(wMax, w / p);
    deaths += d;
    population += p;
  });
  rate *= per;
  variance *= per * per;
  const standardError = Math.sqrt(variance);
  let lower: number;
  let upper: number;
  let method: 'gamma' | 'normal';
  if (deaths < NORMAL_APPROXIMATION_MIN_DEATHS) {
    ({ lower, upper } = fayFeuerInterval(rate, variance, wMax * per));
    method = 'gamma';
  } else {
    lower = rate - Z_95 * standardError;
    upper = rate + Z_95 * standardError;
    method = 'normal';
  }
  return {
    deaths,
    population,
    per,
    rate,
    lower,
    upper,
    method,
    variance,
    standardError,
    weights: strata.map((s, i) => ({ ageGroup: s.ageGroup, weight: weights[i]! })),
  };
}
