/**
 * Phrases from an indented index (the Index to Diseases and the External Cause Index share the
 * layout): main term alone; "<sub> <main>", "<main> of <sub>", "<main> <sub>" for level-1
 * sub-terms; "<main> <connector> <sub>" ("fall from ladder") and "<sub2> <sub1> <main>"
 * ("congestive heart failure") for short level-2 phrases. Cross-references ("see") are followed
 * to the entry they name when that entry has a code.
 */
import { normaliseText } from '../normalise.ts';
import { applyWordingRules, cmToWho, kindOf } from './cm-to-who.ts';
import { acceptablePhrase, DEFAULT_QUALIFIER, ENDS_WITH_PREPOSITION, isConnector, nounLike, parseModifiers, spellings, termForms } from './phrases.ts';
import type { CandidateRow, SourceName } from './rows.ts';
import { pathOf, walk, type IndexNode } from './tables.ts';

export interface IndexedOptions {
  source: SourceName;
  /** Whether a node (and its subtree) is left out entirely. */
  skip?: (node: IndexNode) => boolean;
  /** Whether a WHO code is wanted from this source. */
  accept?: (who: string) => boolean;
  maxTokens?: number;
  /** Level-2 phrases: 'all' also composes "<sub2> <sub1> <main>" (adjective chains, the disease index); 'connector' only "<main> <connector> <sub2>". */
  level2?: 'all' | 'connector';
  /** How a comma in a sub-term reads: 'natural' (inversion unless variants) or 'alternatives' (the external index's "fire, flames"). */
  subtermCommas?: 'natural' | 'alternatives';
}

interface Phrase {
  text: string;
  rank: number;
}

/** Adjectival forms of a main term ("hypertensive", "cirrhotic") precede the sub-term; "-ed"/"-ing" forms ("failed", "diseased") are not used in phrases. */
const ADJECTIVE = /(al|ic|ous|ive|ar|ary|oid|ile|ant|ent|otic|atic)$/;
const PARTICIPLE = /(ed|ing)$/;
/** Modifier words that follow the phrase ("hypertensive heart" + disease); the rest precede it ("acute" + ...). */
const SUFFIX_MODIFIER = /^(disease|disorder|syndrome|infection|failure|gland|glands|organ|tract|system|artery|vein|valve|muscle|cord|lobe|tissue|nerve|duct|fluid|cells?|type|stage)$|(ease|osis|itis|tion|ment|ure|ity|ism|us|um)$/;

function isConnectorOnly(forms: string[]): boolean {
  return forms.length > 0 && forms.every((f) => /^(with|without|due to|in|on|of|from|off|out of|into|over|through|following|after|during|by|involving|complicating|secondary to|associated with|at|to|while|under|against|down|across|near|onto|upon|inside|around|set in motion by|via|caused by|resulting from)$/i.test(f));
}

function withModifiers(base: Phrase[], modifiers: string[], rankBump: number): Phrase[] {
  const out: Phrase[] = [];
  for (const p of base) {
    for (const w of modifiers) {
      out.push({ text: SUFFIX_MODIFIER.test(w) ? `${p.text} ${w}` : `${w} ${p.text}`, rank: p.rank + rankBump });
    }
  }
  return out;
}

