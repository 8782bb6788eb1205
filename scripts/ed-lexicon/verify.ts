/**
 * Checks the committed ED tables against the ICD-10-CM FY2025 code list: every poisoning code the
 * coder can build from a category and an intent, and every substance-use code it can emit, must
 * be a real code. Run by derive-ed-lexicon.ts (writing and --check): the tests never read the
 * source files, only the committed tables.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CmCodes, substanceCode } from '../../pipeline/coding/ed/cm-codes.ts';
import { loadEdTables } from '../../pipeline/coding/ed/tables.ts';

/** The codes the coder could emit that the code list does not have (empty when all is well). */
export function codesMissingFromCodeList(icd10cmDir: string): string[] {
  const codeList = new Set(readFileSync(join(icd10cmDir, 'ICD10CM_2025_codes.csv'), 'utf8').split('\n').map((l) => l.slice(0, l.indexOf(','))));
  const tables = loadEdTables();
  const cm = new CmCodes(tables.categories);
  const missing: string[] = [];
  for (const info of tables.categories.values()) {
    for (const intent of info.intents) {
      // Without the 7th character (and the placeholder X before it): the code list's form.
      const code = cm.poisoning(info.category, intent as '1').slice(0, 8).replace(/X*A$/, '');
      if (!codeList.has(code)) missing.push(code);
    }
  }
  for (const block of ['F10', 'F11', 'F12', 'F13', 'F14', 'F15', 'F16', 'F19']) {
    for (const code of [substanceCode.intoxication(block), substanceCode.withdrawal(block), substanceCode.dependence(block), `${block}.229`]) {
      if (!codeList.has(code)) missing.push(code);
    }
  }
  return missing;
}
