/**
 * cm-drugs: the ICD-10-CM FY2025 Table of Drugs and Chemicals → substance names with the WHO
 * T36-T65 code of the "Poisoning, Accidental (unintentional)" column (CM T40.411 → WHO T40.4).
 *
 * Names: a main term as written ("Fentanyl", "Oxycodone"), comma-inverted entries in natural
 * order ("Monoxide, carbon" → "carbon monoxide"); sub-terms only where they complete a name:
 * under a main term that has no code of its own ("Carbon" › "monoxide" → "carbon monoxide"),
 * a salt or chemical group ("Hydrogen" › "cyanide"), or an alkyl/qualifying adjective that
 * precedes it ("Alcohol" › "methyl" → "methyl alcohol", "Narcotic" › "synthetic"). Sub-terms
 * that say how the substance was used ("vapor", "medicinal", "topical", "ophthalmic
 * preparation") are not names and are dropped.
 */
import { join } from 'node:path';
import { cmToWho, kindOf } from './cm-to-who.ts';
import { acceptablePhrase, cleanTerm, parseModifiers, spellings, termForms } from './phrases.ts';
import type { CandidateRow } from './rows.ts';
import { ICD10CM_DIR, readIndexTree, walk, type IndexNode } from './tables.ts';

const CODE_COLUMN = 'PoisoningAccidental';

/** Sub-terms that follow the main word as part of a chemical name. */
const CHEMICAL_PART = /^(acid|alcohol|ether|ester|oxide|dioxide|monoxide|peroxide|hydroxide|sodium|potassium|calcium|magnesium|ammonium|lithium|zinc|iron|salt|salts|glycol|gas|oil)$|(ide|ate|ite)$/;
/** Sub-terms that precede the main word ("methyl alcohol", "synthetic narcotic"). */
const PRECEDING_PART = /^(synthetic|rubbing|wood|grain|denatured|absolute|dehydrated|industrial|isopropyl|secondary|liquid|natural|sewer|tear|nerve|mustard)$|yl$/;
/** Main-term modifiers that name a substance group with it. */
const NAME_MODIFIER = /^(analog|analogs|analogue|analogues|derivative|derivatives)$/;

/** The accidental-poisoning code of a row, when it has one ("--" and empty mean none). */
function codeOf(node: IndexNode): string {
  const code = (node.row[CODE_COLUMN] ?? '').trim();
  return code === '--' ? '' : code;
}

export function cmDrugRows(cmCodes: ReadonlySet<string>, dir = ICD10CM_DIR): CandidateRow[] {
  const roots = readIndexTree(join(dir, 'ICD10CM_2025_Drugs.csv'), CODE_COLUMN);
  const rows: CandidateRow[] = [];
  let seq = 0;
  const add = (phrase: string, printed: string, rank: number, origin: string) => {
    const who = cmToWho(printed, cmCodes);
    if (!who || !/^T(3[6-9]|[45]\d|6[0-5])/.test(who)) return;
    for (const term of spellings(phrase)) {
      if (!acceptablePhrase(term, 5)) continue;
      const kind = kindOf(who, term);
      if (kind !== 'drug') continue;
      rows.push({ term, code: who, kind, source: 'cm-drugs', rank, seq, origin, cm: printed });
    }
  };
  for (const node of walk(roots)) {
    seq++;
    if (node.level > 1) continue;
    const code = codeOf(node);
    if (node.level === 0) {
      if (!code) continue;
      const forms = termForms(node.term);
      for (const form of forms) {
        add(form, code, 0, node.term);
        for (const w of parseModifiers(node.modifiers).words) {
          if (NAME_MODIFIER.test(w)) add(`${form} ${w}`, code, 2, `${node.term} (${w})`);
        }
      }
      continue;
    }
    // Level 1: only where the sub-term completes a name.
    const parent = node.parent!;
    if (!code) continue;
    const parentForms = termForms(parent.term);
    const subs = termForms(node.term);
    const parentHasCode = Boolean(codeOf(parent));
    for (const sub of subs) {
      const word = cleanTerm(sub).toLowerCase();
      if (/\b(specified|unspecified|type|any|other)\b/.test(word)) continue;
      for (const p of parentForms) {
        if (!parentHasCode) {
          if (/\s/.test(p) && !/^[a-z-]+$/i.test(word)) continue;
          add(PRECEDING_PART.test(word) && !CHEMICAL_PART.test(word) ? `${word} ${p}` : `${p} ${word}`, code, 1, `${parent.term} › ${node.term}`);
        } else if (PRECEDING_PART.test(word) && !/\s/.test(word)) {
          add(`${word} ${p}`, code, 1, `${parent.term} › ${node.term}`);
        } else if (CHEMICAL_PART.test(word) && !/\s/.test(word)) {
          add(`${p} ${word}`, code, 1, `${parent.term} › ${node.term}`);
        }
      }
    }
  }
  return rows;
}
