/**
 * The ICD-10-CM codes an ED correction may use. The ED coder's committed tables hold the complete
 * list of poisoning codes (T36-T65: category, intents, 7th character, from the FY2025 code list),
 * so a poisoning code is checked against it and its drug class follows from the one bridge table.
 * Every code, poisoning or not (F11.20, R40.20, S06.0X0A, W19.XXXA …), must also be a billable
 * ICD-10-CM FY2025 code: in the committed complete list (coding/ed/data/cm-billable-codes.txt,
 * derived from the FY2025 code list and the FY2021 order file's 7th characters), so a header
 * (F11.1), a code short of its 7th character (S06.0X0) or one that does not exist (Z99.999) is
 * refused. Pure after the list's first read.
 */
import { isBillableCmCode } from '../coding/ed/billable-codes.ts';
import { CmCodes, dottedDiagnosis, type PoisoningCodeInfo } from '../coding/ed/cm-codes.ts';
import type { EdTables } from '../coding/ed/tables.ts';

const POISONING_BLOCK = /^T(?:3[6-9]|[45][0-9]|6[0-5])/;

export class EdCodeTable {
  private readonly cm: CmCodes;

  constructor(tables: Pick<EdTables, 'categories'>) {
    this.cm = new CmCodes(tables.categories);
  }

  /** The poisoning a code states (category with its drug class, intent), or null. */
  poisoning(code: string): PoisoningCodeInfo | null {
    return this.cm.poisoningOf(code);
  }

  /** Why a code is not usable (null when it is). */
  problem(code: string): string | null {
    if (dottedDiagnosis(code) !== code) return `"${code}" is not an ICD-10-CM code as the ED tables write it (dotted, upper case: T40.411A, F11.20)`;
    // A poisoning code is complete only with its 7th character (ICD-10-CM: T36-T65 require one).
    if (POISONING_BLOCK.test(code) && this.cm.poisoningOf(code)?.encounter == null) {
      return `"${code}" is not an ICD-10-CM FY2025 poisoning code (category, intent 1-4 and encounter A/D/S: T40.411A, T40.1X1A)`;
    }
    if (!isBillableCmCode(code)) {
      return `"${code}" is not an ICD-10-CM FY2025 billable code (a code of the FY2025 list with every character it needs: F11.120, S06.0X0A)`;
    }
    return null;
  }
}
