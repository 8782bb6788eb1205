/**
 * Finds lexicon terms in normalised text: multi-word terms, longest match first, tolerant of
 * misspellings. A token that is not a known word may match a lexicon word one edit away
 * (insertion, deletion, substitution or transposition of neighbours: "fentanly", "fenatnyl",
 * "methamphetamin"). Candidates come from a symmetric-delete index, so a lookup costs a few map
 * reads rather than a scan of the vocabulary.
 */

export interface MatcherTerm<T> {
  /** Normalised words (normaliseText). */
  term: string;
  value: T;
}

export interface TermMatch<T> {
  /** Index of the first and one past the last token covered. */
  start: number;
  end: number;
  /** The words as written (normalised), and the lexicon term they matched. */
  text: string;
  term: string;
  value: T;
  /** Tokens that matched only after spelling correction, as written → as corrected. */
  corrections: [string, string][];
}

interface TrieNode<T> {
  next: Map<string, TrieNode<T>>;
  values: T[] | null;
  term: string | null;
}

/** Shortest token a misspelling is corrected for: short words have too many neighbours. */
export const MIN_FUZZY_LENGTH = 5;

export class TermMatcher<T> {
  private readonly root: TrieNode<T> = { next: new Map(), values: null, term: null };
  private readonly vocabulary = new Set<string>();
  private readonly deletes = new Map<string, string[]>();
  private readonly corrections = new Map<string, string | null>();

  /**
   * @param knownWords ordinary words that are never "corrected" into a lexicon word
   *   (context cues, stop words): "intoxication" must not become a drug.
   */
  /**
   * @param preferredWords words that win a tie between equally close corrections (drug names:
   *   "cocain" is one edit from "cocaine" and from "cocaina", and the drug is meant).
   */
  constructor(
    terms: readonly MatcherTerm<T>[],
    private readonly knownWords: ReadonlySet<string> = new Set(),
    private readonly preferredWords: ReadonlySet<string> = new Set(),
  ) {
    for (const { term, value } of terms) {
      const tokens = term.split(' ');
      let node = this.root;
      for (const token of tokens) {
        this.vocabulary.add(token);
        let child = node.next.get(token);
        if (!child) node.next.set(token, (child = { next: new Map(), values: null, term: null }));
        node = child;
      }
      (node.values ??= []).push(value);
      node.term = term;
    }
    for (const word of this.vocabulary) {
      if (word.length < MIN_FUZZY_LENGTH || /\d/.test(word)) continue;
      for (const key of [word, ...singleDeletes(word)]) {
        const list = this.deletes.get(key);
        if (list) {
          if (!list.includes(word)) list.push(word);
        } else this.deletes.set(key, [word]);
      }
    }
  }

  /** The lexicon word a token stands for: itself, a unique one-edit correction, or null. */
  resolve(token: string): string | null {
    if (this.vocabulary.has(token)) return token;
    if (token.length < MIN_FUZZY_LENGTH || this.knownWords.has(token) || /\d/.test(token)) return null;
    const cached = this.corrections.get(token);
    if (cached !== undefined) return cached;
    const candidates = new Set<string>();
    for (const key of [token, ...singleDeletes(token)]) {
      for (const word of this.deletes.get(key) ?? []) {
        if (osaDistance(token, word, 1) <= 1) candidates.add(word);
      }
    }
    // Two equally close words: take the one preferred word among them, else do not guess.
    const preferred = [...candidates].filter((word) => this.preferredWords.has(word));
    const correction = candidates.size === 1 ? [...candidates][0]! : preferred.length === 1 ? preferred[0]! : null;
    if (this.corrections.size < 100_000) this.corrections.set(token, correction);
    return correction;
  }

  /** Matches left to right, taking the longest term at each position; unmatched tokens are skipped. */
  match(tokens: readonly string[]): TermMatch<T>[] {
    const resolved = tokens.map((token) => this.resolve(token));
    const matches: TermMatch<T>[] = [];
    let i = 0;
    while (i < tokens.length) {
      let node: TrieNode<T> | undefined = this.root;
      let best: { end: number; node: TrieNode<T> } | null = null;
      for (let j = i; j < tokens.length; j++) {
        const word = resolved[j];
        node = word === null ? undefined : node.next.get(word!);
        if (!node) break;
        if (node.values) best = { end: j + 1, node };
      }
      if (best) {
        const corrections: [string, string][] = [];
        for (let k = i; k < best.end; k++) if (resolved[k] !== tokens[k]) corrections.push([tokens[k]!, resolved[k]!]);
        for (const value of best.node.values!) {
          matches.push({ start: i, end: best.end, text: tokens.slice(i, best.end).join(' '), term: best.node.term!, value, corrections });
        }
        i = best.end;
      } else i++;
    }
    return matches;
  }

  /** True when the token is a lexicon word or one edit from exactly one. */
  isLexiconWord(token: string): boolean {
    return this.resolve(token) !== null;
  }
}

function singleDeletes(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transposition), stopping past `limit`. */
export function osaDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0]![j] = j;
  for (let i = 1; i < rows; i++) {
    let rowMin = Infinity;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
  }
  return d[a.length]![b.length]!;
}
