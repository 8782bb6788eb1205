/**
 * The first coder's drug vocabulary: terms as certifiers write them, each with its canonical drug
 * and WHO ICD-10 T-code (DOMAIN.md classes). Hand-curated; the full lexicon generated from the
 * ICD-10-CM Table of Drugs replaces it in the death-coder issue, behind the same interface.
 */

export const DRUG_TERMS_VERSION = 'curated-drug-terms/1';

export interface DrugTerm {
  /** Lower-case words as they appear after normalisation (letters and digits, single spaces). */
  term: string;
  drug: string;
  code: string;
}

/** [code, canonical drug, ...terms] — terms include common misspellings and brand/street names. */
const GROUPS: ReadonlyArray<readonly [string, string, ...string[]]> = [
  ['T40.4', 'fentanyl', 'fentanyl', 'fentanil', 'fentanly', 'fentynal', 'fentanyl analog', 'fent', 'duragesic'],
  ['T40.4', 'acetylfentanyl', 'acetylfentanyl', 'acetyl fentanyl'],
  ['T40.4', 'carfentanil', 'carfentanil', 'carfentanyl'],
  ['T40.4', 'furanylfentanyl', 'furanylfentanyl', 'furanyl fentanyl'],
  ['T40.4', 'para-fluorofentanyl', 'para fluorofentanyl', 'parafluorofentanyl', 'p fluorofentanyl'],
  ['T40.4', 'fluorofentanyl', 'fluorofentanyl'],
  ['T40.4', 'tramadol', 'tramadol', 'ultram'],
  ['T40.4', 'tapentadol', 'tapentadol'],
  ['T40.4', 'U-47700', 'u 47700'],
  ['T40.4', 'nitazene', 'isotonitazene', 'metonitazene', 'protonitazene', 'nitazene'],
  ['T40.1', 'heroin', 'heroin', 'heroine', '6 monoacetylmorphine', '6 mam'],
  ['T40.2', 'oxycodone', 'oxycodone', 'oxycontin', 'percocet', 'oxycodon'],
  ['T40.2', 'hydrocodone', 'hydrocodone', 'hydrocod', 'vicodin', 'norco'],
  ['T40.2', 'morphine', 'morphine'],
  ['T40.2', 'codeine', 'codeine'],
  ['T40.2', 'hydromorphone', 'hydromorphone', 'dilaudid'],
  ['T40.2', 'oxymorphone', 'oxymorphone', 'opana'],
  ['T40.3', 'methadone', 'methadone'],
  ['T40.0', 'opium', 'opium'],
  ['T40.6', 'opiate', 'opiate', 'opiates', 'opioid', 'opioids'],
  ['T40.5', 'cocaine', 'cocaine', 'cocain', 'cocaethylene', 'crack cocaine', 'benzoylecgonine'],
  ['T40.7', 'cannabis', 'cannabis', 'marijuana', 'thc'],
  ['T40.9', 'psilocybin', 'psilocybin'],
  ['T40.8', 'lsd', 'lsd'],
  ['T43.6', 'methamphetamine', 'methamphetamine', 'methamphetamin', 'methamphetamines', 'meth', 'metamphetamine', 'crystal meth'],
  ['T43.6', 'amphetamine', 'amphetamine', 'amphetamines', 'adderall'],
  ['T43.6', 'MDMA', 'mdma', 'ecstasy'],
  ['T42.4', 'benzodiazepine', 'benzodiazepine', 'benzodiazepines', 'benzo', 'benzos'],
  ['T42.4', 'alprazolam', 'alprazolam', 'xanax'],
  ['T42.4', 'clonazepam', 'clonazepam', 'klonopin'],
  ['T42.4', 'diazepam', 'diazepam', 'valium'],
  ['T42.4', 'lorazepam', 'lorazepam', 'ativan'],
  ['T42.4', 'etizolam', 'etizolam'],
  ['T42.7', 'gabapentin', 'gabapentin', 'neurontin'],
  ['T42.7', 'pregabalin', 'pregabalin'],
  ['T43.0', 'amitriptyline', 'amitriptyline'],
  ['T43.0', 'nortriptyline', 'nortriptyline'],
  ['T43.2', 'sertraline', 'sertraline'],
  ['T43.2', 'citalopram', 'citalopram'],
  ['T43.2', 'trazodone', 'trazodone'],
  ['T43.5', 'quetiapine', 'quetiapine', 'seroquel'],
  ['T45.0', 'diphenhydramine', 'diphenhydramine', 'benadryl'],
  ['T39.1', 'acetaminophen', 'acetaminophen', 'paracetamol', 'tylenol'],
  ['T39.0', 'aspirin', 'aspirin', 'salicylate'],
  ['T46.5', 'xylazine', 'xylazine'],
  ['T51.0', 'ethanol', 'ethanol', 'ethanolism', 'alcohol', 'etoh'],
  ['T50.9', 'unspecified drug', 'drug', 'drugs', 'mixed drug', 'multiple drug', 'multidrug', 'polydrug', 'polysubstance', 'substance'],
];

export const DRUG_TERMS: readonly DrugTerm[] = GROUPS.flatMap(([code, drug, ...terms]) => terms.map((term) => ({ term, drug, code })));
