/**
 * The 2000 US standard population (NCHS 11 age groups, total 274,633,642) that NCHS and CDC WONDER
 * age-adjust death rates to (Anderson & Rosenberg, NVSR 47(3), 1998). The table itself is derived
 * and committed in pipeline/reference/ by scripts/derive-standard-population.ts.
 */
import { US_STANDARD_POPULATION_2000, type StandardAgeGroup } from '../../reference/us-standard-population-2000.ts';

export { US_STANDARD_POPULATION_2000, type StandardAgeGroup };

/** A standard population: age-group label → population (any grouping, e.g. the 19 SEER groups). */
export type StandardPopulation = readonly { readonly ageGroup: string; readonly population: number }[];

export const NCHS_AGE_GROUPS: readonly string[] = US_STANDARD_POPULATION_2000.map((g) => g.ageGroup);

/** The NCHS age group of an age in completed years ('<1' … '85+'). */
export function nchsAgeGroupOf(age: number): string {
  if (!Number.isInteger(age) || age < 0) throw new RangeError(`invalid age: ${age}`);
  const group = US_STANDARD_POPULATION_2000.find((g) => age >= g.ageMin && (g.ageMax === null || age <= g.ageMax));
  return group!.ageGroup; // the groups cover 0 … ∞ without gaps
}

/**
 * Weights w_i = std_i / Σ std over the age groups given, in their order (NCHS: the weights of the
 * age groups present, so a rate for ages 15+ is adjusted to the 15+ part of the standard).
 */
export function standardWeights(ageGroups: readonly string[], standard: StandardPopulation = US_STANDARD_POPULATION_2000): number[] {
  const byGroup = new Map(standard.map((g) => [g.ageGroup, g.population]));
  const seen = new Set<string>();
  const populations = ageGroups.map((group) => {
    const population = byGroup.get(group);
    if (population === undefined) throw new RangeError(`age group not in the standard population: ${group}`);
    if (seen.has(group)) throw new RangeError(`age group given twice: ${group}`);
    seen.add(group);
    return population;
  });
  const total = populations.reduce((sum, p) => sum + p, 0);
  if (!(total > 0)) throw new RangeError('standard population of the age groups given is 0');
  return populations.map((p) => p / total);
}

/**
 * The 2000 standard with the first two NCHS groups merged into '0-4', for age-specific populations
 * that do not split the first five years (the Census county files give 0-4 only). Age-adjusting with
 * ten groups instead of eleven changes a rate only through deaths under 5, weighted together.
 */
export const US_STANDARD_POPULATION_2000_UNDER_5: StandardPopulation = [
  { ageGroup: '0-4', population: US_STANDARD_POPULATION_2000[0]!.population + US_STANDARD_POPULATION_2000[1]!.population },
  ...US_STANDARD_POPULATION_2000.slice(2).map((g) => ({ ageGroup: g.ageGroup, population: g.population })),
];
