/**
 * Canonical names (lexicon drug-names.tsv) that say a drug was involved without naming it. Only
 * these make a certificate's drug "unspecified" (T50.9, NCHS drug specificity); a named substance
 * that has no specific code (kratom, isotretinoin: also T50.9) is named.
 */
const UNSPECIFIED_DRUG_NAMES: ReadonlySet<string> = new Set([
  'drug',
  'mixed drug',
  'multiple drug',
  'polysubstance',
  'substance',
  'overdose',
  'od',
  'unknown drug',
  'unspecified drug',
  'unknown substance',
  'medicament',
]);

export function isUnspecifiedDrugName(name: string): boolean {
  return UNSPECIFIED_DRUG_NAMES.has(name);
}
