/**
 * What surrounds a word in a sentence of triage text: inside a negation's scope (NegEx-style on
 * expanded words: "denies etoh, drugs" negates both, "denies SI, took 20 tylenol" stops at the
 * verb), after a word that puts it in the past ("hx of", "prior", "former"), or near a set of
 * words ("possible", "plan to").
 */
import { NEGATION_AFTER, NEGATION_SCOPE, NEGATION_TERMINATORS, NEGATION_TRIGGERS, NEGATION_VERB_TERMINATORS } from './cues.ts';

/** Words that put what follows in the past ("hx of heroin use", "prior OD", "former user"). */
const PAST = new Set(['history', 'past', 'prior', 'previous', 'previously', 'former', 'formerly', 'remote', 'recovering', 'recovered', 'recovery']);
/** Words the past does not reach across: the sentence is back in this visit ("hx SI, states took extra"). */
const PAST_BREAK = new Set([...NEGATION_TERMINATORS, ...NEGATION_VERB_TERMINATORS, 'missed', 'missing', 'ran', 'takes', 'today', 'tonight', 'now']);
const NOT_WHAT = /^(?:given|detected|found|present|involved|used|taken|administered)$/;

export interface Modifiers {
  /** A word of [start, end) is negated, or the span is followed by "negative", "not given" ... */
  negated(start: number, end: number): boolean;
  /** A word of `set` within `before` words before or `after` words after the span. */
  near(set: ReadonlySet<string>, start: number, end: number, before: number, after: number): boolean;
  past(start: number): boolean;
}

function negationScope(tokens: readonly string[]): Uint8Array {
  const out = new Uint8Array(tokens.length);
  let remaining = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (NEGATION_TRIGGERS.has(t)) remaining = NEGATION_SCOPE;
    else if (remaining > 0) {
      if (NEGATION_TERMINATORS.has(t) || (NEGATION_VERB_TERMINATORS.has(t) && remaining < NEGATION_SCOPE && !/^(?:any|all)$/.test(tokens[i - 1]!))) remaining = 0;
      else {
        out[i] = 1;
        remaining--;
      }
    }
  }
  return out;
}

/**
 * A past word at most three words before, none of them a number or a break. The death coder's
 * HISTORY_BEFORE reads up to three words after "history of" too, but certificates have punctuation
 * where triage has none ("hx afib HR 140s took extra metoprolol").
 */
function pastBefore(tokens: readonly string[], start: number): boolean {
  for (let i = start - 1; i >= Math.max(0, start - 4); i--) {
    const t = tokens[i]!;
    if (PAST.has(t)) return true;
    if (PAST_BREAK.has(t) || /^\d/.test(t)) return false;
  }
  return false;
}

export function sentenceModifiers(tokens: readonly string[]): Modifiers {
  const scope = negationScope(tokens);
  return {
    negated(start, end) {
      for (let i = start; i < end; i++) if (scope[i]) return true;
      const next = tokens[end];
      if (next === undefined) return false;
      // "etoh denied" ends its sentence; "took 20 seroquel, denies SI" does not negate the seroquel.
      if (next === 'denies' || next === 'denied') return end + 1 === tokens.length;
      return NEGATION_AFTER.has(next) || (next === 'not' && NOT_WHAT.test(tokens[end + 1] ?? ''));
    },
    near(set, start, end, before, after) {
      for (let i = Math.max(0, start - before); i < start; i++) if (set.has(tokens[i]!)) return true;
      for (let i = end; i < Math.min(tokens.length, end + after); i++) if (set.has(tokens[i]!)) return true;
      return false;
    },
    past: (start) => pastBefore(tokens, start),
  };
}
