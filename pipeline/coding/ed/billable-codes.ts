/**
 * Every billable ICD-10-CM FY2025 code, from the committed data/cm-billable-codes.txt (derived by
 * scripts/derive-ed-lexicon.ts; how, in README.md). Read once, on first use (~74,000 codes,
 * ~550 kB, a few milliseconds), then kept. The ED coder does not use it: the review checks a
 * coder's corrections with it.
 */
import { readFileSync } from 'node:fs';

const FILE = new URL('./data/cm-billable-codes.txt', import.meta.url);

let codes: ReadonlySet<string> | null = null;

/** The undotted billable codes (`T40411A`, `F11120`, `W19XXXA`). */
export function billableCmCodes(): ReadonlySet<string> {
  if (codes === null) {
    const set = new Set<string>();
    for (const line of readFileSync(FILE, 'utf8').split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      if (!/^[A-Z]\d[0-9A-Z][0-9A-Z]{0,4}$/.test(line)) throw new Error(`ED coder data/cm-billable-codes.txt: not an undotted code: "${line}"`);
      set.add(line);
    }
    if (set.size < 70_000) throw new Error(`ED coder data/cm-billable-codes.txt: ${set.size} codes, want the whole FY2025 list`);
    codes = set;
  }
  return codes;
}

/**
 * True when a dotted code (`T40.411A`, `F11.120`, `W19.XXXA`) is a billable ICD-10-CM FY2025 code:
 * in the FY2025 list, with no subdivision below it and every character it needs (7th character
 * and placeholders). False for headers (`F11.1`, `T40.41`), codes missing their 7th character
 * (`S06.0X0`), codes that do not exist (`Z99.999`) and anything not written upper case with the
 * dot after the third character (`T40411A`, `t40.411a`).
 */
export function isBillableCmCode(dottedCode: string): boolean {
  if (dottedCode.length === 3) return billableCmCodes().has(dottedCode);
  if (dottedCode.length < 5 || dottedCode[3] !== '.') return false;
  return billableCmCodes().has(dottedCode.slice(0, 3) + dottedCode.slice(4));
}
