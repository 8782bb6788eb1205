/**
 * One text field (chief complaint or triage note) → its facts: split into sentences, shorthand
 * expanded, each sentence matched and read in context. A pure function of the text, so the coder
 * memoises it: chief complaints repeat constantly ("OD", "etoh intox", "SOB"). Quiet facts (the
 * great majority) are shared objects, one per combination of flags, to keep the memo small.
 */
import { emptyFacts, type FieldFacts, isQuiet } from './facts.ts';
import type { EdMatchers } from './matchers.ts';
import { addSentence, NOTHING_SAID, sentenceFacts, type SentenceFacts } from './sentence.ts';
import { sentenceParts, sentenceTokens } from './shorthand.ts';
import type { CategoryInfo } from './tables.ts';

export type FieldAnalyser = (text: string | null) => FieldFacts | null;

/** The flags a quiet field may still carry, each of which matters only beside another field's mention. */
const QUIET_FLAGS = ['depressed', 'intoxication', 'alcoholSign', 'ingest', 'foreignBody', 'selfHarm', 'selfHarmHistory', 'undetermined', 'accidental'] as const;

function internQuiet(facts: FieldFacts, shared: Map<number, FieldFacts>): FieldFacts {
  let key = 0;
  for (let i = 0; i < QUIET_FLAGS.length; i++) if (facts[QUIET_FLAGS[i]!]) key |= 1 << i;
  let out = shared.get(key);
  if (!out) shared.set(key, (out = Object.freeze({ ...facts, mentions: [], negated: [], unknownWords: [] }) as FieldFacts));
  return out;
}

/** Remembers sentences by their text as written (a note is new far more often than its sentences). */
export class SentenceMemo {
  private readonly memo = new Map<string, SentenceFacts>();

  constructor(
    private readonly matchers: EdMatchers,
    private readonly categories: ReadonlyMap<string, CategoryInfo>,
    private readonly capacity = 100_000,
  ) {}

  facts(part: string): SentenceFacts {
    let facts = this.memo.get(part);
    if (facts === undefined) {
      facts = factsOfPart(part, this.matchers, this.categories);
      if (this.memo.size >= this.capacity) this.memo.clear();
      this.memo.set(part, facts);
    }
    return facts;
  }
}

/** One sentence part as written → what it says on its own. */
function factsOfPart(part: string, matchers: EdMatchers, categories: ReadonlyMap<string, CategoryInfo>): SentenceFacts {
  const tokens = sentenceTokens(part);
  return tokens === null ? NOTHING_SAID : sentenceFacts(tokens, matchers, categories);
}

export function analyseField(text: string, matchers: EdMatchers, categories: ReadonlyMap<string, CategoryInfo>, sentences?: SentenceMemo): FieldFacts {
  const facts = emptyFacts();
  for (const part of sentenceParts(text)) addSentence(facts, sentences ? sentences.facts(part) : factsOfPart(part, matchers, categories));
  facts.quiet = isQuiet(facts);
  return facts;
}

/** Remembers recent fields by their text as written, and their sentences; results are shared and must not be modified. */
export function memoisedAnalyser(matchers: EdMatchers, categories: ReadonlyMap<string, CategoryInfo>, capacity = 50_000): FieldAnalyser {
  const memo = new Map<string, FieldFacts>();
  const shared = new Map<number, FieldFacts>();
  const sentences = new SentenceMemo(matchers, categories);
  return (text) => {
    if (text === null || text === '') return null;
    let facts = memo.get(text);
    if (facts === undefined) {
      facts = analyseField(text, matchers, categories, sentences);
      if (facts.quiet) facts = internQuiet(facts, shared);
      if (memo.size >= capacity) memo.clear();
      memo.set(text, facts);
    }
    return facts;
  };
}