/** The phrases one node stands for (empty when its shape is not understood). */
export function phrasesOf(node: IndexNode, options: Pick<IndexedOptions, 'level2' | 'subtermCommas'> = {}): Phrase[] {
  const commas = options.subtermCommas ?? 'natural';
  const path = pathOf(node);
  const main = termForms(path[0]!.term).filter((m, i) => i === 0 || !PARTICIPLE.test(m));
  if (main.length === 0) return [];
  // Adjectival alternatives of a main term ("Hypertension, hypertensive") do not stand alone.
  const standalone = main.filter((m, i) => i === 0 || !ADJECTIVE.test(m));
  const out: Phrase[] = [];
  const mods = parseModifiers(node.modifiers);

  if (path.length === 1) {
    const base = standalone.map((m) => ({ text: m, rank: 0 }));
    out.push(...base, ...withModifiers(base, mods.words, 5));
    out.push(...mods.acronyms.map((a) => ({ text: a, rank: 8 })));
    return out;
  }

  const s1 = termForms(path[1]!.term, commas);
  if (s1.length === 0) return [];
  // A main term's noun modifiers stay with it in composed phrases: "type 2" + "diabetes (mellitus)".
  for (const w of parseModifiers(path[0]!.modifiers).words) {
    if (/([^o]us|um)$/.test(w)) main.push(`${main[0]} ${w}`); // Latin complements: "mellitus", not "-ous" adjectives
  }
  if (path.length === 2) {
    if (isConnectorOnly(s1)) return [];
    // The node's nonessential modifiers qualify the sub-term: "urinary (tract)" › "urinary tract",
    // "myocardial (acute)" › "acute myocardial", "heart (disease)" › "heart disease".
    const subs: { text: string; rank: number; prefixed: boolean }[] = [];
    for (const s of s1) {
      subs.push({ text: s, rank: 10, prefixed: false });
      if (isConnector(s)) continue;
      for (const w of mods.words) {
        const suffix = SUFFIX_MODIFIER.test(w);
        subs.push({ text: suffix ? `${s} ${w}` : `${w} ${s}`, rank: 15, prefixed: !suffix });
      }
    }
    for (const m of main) {
      const adjectivalMain = ADJECTIVE.test(m) && m !== main[0];
      for (const { text: s, rank, prefixed } of subs) {
        if (isConnector(s)) {
          out.push({ text: `${m} ${s}`, rank: 12 }); // "hypertension with heart failure"
          continue;
        }
        if (adjectivalMain || ENDS_WITH_PREPOSITION.test(m)) {
          out.push({ text: `${m} ${s}`, rank }); // "hypertensive heart disease", "bitten by dog"
          continue;
        }
        out.push({ text: `${s} ${m}`, rank }); // "myocardial infarction", "acute myocardial infarction"
        if (!prefixed && nounLike(normaliseText(s))) out.push({ text: `${m} of ${s}`, rank: rank + 1 }); // "cirrhosis of liver"
        // The index's own order ("pneumonia, aspiration"), as some certifiers copy it: one-word sub-terms only.
        if (rank === 10 && !/\s/.test(s.trim())) out.push({ text: `${m} ${s}`, rank: 13 });
      }
    }
    out.push(...mods.acronyms.map((a) => ({ text: a, rank: 18 })));
    return out;
  }

  if (path.length === 3) {
    const s2 = termForms(path[2]!.term, commas);
    if (s2.length === 0 || isConnectorOnly(s2)) return [];
    if (isConnectorOnly(s1)) {
      // "Fall › from, off, out of › ladder" → "fall from ladder"
      for (const m of standalone) {
        for (const c of s1) for (const s of s2) if (!isConnector(s)) out.push({ text: `${m} ${c} ${s}`, rank: 20 });
      }
      return out;
    }
    if (s1.some((s) => isConnector(s)) || options.level2 === 'connector') return [];
    for (const m of main) {
      const adjectivalMain = ADJECTIVE.test(m) && m !== main[0];
      for (const a of s1) {
        for (const b of s2) {
          if (isConnector(b)) {
            if (!adjectivalMain) out.push({ text: `${a} ${m} ${b}`, rank: 21 }); // "hepatic failure with coma"
            continue;
          }
          if (!adjectivalMain) out.push({ text: `${b} ${a} ${m}`, rank: 20 }); // "congestive heart failure"
        }
      }
    }
    return out;
  }
  return [];
}

/** Resolves cross-references ("see Infarct, myocardium") to the entry's code. */
export class SeeResolver {
  private readonly mains = new Map<string, IndexNode[]>();

  constructor(roots: readonly IndexNode[]) {
    for (const root of roots) {
      const keys = new Set<string>();
      for (const form of termForms(root.term)) keys.add(normaliseText(form));
      keys.add(normaliseText(root.term.split(',')[0] ?? ''));
      for (const key of keys) {
        if (!key) continue;
        const list = this.mains.get(key) ?? [];
        list.push(root);
        this.mains.set(key, list);
      }
    }
  }

