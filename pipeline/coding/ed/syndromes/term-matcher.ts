/**
 * A term pattern as a test on lower-cased text: plain string operations where the pattern is a
 * literal (contains / starts / ends / equals / whole word), one precompiled RegExp otherwise.
 * Each matcher also names up to two character pairs its text must contain, the rarer first, so a
 * query set tries a term only on texts that have them (query-codegen.ts).
 */
import type { TermPattern, TermPiece } from './query-ast.ts';

export interface TermMatcher {
  test(text: string): boolean;
  /** Keys (bigramKey) of character pairs every matching text contains. */
  bigrams: number[];
}

/** A pair of adjacent characters as an index into a 2^14 table (characters folded to 7 bits). */
export function bigramKey(a: number, b: number): number {
  return ((a & 127) << 7) | (b & 127);
}

const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);

export function compileTerm(p: TermPattern): TermMatcher {
  const bigrams = pickBigrams(p.pieces);
  const only = p.pieces.length === 1 ? p.pieces[0]! : null;
  if (p.pieces.length === 0) return { test: (t) => (p.anchoredStart && p.anchoredEnd ? t === '' : true), bigrams };
  if (only?.kind === 'literal') {
    const s = only.text;
    if (p.wordStart || p.wordEnd) return { test: (t) => wordSearch(t, s, p), bigrams };
    if (p.anchoredStart && p.anchoredEnd) return { test: (t) => t === s, bigrams };
    if (p.anchoredStart) return { test: (t) => t.startsWith(s), bigrams };
    if (p.anchoredEnd) return { test: (t) => t.endsWith(s), bigrams };
    return { test: (t) => t.includes(s), bigrams };
  }
  const re = new RegExp(toRegExpSource(p));
  return { test: (t) => re.test(t), bigrams };
}

function wordSearch(t: string, s: string, p: TermPattern): boolean {
  for (let i = t.indexOf(s); i >= 0; i = t.indexOf(s, i + 1)) {
    const before = i === 0 ? -1 : t.charCodeAt(i - 1);
    const after = i + s.length >= t.length ? -1 : t.charCodeAt(i + s.length);
    const startOk = p.wordStart ? !isWordChar(before) : !p.anchoredStart || i === 0;
    const endOk = p.wordEnd ? !isWordChar(after) : !p.anchoredEnd || after === -1;
    if (startOk && endOk) return true;
  }
  return false;
}

const escape = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

export function toRegExpSource(p: TermPattern): string {
  let source = p.anchoredStart ? '^' : p.wordStart ? '(?<![a-z0-9])' : '';
  for (const piece of p.pieces) {
    if (piece.kind === 'literal') source += escape(piece.text);
    else if (piece.kind === 'any') source += '[\\s\\S]*';
    else if (piece.kind === 'one') source += '[\\s\\S]';
    else source += `[${escape(piece.chars)}${piece.ranges.map(([lo, hi]) => `${escape(lo)}-${escape(hi)}`).join('')}]`;
  }
  return source + (p.anchoredEnd ? '$' : p.wordEnd ? '(?![a-z0-9])' : '');
}

// English letter frequency, most common first: a pair of rarer characters filters better.
const COMMON = 'etaoinshrdlcumwfgypbvkjxqz';
const rarity = (c: string) => {
  const rank = COMMON.indexOf(c);
  return rank < 0 ? (c === ' ' ? 0 : 30) : rank;
};

function pickBigrams(pieces: TermPiece[]): number[] {
  const scored: { key: number; score: number }[] = [];
  for (const piece of pieces) {
    if (piece.kind !== 'literal') continue;
    for (let i = 0; i + 1 < piece.text.length; i++) {
      const key = bigramKey(piece.text.charCodeAt(i), piece.text.charCodeAt(i + 1));
      if (!scored.some((s) => s.key === key)) scored.push({ key, score: rarity(piece.text[i]!) + rarity(piece.text[i + 1]!) });
    }
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, 2).map((s) => s.key);
}
