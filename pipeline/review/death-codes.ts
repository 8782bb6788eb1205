/**
 * The WHO ICD-10 codes a death correction may use: every code vigil's death coding knows — the
 * lexicon's codes (~6,200, from the ICD-10-CM FY2025 indexes mapped to WHO and the curated tables)
 * and the codes its rule tables produce (external causes by mechanism and intent, the drug
 * poisoning table X40-X44/X60-X64/X85/Y10-Y14, alcohol poisoning, linkage results, R99).
 * There is no complete WHO code list in the repository (WHO titles are copyrighted; DOMAIN.md), so
 * a valid WHO code the lexicon never produces is refused with a message saying exactly that. Pure.
 */
import { MECHANISMS } from '../coding/deaths/knowledge/external-causes.ts';
import { LINKAGE_RULES } from '../coding/deaths/knowledge/linkage.ts';
import { OVERDOSE_CAUSE_TABLE } from '../coding/deaths/overdose-cause.ts';
import type { Lexicon } from '../coding/lexicon/lexicon.ts';

/** WHO ICD-10 as the death tables write it: a letter, two digits, optionally a dot and one digit. */
export const WHO_CODE_SHAPE = /^[A-Z][0-9]{2}(?:\.[0-9])?$/;

// Alcohol poisoning by intent (certificate-coder.ts) and the pending / ill-defined code.
const RULE_CODES = ['X45', 'X65', 'X89', 'Y15', 'R99'];
// Linkage results written as {category}.2 (diabetes with renal complications).
const DIABETES_RENAL = ['E10.2', 'E11.2', 'E12.2', 'E13.2', 'E14.2'];

export class DeathCodeTable {
  private readonly codes: ReadonlySet<string>;

  constructor(lexicon: Pick<Lexicon, 'entries'>) {
    const codes = new Set<string>(lexicon.entries.map((e) => e.code));
    for (const m of MECHANISMS) {
      codes.add(m.injury);
      for (const code of Object.values(m.codes)) codes.add(code);
    }
    for (const row of Object.values(OVERDOSE_CAUSE_TABLE)) for (const code of Object.values(row)) codes.add(code);
    for (const rule of LINKAGE_RULES) if (WHO_CODE_SHAPE.test(rule.result)) codes.add(rule.result);
    for (const code of [...RULE_CODES, ...DIABETES_RENAL]) codes.add(code);
    this.codes = codes;
  }

  get size(): number {
    return this.codes.size;
  }

  has(code: string): boolean {
    return this.codes.has(code);
  }

  /** Why a code is not usable (null when it is): names the code, never anything else. */
  problem(code: string): string | null {
    if (!WHO_CODE_SHAPE.test(code)) return `"${code}" is not a WHO ICD-10 code (a letter, two digits, optionally a dot and a digit: X42, T40.4)`;
    if (!this.codes.has(code)) return `"${code}" is not in vigil's death code table (the codes the lexicon and the coding rules use)`;
    return null;
  }
}
