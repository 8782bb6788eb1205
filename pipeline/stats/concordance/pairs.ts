/**
 * Which ED syndrome answers to which death measure: the syndrome's qualifying ICD-10-CM poisoning
 * categories, taken through the one CM → WHO bridge (pipeline/coding/ed/data/cm-death-bridge.tsv),
 * give the WHO multiple-cause codes; the death measure counting those codes is its partner.
 * test/concordance.test.ts re-derives every pair from the built-in definitions and the bridge.
 */

export interface ConcordancePair {
  /** ED syndrome id (pipeline/coding/ed/syndromes/definitions.ts). */
  syndrome: string;
  /** Death measure (death_measures.measure, sql/schema/002_death_measures.sql). */
  deathMeasure: string;
  /** The WHO codes the syndrome's CM categories bridge to that the measure counts ([] = any drug overdose). */
  whoCodes: readonly string[];
}

export const CONCORDANCE_PAIRS: readonly ConcordancePair[] = [
  // T36-T50 poisonings → any drug-overdose underlying cause.
  { syndrome: 'all_drug', deathMeasure: 'all_overdose', whoCodes: [] },
  // T40.0-T40.4x, T40.6x → T40.0-T40.4, T40.6.
  { syndrome: 'opioid', deathMeasure: 'any_opioid', whoCodes: ['T40.0', 'T40.1', 'T40.2', 'T40.3', 'T40.4', 'T40.6'] },
  { syndrome: 'heroin', deathMeasure: 'heroin', whoCodes: ['T40.1'] },
  // T40.41 (fentanyl) → T40.4, which also holds tramadol and other synthetic narcotics on the death side.
  { syndrome: 'fentanyl', deathMeasure: 'synthetic_opioid', whoCodes: ['T40.4'] },
  // CDC's stimulant definition spans two death measures: cocaine (T40.5) and psychostimulants (T43.6).
  { syndrome: 'stimulant', deathMeasure: 'cocaine', whoCodes: ['T40.5'] },
  { syndrome: 'stimulant', deathMeasure: 'psychostimulant', whoCodes: ['T43.6'] },
  { syndrome: 'cocaine', deathMeasure: 'cocaine', whoCodes: ['T40.5'] },
  { syndrome: 'benzodiazepine', deathMeasure: 'benzodiazepine', whoCodes: ['T42.4'] },
];
