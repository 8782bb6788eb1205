/**
 * The two matchers the ED coder runs over each sentence, both the shared TermMatcher of the death
 * coder: drug terms (derived table) and cue phrases (cues.ts). Drug names are spelling-corrected
 * only into words of curated names and long CM drug names ("fentanly", "herion", "cocain"), never
 * from an ordinary medical word ("saliva" stays saliva, not salvia).
 */
import { KNOWN_WORDS } from '../deaths/knowledge/context-cues.ts';
import { MIN_FUZZY_LENGTH, TermMatcher, type TermMatch } from '../deaths/matcher.ts';
import { CUE_PHRASES, type CueKind, TRIAGE_WORDS } from './cues.ts';
import { isDrugCategory } from './cm-codes.ts';
import type { DrugTerm, EdTables } from './tables.ts';

export interface EdMatchers {
  drugs(tokens: readonly string[]): TermMatch<DrugTerm>[];
  cues(tokens: readonly string[]): TermMatch<CueKind>[];
  /** Not a word of any drug term, cue or ordinary vocabulary: a candidate new substance. */
  unknownWord(token: string): boolean;
}

/**
 * Table-of-Drugs names corrected only in the classes people overdose on (analgesics, narcotics,
 * sedatives, psychotropics): "vaseline" (T49.3) is one letter from "baseline".
 */
const FUZZY_CM = /^T(39|40|42|43)\./;

/** Placeholder for a token that matches no drug word: a digit, so TermMatcher never corrects it. */
const NO_WORD = '0';

function hasDigit(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

export function createMatchers(tables: EdTables): EdMatchers {
  const drugTerms = tables.terms.map((t) => ({ term: t.term, value: t }));
  const vocabulary = new Set(tables.terms.flatMap((t) => t.term.split(' ')));
  const cueTerms = (Object.entries(CUE_PHRASES) as [CueKind, string][]).flatMap(([kind, phrases]) => phrases.split('|').map((term) => ({ term, value: kind })));
  const cueWords = new Set(cueTerms.flatMap((t) => t.term.split(' ')));
  const ordinary = new Set([...tables.ordinaryWords, ...KNOWN_WORDS, ...TRIAGE_WORDS]);
  const known = new Set([...ordinary, ...[...cueWords].filter((w) => !vocabulary.has(w))]);
  // Spelling correction targets: names people misspell, long enough to have few neighbours.
  const targets = new Set<string>();
  for (const t of tables.terms) {
    if (t.category === null || t.ambiguous || t.generic) continue;
    const drug = isDrugCategory(t.category);
    for (const w of t.term.split(' ')) {
      if (ordinary.has(w) || /\d/.test(w)) continue;
      if (t.curated ? drug || w.length >= 7 : FUZZY_CM.test(t.category) && w.length >= 8 && !t.term.includes(' ')) targets.add(w);
    }
  }
  const drugMatcher = new TermMatcher<DrugTerm>(drugTerms, known, targets);
  const cueMatcher = new TermMatcher<CueKind>(cueTerms, new Set([...known, ...vocabulary]));
  const guarded = new Map<string, string>();
  const guard = (token: string): string => {
    if (vocabulary.has(token)) return token;
    // What TermMatcher.resolve never corrects, answered before the map: most tokens of a note are
    // short words and numbers ("pt", "c/o", "bp 151/78"), and each map read of a new token costs.
    if (token.length < MIN_FUZZY_LENGTH || hasDigit(token)) return NO_WORD;
    let out = guarded.get(token);
    if (out === undefined) {
      const corrected = drugMatcher.resolve(token);
      out = corrected !== null && targets.has(corrected) ? corrected : NO_WORD;
      if (guarded.size < 100_000) guarded.set(token, out);
    }
    return out;
  };
  return {
    drugs(tokens) {
      const resolved = tokens.map(guard);
      const matches = drugMatcher.match(resolved);
      for (const m of matches) {
        m.text = tokens.slice(m.start, m.end).join(' ');
        m.corrections = [];
        for (let k = m.start; k < m.end; k++) if (resolved[k] !== tokens[k]) m.corrections.push([tokens[k]!, resolved[k]!]);
      }
      return matches;
    },
    cues: (tokens) => cueMatcher.match(tokens),
    unknownWord: (token) => !vocabulary.has(token) && !known.has(token) && guard(token) === NO_WORD,
  };
}