  /** The code printed at the entry a cross-reference names, or null when it cannot be found unambiguously. */
  resolve(target: string, depth = 0): string | null {
    if (depth > 3) return null;
    const pieces = target
      .replace(/\([^)]*\)/g, ' ')
      .split(',')
      .map((p) => normaliseText(p))
      .filter(Boolean);
    if (pieces.length === 0) return null;
    // Where several main terms share the first word ("Fracture, pathological", "Fracture, traumatic"),
    // try the one that is the word's default meaning first.
    const roots = [...(this.mains.get(pieces[0]!) ?? [])].sort(
      (a, b) => Number(!defaultMain(a, pieces[0]!)) - Number(!defaultMain(b, pieces[0]!)),
    );
    for (const root of roots) {
      let node: IndexNode | null = root;
      for (let i = 1; node && i < pieces.length; i++) {
        const piece = pieces[i]!;
        if (/^by\b/.test(piece)) continue; // "by site", "by type": no entry of its own
        const current: IndexNode = node;
        node = current.children.find((c) => childMatches(c, piece)) ?? null;
        if (!node) {
          // "with ketoacidosis" names the entry "ketoacidosis" under the sub-term "with"
          const conn = current.children.find((c) => isConnector(c.term) && piece.startsWith(`${normaliseText(c.term)} `));
          const rest = conn ? piece.slice(normaliseText(conn.term).length + 1) : '';
          node = conn?.children.find((c) => childMatches(c, rest)) ?? null;
        }
        if (!node && i + 1 < pieces.length) {
          // a sub-term that itself contains a comma ("myocardium, myocardial")
          const joined = `${piece} ${pieces[i + 1]}`;
          node = current.children.find((c) => normaliseText(c.term) === joined) ?? null;
          if (node) i++;
        }
      }
      if (!node) continue;
      if (node.code) return node.code;
      if (node.see) return this.resolve(node.see, depth + 1);
    }
    return null;
  }
}

function defaultMain(root: IndexNode, word: string): boolean {
  const pieces = root.term.split(',').map((p) => p.trim());
  return normaliseText(root.term) === word || (pieces.length === 2 && DEFAULT_QUALIFIER.test(pieces[1]!));
}

function childMatches(child: IndexNode, piece: string): boolean {
  if (normaliseText(child.term) === piece) return true;
  return termForms(child.term).some((f) => normaliseText(f) === piece) ||
    normaliseText(child.term.split(',')[0] ?? '') === piece;
}

/** Generates candidate rows from an indented index. */
export function indexedRows(roots: readonly IndexNode[], cmCodes: ReadonlySet<string>, options: IndexedOptions): CandidateRow[] {
  const resolver = new SeeResolver(roots);
  const rows: CandidateRow[] = [];
  const skipped = new Set<IndexNode>();
  let seq = 0;
  for (const node of walk(roots)) {
    seq++;
    if (node.parent && skipped.has(node.parent)) {
      skipped.add(node);
      continue;
    }
    if (options.skip?.(node)) {
      skipped.add(node);
      continue;
    }
    if (node.level > 2) continue;
    // A "see also" stands in for a code only on an entry without a code of its own
    // ("Atherosclerosis", see also "Arteriosclerosis").
    const reference = node.see || (!node.code ? node.seeAlso : '');
    const printed = node.code || (reference ? resolver.resolve(reference) : null);
    if (!printed) continue;
    const cmWho = cmToWho(printed, cmCodes);
    if (!cmWho) continue;
    const origin = pathOf(node).map((n) => n.term).join(' › ');
    for (const phrase of phrasesOf(node, options)) {
      const maxTokens = options.maxTokens ?? (node.level >= 2 ? 6 : 7);
      for (const term of spellings(phrase.text)) {
        if (!acceptablePhrase(term, maxTokens)) continue;
        const who = applyWordingRules(term, cmWho);
        if (options.accept && !options.accept(who)) continue;
        const kind = kindOf(who, term);
        if (!kind) continue;
        rows.push({ term, code: who, kind, source: options.source, rank: phrase.rank + (node.code ? 0 : 3), seq, origin, cm: printed });
      }
    }
  }
  return rows;
}
