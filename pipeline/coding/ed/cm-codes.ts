/**
 * ICD-10-CM code shapes for the ED coder: building a poisoning code from a category and an intent
 * (with the placeholder X where the code is shorter than six characters), reading the category
 * and intent back out of a discharge diagnosis, and the substance-use F-codes of a drug class.
 * Every code built here is checked against the committed list of valid poisoning codes.
 */
import type { CategoryInfo } from './tables.ts';

export interface PoisoningCodeInfo {
  category: CategoryInfo;
  intent: '1' | '2' | '3' | '4';
  /** 7th character (A initial, D subsequent, S sequela), or null when the code stops at six. */
  encounter: string | null;
}

/** The code without its 7th character, X-padded to six: T40.411, T40.1X1, T42.71X. */
function sixCharacters(info: CategoryInfo, intent: string): string {
  return (info.accidental.slice(0, -1) + intent).padEnd(7, 'X');
}

export class CmCodes {
  /** Six-character form → what it codes, for every category and intent of the code list. */
  private readonly bySix = new Map<string, { category: CategoryInfo; intent: PoisoningCodeInfo['intent'] }>();

  constructor(readonly categories: ReadonlyMap<string, CategoryInfo>) {
    for (const info of categories.values()) {
      for (const intent of info.intents) this.bySix.set(sixCharacters(info, intent), { category: info, intent: intent as PoisoningCodeInfo['intent'] });
    }
  }

  /**
   * The initial-encounter poisoning code (7th character A): fentanyl accidental → T40.411A,
   * heroin → T40.1X1A. Throws when the category or intent is not in the code list.
   */
  poisoning(category: string, intent: PoisoningCodeInfo['intent']): string {
    const info = this.categories.get(category);
    if (!info || !info.intents.includes(intent)) throw new Error(`no ICD-10-CM poisoning code for ${category} with intent ${intent}`);
    const code = `${sixCharacters(info, intent)}A`;
    if (!this.bySix.has(code.slice(0, 7))) throw new Error(`invalid poisoning code ${code}`);
    return code;
  }

  /** What a dotted CM code says about a poisoning (T36-T65, intent 1-4), or null. */
  poisoningOf(code: string): PoisoningCodeInfo | null {
    if (code.charCodeAt(0) !== 84 /* T */ || code.length < 6) return null;
    const hit = this.bySix.get(code.length >= 7 ? code.slice(0, 7) : code.padEnd(7, 'X'));
    if (!hit) return null;
    const encounter = code.length > 7 ? code.slice(7) : null;
    if (encounter !== null && !/^[ADS]$/.test(encounter)) return null;
    return { category: hit.category, intent: hit.intent, encounter };
  }
}

const DX_SHAPE = /^[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?$/;

/** dottedDiagnosis, remembered: a feed repeats a few thousand distinct codes. */
export class DiagnosisReader {
  private readonly memo = new Map<string, string | null>();
  read(raw: string): string | null {
    let code = this.memo.get(raw);
    if (code === undefined) {
      code = dottedDiagnosis(raw);
      if (this.memo.size >= 50_000) this.memo.clear();
      this.memo.set(raw, code);
    }
    return code;
  }
}

/** A discharge diagnosis as sent (dotted or not, any case) → dotted upper case, or null when it is not code-shaped. */
export function dottedDiagnosis(raw: string): string | null {
  const code = raw.trim().toUpperCase();
  const dotted = code.length > 3 && code[3] !== '.' ? `${code.slice(0, 3)}.${code.slice(3)}` : code;
  return DX_SHAPE.test(dotted) ? dotted : null;
}

/** True for drug poisoning categories proper (T36-T50), as opposed to alcohol and other toxic effects (T51-T65). */
export function isDrugCategory(category: string): boolean {
  const n = Number(category.slice(1, 3));
  return category[0] === 'T' && n >= 36 && n <= 50;
}

/**
 * The F10-F19 block of a substance (ICD-10-CM chapter 5): by the death-side class of its
 * poisoning category. Opioids F11, cannabis F12, sedatives F13, cocaine F14, other stimulants
 * F15, hallucinogens F16, alcohol F10, anything else F19.
 */
export function substanceBlock(info: CategoryInfo): string {
  const who = info.deathCode;
  if (who === 'T51.0') return 'F10';
  if (info.anyOpioid) return 'F11';
  if (who === 'T40.7') return 'F12';
  if (who === 'T42.3' || who === 'T42.4' || who === 'T42.6') return 'F13';
  if (who === 'T40.5') return 'F14';
  if (who === 'T43.6') return 'F15';
  if (who === 'T40.8' || who === 'T40.9') return 'F16';
  return 'F19';
}

/**
 * CM Index: "Intoxication, <drug> (acute) (without dependence) → Abuse, drug, <type>, with
 * intoxication" (F1x.129); "Withdrawal state → Dependence, drug, by type, with withdrawal"
 * (F1x.23, unspecified F1x.239 where the block subdivides it; hallucinogens have no withdrawal
 * code, so F19.239); "Maintenance, methadone" and dependence NOS: F1x.20.
 */
export const substanceCode = {
  intoxication: (block: string) => `${block}.129`,
  withdrawal: (block: string) => (block === 'F16' ? 'F19.239' : block === 'F10' || block === 'F13' || block === 'F19' ? `${block}.239` : `${block}.23`),
  dependence: (block: string) => `${block}.20`,
};
