/**
 * The figures of one aggregate cell from its counts and populations: the crude rate per 100,000
 * with its 95% interval, the reliability flag, and the age-adjusted rate where the age-specific
 * populations allow it. The arithmetic is pipeline/stats/rates's; this decides what applies.
 */
import { ageAdjustedRate } from '../rates/age-adjusted.ts';
import { crudeRate } from '../rates/crude-rate.ts';
import { NCHS_AGE_GROUPS, US_STANDARD_POPULATION_2000, US_STANDARD_POPULATION_2000_UNDER_5, type StandardPopulation } from '../rates/standard-population.ts';
import { UNRELIABLE_BELOW } from '../rates/suppression.ts';

export interface RateFigures {
  rate_per_100k: number | null;
  rate_lower: number | null;
  rate_upper: number | null;
}

const NO_RATE: RateFigures = { rate_per_100k: null, rate_lower: null, rate_upper: null };

/** Crude rate and 95% CI (exact Poisson below 100, normal from 100); nulls without a population. */
export function crudeFigures(count: number, population: number | null): RateFigures {
  if (population === null || !(population > 0)) return NO_RATE;
  const estimate = crudeRate(count, population);
  return { rate_per_100k: estimate.rate, rate_lower: estimate.lower, rate_upper: estimate.upper };
}

/** NCHS flags rates from fewer than 20 events as unreliable (0 included). */
export function isUnreliable(count: number): boolean {
  return count < UNRELIABLE_BELOW;
}

export interface AgeAdjustedFigures {
  age_adjusted_rate: number | null;
  age_adjusted_lower: number | null;
  age_adjusted_upper: number | null;
}

export const NO_AGE_ADJUSTMENT: AgeAdjustedFigures = { age_adjusted_rate: null, age_adjusted_lower: null, age_adjusted_upper: null };

const UNDER_5 = new Set(['<1', '1-4']);
const TEN_GROUPS = US_STANDARD_POPULATION_2000_UNDER_5.map((g) => g.ageGroup);

/**
 * Direct age adjustment to the 2000 standard (Fay-Feuer interval below 100 deaths) from deaths by
 * NCHS age group ('unknown' left out, as NCHS does) and the populations of the same age groups.
 * The populations decide the grouping: the 11 NCHS groups, or 10 with '0-4' merged. Returns the
 * reason instead when a group's population is missing or zero.
 */
export function ageAdjustedFigures(deathsByAge: ReadonlyMap<string, number>, populationByAge: ReadonlyMap<string, number>): AgeAdjustedFigures | { reason: string } {
  let groups: readonly string[];
  let standard: StandardPopulation;
  if (NCHS_AGE_GROUPS.every((g) => populationByAge.has(g))) {
    groups = NCHS_AGE_GROUPS;
    standard = US_STANDARD_POPULATION_2000;
  } else if (TEN_GROUPS.every((g) => populationByAge.has(g))) {
    groups = TEN_GROUPS;
    standard = US_STANDARD_POPULATION_2000_UNDER_5;
  } else {
    return { reason: 'no age-specific population for every age group' };
  }
  const deathsIn = (group: string) =>
    group === '0-4' && groups === TEN_GROUPS ? [...UNDER_5].reduce((s, g) => s + (deathsByAge.get(g) ?? 0), 0) + (deathsByAge.get('0-4') ?? 0) : deathsByAge.get(group) ?? 0;
  const strata = groups.map((ageGroup) => ({ ageGroup, deaths: deathsIn(ageGroup), population: populationByAge.get(ageGroup)! }));
  if (strata.some((s) => !(s.population > 0))) return { reason: 'an age group has no population' };
  const estimate = ageAdjustedRate(strata, { standard });
  return { age_adjusted_rate: estimate.rate, age_adjusted_lower: estimate.lower, age_adjusted_upper: estimate.upper };
}

/** A share with a denominator, null when there is nothing to share. */
export function share(part: number | null, whole: number | null): number | null {
  if (part === null || whole === null || whole <= 0) return null;
  return part / whole;
}
