/**
 * Modification rules C (linkage) and D (specificity), WHO ICD-10 Volume 2 4.2.4: when the
 * selected condition combines with, or is a less specific form of, another reported condition,
 * the combination or the more specific code is the underlying cause. One row per relation.
 */
import { codeSet, type CodeSet } from './codes.ts';

export interface LinkageRule {
  /** "C linkage" or "D specificity", for the trace. */
  rule: string;
  selected: CodeSet;
  withAny: CodeSet;
  /**
   * The resulting code; 'other' takes the other condition's code; '{category}.N' keeps the
   * selected category with 4th character N; '{category}{other}' takes the other's 4th character.
   */
  result: string;
  note: string;
}

const RULES: ReadonlyArray<readonly [string, string, string, string, string]> = [
  ['C linkage', 'I10', 'I20-I25', 'other', 'hypertension with ischaemic heart disease: the heart disease'],
  ['C linkage', 'I10', 'I50, I51.4-I51.9', 'I11.0', 'hypertension with heart failure or heart disease: hypertensive heart disease'],
  ['C linkage', 'I10', 'N18, N19, N26', 'I12.0', 'hypertension with kidney failure: hypertensive kidney disease'],
  ['C linkage', 'I11', 'N18, N19', 'I13.2', 'hypertensive heart disease with kidney failure'],
  ['C linkage', 'I10', 'I60-I69', 'other', 'hypertension with cerebrovascular disease: the cerebrovascular disease'],
  ['C linkage', 'I25', 'I21-I22', 'other', 'chronic ischaemic heart disease with an acute infarction: the infarction'],
  ['C linkage', 'E10.9, E11.9, E12.9, E13.9, E14.9', 'N18, N19, N08.3', '{category}.2', 'diabetes with kidney failure: diabetes with renal complications'],
  ['C linkage', 'E10.9, E11.9, E12.9, E13.9', 'E14.0-E14.8', '{category}{other}', 'typed diabetes with a complication written without the type'],
  ['C linkage', 'J11.1, J11.8', 'J12-J18', 'J11.0', 'influenza with pneumonia'],
  ['C linkage', 'J12-J18', 'J11', 'J11.0', 'pneumonia with influenza'],
  ['C linkage', 'J12-J18', 'J10', 'J10.0', 'pneumonia with identified influenza'],
  ['C linkage', 'I70', 'I20-I25', 'other', 'atherosclerosis with ischaemic heart disease: the heart disease'],
  ['D specificity', 'I64', 'I60-I63', 'other', 'stroke not specified as haemorrhage or infarction, with a specified one'],
  ['D specificity', 'I51.6, I51.9', 'I11, I20-I25, I42, I50', 'other', 'cardiovascular disease unspecified, with a specified heart disease'],
  ['D specificity', 'E14', 'E10-E13', 'other', 'diabetes unspecified, with its type'],
  ['D specificity', 'C80', 'C00-C76', 'other', 'cancer of unspecified site, with the primary site'],
  ['D specificity', 'J18', 'J10-J16, J69', 'other', 'pneumonia unspecified, with its organism or aspiration'],
  ['D specificity', 'F03', 'F01, G30', 'other', 'dementia unspecified, with its type'],
  ['D specificity', 'A41.9', 'A40, A41.0-A41.8', 'other', 'sepsis unspecified, with its organism'],
];

export const LINKAGE_RULES: readonly LinkageRule[] = RULES.map(([rule, selected, withAny, result, note]) => ({
  rule,
  selected: codeSet(selected),
  withAny: codeSet(withAny),
  result,
  note,
}));

const rulesByCode = new Map<string, readonly LinkageRule[]>();

/** The rules whose selected condition is `code`, in table order (remembered per code). */
export function linkageRulesFor(code: string): readonly LinkageRule[] {
  let rules = rulesByCode.get(code);
  if (rules === undefined) {
    rules = LINKAGE_RULES.filter((rule) => rule.selected(code));
    rulesByCode.set(code, rules);
  }
  return rules;
}
