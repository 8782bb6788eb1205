/**
 * From certificate lines to entities: each line is normalised, split into its "due to" parts,
 * and matched against the lexicon; each match carries its place (line, position) and what its
 * context says (negated, history, therapeutic, withdrawal). Pure: no I/O.
 */
import type { LexiconEntry } from '../lexicon/lexicon.ts';
import { normaliseText } from '../lexicon/normalise.ts';
import {
  DUE_TO,
  HISTORY_BEFORE,
  NEGATED_AFTER,
  NEGATED_BEFORE,
  POISONING,
  THERAPEUTIC_AFTER,
  THERAPEUTIC_BEFORE,
  WITHDRAWAL_AFTER,
} from './knowledge/context-cues.ts';
import type { TermMatcher } from './matcher.ts';
import type { EntityLine } from './types.ts';

export type Source = 'part1' | 'part2' | 'how_injury';

export interface Mention {
  source: Source;
  /** Entity-axis line: 1-4 Part I a-d, 6 Part II; null for how-injury-occurred. */
  line: EntityLine | null;
  /** 0-based "due to" part within the written line: part k+1 is reported as the cause of part k. */
  part: number;
  /** Order within the line, across its parts. */
  order: number;
  entry: LexiconEntry;
  text: string;
  corrections: [string, string][];
  /** Why this mention does not count as involved in this death, or null. */
  excludedBecause: string | null;
}

export interface ExtractedLine {
  source: Source;
  line: EntityLine | null;
  normalised: string;
  parts: string[];
  mentions: Mention[];
  /** Part I/II words that matched nothing: candidates for review ("possible new substance"). */
  unmatchedWords: string[];
  /** The line reads as a poisoning (toxicity, intoxication, overdose...). */
  poisoningWording: boolean;
}

const STOP_WORDS = new Set(
  'a an the of and or with to in on at by for from as is was be been probable probably possible possibly likely acute chronic combined mixed multiple other unknown unspecified effects effect toxicity intoxication overdose poisoning use abuse type stage severe end complications complication due secondary history hx s p w o x consistent associated including'.split(' '),
);

export function extractLine(text: string | null, source: Source, line: EntityLine | null, matcher: TermMatcher<LexiconEntry>): ExtractedLine | null {
  if (text === null) return null;
  const normalised = normaliseText(text);
  if (normalised === '') return null;
  const parts = normalised
    .split(DUE_TO)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  const mentions: Mention[] = [];
  const unmatchedWords: string[] = [];
  let order = 0;
  parts.forEach((part, partIndex) => {
    const tokens = splitGlued(part.split(' '), matcher);
    const matches = matcher.match(tokens);
    const covered = new Set<number>();
    for (const match of matches) {
      for (let i = match.start; i < match.end; i++) covered.add(i);
      const before = tokens.slice(Math.max(0, match.start - 6), match.start).join(' ') + ' ';
      const after = ' ' + tokens.slice(match.end, match.end + 4).join(' ');
      mentions.push({
        source,
        line,
        part: partIndex,
        order: order++,
        entry: match.value,
        text: match.text,
        corrections: match.corrections,
        excludedBecause: contextExclusion(before, after, match.value),
      });
    }
    tokens.forEach((token, i) => {
      if (!covered.has(i) && !STOP_WORDS.has(token) && token.length > 2 && !/^\d+$/.test(token)) unmatchedWords.push(token);
    });
  });
  return { source, line, normalised, parts, mentions, unmatchedWords, poisoningWording: POISONING.test(normalised) };
}

function contextExclusion(before: string, after: string, entry: LexiconEntry): string | null {
  if (NEGATED_BEFORE.test(before) || NEGATED_AFTER.test(after.slice(0, 24))) return 'negated';
  if (HISTORY_BEFORE.test(before)) return 'history, not this death';
  if (entry.kind === 'drug') {
    if (THERAPEUTIC_AFTER.test(after) || THERAPEUTIC_BEFORE.test(before)) return 'therapeutic use';
    if (WITHDRAWAL_AFTER.test(after)) return 'withdrawal or treatment, not poisoning';
  }
  return null;
}

/** Short words typists run into the next one: "ofacetyl", "andamphetamine", "includingethanol". */
const GLUE = ['of', 'and', 'with', 'the', 'to', 'in', 'including', 'from'];

/** Splits a token that is not a lexicon word into a glue word and a lexicon word, when it is one. */
function splitGlued(tokens: string[], matcher: TermMatcher<LexiconEntry>): string[] {
  const out: string[] = [];
  for (const token of tokens) {
    const glue = token.length > 6 && !matcher.isLexiconWord(token) ? GLUE.find((g) => token.startsWith(g) && matcher.isLexiconWord(token.slice(g.length))) : undefined;
    if (glue) out.push(glue, token.slice(glue.length));
    else out.push(token);
  }
  return out;
}
