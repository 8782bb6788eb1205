/**
 * cm-index: the ICD-10-CM FY2025 Index to Diseases and Injuries → condition, injury,
 * ill-defined and mechanism terms.
 */
import { join } from 'node:path';
import { indexedRows } from './indexed-terms.ts';
import type { CandidateRow } from './rows.ts';
import { ICD10CM_DIR, readIndexTree, type IndexNode } from './tables.ts';

/**
 * Main terms whose entries are not causes of death as certifiers use the words, or are
 * better handled elsewhere: external causes and drugs come from their own indexes, and
 * "Fall, falling" here is R29.6 (repeated falls), not the fall that killed.
 */
const SKIP_MAIN = /^(fall|falling|history|observation|encounter|examination|admission|screening|status|problem|counseling|aftercare|follow-up|test|testing|vaccination|immunization|donor|maintenance|attention to|care|exposure|contact|resistance|pregnancy|delivery|outcome of delivery|birth|newborn|findings|family|personal|presence|underdosing|poisoning|table of|neoplasm|late effect|sequelae|supervision|prophylactic|fitting|adjustment|removal|replacement|procedure|surgery|therapy|long-term|reaction|complication|convalescence|dependence on|transplant|disability|insufficient|lack of|intoxication|overdose|effect, adverse|adverse effect|use)\b/i;

/**
 * Chapters and blocks whose conditions are not causes of death (and would only add rows and
 * CM/WHO mismatches): diseases of the eye (H00-H59), of the teeth (K00-K08), sexual
 * dysfunction and gender identity (F52, F64-F66), male genital organs other than the prostate
 * (N43-N53), benign breast and non-inflammatory female genital disorders (N60-N65, N80-N98).
 */
const NOT_CAUSES_OF_DEATH = /^(H[0-5]|K0[0-8]|F52|F6[4-6]|N4[3-9]|N5[0-3]|N6[0-5]|N8\d|N9[0-8])/;

export function cmIndexRows(cmCodes: ReadonlySet<string>, dir = ICD10CM_DIR): CandidateRow[] {
  const roots = readIndexTree(join(dir, 'ICD10CM_2025_Index.csv'), 'Code');
  return indexedRows(roots, cmCodes, {
    source: 'cm-index',
    skip: (node: IndexNode) => (node.level === 0 && SKIP_MAIN.test(node.term)),
    // External causes belong to the external index; drugs (T36-T65) to the drug table.
    accept: (who) => !/^[VWXY]/.test(who) && !/^T(3[6-9]|[45]\d|6[0-5])/.test(who) && !NOT_CAUSES_OF_DEATH.test(who),
  });
}
