/**
 * One sentence of triage text → drug mentions with their role and the cues it states, added to
 * the field's facts. Each overdose word is read with its modifiers (modifiers.ts): negated,
 * planned ("plan to OD"), past ("hx of OD"), or uncertain ("possible OD": not coded, ICD-10-CM
 * Guidelines IV.H); "took 20 tylenol" is an overdose without the word.
 */
import type { TermMatch } from '../deaths/matcher.ts';
import { type CueKind, HYPOTHETICAL, UNCERTAIN } from './cues.ts';
import { type FieldFacts, type Mention, ROLE_REASON } from './facts.ts';
import type { EdMatchers } from './matchers.ts';
import { sentenceModifiers } from './modifiers.ts';
import { mentionRole, type SentenceView } from './roles.ts';
import type { CategoryInfo, DrugTerm } from './tables.ts';

const TAKE_VERBS = new Set(['took', 'taking', 'take', 'ingested', 'swallowed', 'ate', 'used']);
const HEDGES = new Set(['approximately', 'about', 'around', 'like', 'over', 'roughly', 'maybe', 'at', 'least', 'a']);
/** Tablets taken at once that make an ingestion an overdose without other words ("took 20 tylenol"). */
const OVERDOSE_COUNT = 5;
const SUBSTANCE_LIKE = /(?:ine|ines|azepam|azolam|olam|fentanyl|fentanil|nitazene|amine|idone|odone|orphine|barbital|ane|azine|azene)$|^(?:fluoro|chloro|bromo|nitaz|fentan|methyl)/;

/** Flags a sentence can set on its field (each only ever turned on). */
const SENTENCE_FLAGS = ['overdose', 'naloxone', 'depressed', 'intoxication', 'withdrawal', 'detox', 'ingest', 'foreignBody', 'selfHarm', 'selfHarmHistory', 'assault', 'undetermined', 'accidental'] as const;
type SentenceFlag = (typeof SENTENCE_FLAGS)[number];

/**
 * What one sentence says on its own, a pure function of its words: so a field's analyser can
 * remember sentences (a note is new far more often than its sentences are: "Denies fever", "Narcan
 * x2 by EMS"). The two things that depend on the sentences before it are kept open for the merge
 * (`addSentence`): an alcohol sign counts only beside an acute alcohol mention of the field so
 * far, and unknown words are collected once the field has an overdose, even an uncertain one.
 */
export interface SentenceFacts {
  mentions: Mention[];
  negated: string[];
  flags: readonly SentenceFlag[];
  uncertainOverdose: string | null;
  /** An alcohol-sign cue (odor on breath, slurred speech), not negated. */
  alcoholSignCue: boolean;
  /** The sentence itself states an overdose or naloxone given: collect its unknown words. */
  collects: boolean;
  /** Substance-like words no table knows, not part of a match, in order (before the field's de-duplication). */
  unknownCandidates: string[];
}

/** What a sentence without a cue or a drug says (shared). */
export const NOTHING_SAID: SentenceFacts = Object.freeze({ mentions: [], negated: [], flags: [], uncertainOverdose: null, alcoholSignCue: false, collects: false, unknownCandidates: [] });

export function sentenceFacts(tokens: string[], matchers: EdMatchers, categories: ReadonlyMap<string, CategoryInfo>): SentenceFacts {
  const cues = matchers.cues(tokens);
  const drugs = matchers.drugs(tokens);
  if (cues.length === 0 && drugs.length === 0) return NOTHING_SAID;
  const { negated, near, past } = sentenceModifiers(tokens);
  const live = (c: TermMatch<CueKind>) => !negated(c.start, c.end) && !past(c.start);
  const out: SentenceFacts = { mentions: [], negated: [], flags: [], uncertainOverdose: null, alcoholSignCue: false, collects: false, unknownCandidates: [] };
  const flags = new Set<SentenceFlag>();

  let overdose = false;
  for (const c of cues) {
    if (c.value === 'overdose' || (c.value === 'excess' && cues.some((v) => v.value === 'use' && TAKE_VERBS.has(v.text) && v.end <= c.start && c.start - v.end <= 2))) {
      // Only overdose words themselves are listed as left out ("all her" alone says nothing).
      const note = (why: string) => c.value === 'overdose' && out.negated.push(`${c.text}: ${why}`);
      if (negated(c.start, c.end)) note('negated');
      else if (near(HYPOTHETICAL, c.start, c.end, 4, 0)) note('plan or thought, not an event');
      else if (past(c.start)) note('history, not this visit');
      else if (near(UNCERTAIN, c.start, c.end, 3, 1)) out.uncertainOverdose ??= c.text;
      else overdose = true;
    } else if (c.value === 'use' && TAKE_VERBS.has(c.text) && live(c)) {
      for (let i = c.end; i < Math.min(tokens.length, c.end + 3); i++) {
        const t = tokens[i]!;
        if (/^\d+$/.test(t)) {
          if (Number(t) >= OVERDOSE_COUNT) overdose = true;
          break;
        }
        if (!HEDGES.has(t)) break;
      }
    }
  }
  const kinds = new Set<CueKind>();
  for (const c of cues) if (!negated(c.start, c.end)) kinds.add(c.value);
  const naloxone = cues.some((c) => c.value === 'naloxone' && !negated(c.start, c.end) && !cues.some((k) => k.value === 'kit' && ((k.start >= c.end && k.start - c.end <= 1) || (k.end <= c.start && c.start - k.end <= 2))));
  const view: SentenceView = { tokens, cues, overdose: overdose || naloxone, acuteEffect: overdose || naloxone || kinds.has('depressed'), negated, past };
  for (const d of drugs) {
    // "drinking lean": the verb's object is the substance.
    if (d.value.verb && drugs.some((o) => o !== d && o.value.category !== null && o.start >= d.end && o.start - d.end <= 2)) continue;
    addMention(d, view, categories, out);
  }

  if (overdose) flags.add('overdose');
  if (naloxone) flags.add('naloxone');
  if (kinds.has('depressed')) flags.add('depressed');
  if (kinds.has('intoxication')) flags.add('intoxication');
  out.alcoholSignCue = kinds.has('alcohol-sign');
  if (kinds.has('withdrawal')) flags.add('withdrawal');
  if (kinds.has('detox')) flags.add('detox');
  if (kinds.has('ingest')) flags.add('ingest');
  if (kinds.has('foreign-body')) flags.add('foreignBody');
  // "Unable to determine if intentional or accidental": the intent words after it are not statements.
  const undetermined = cues.filter((c) => c.value === 'undetermined' && live(c));
  const weighed = (c: TermMatch<CueKind>) => undetermined.some((u) => c.start >= u.end && c.start - u.end <= 4);
  for (const c of cues) {
    if ((c.value === 'self-harm' || c.value === 'accidental') && weighed(c)) continue;
    if (c.value === 'self-harm') {
      if (negated(c.start, c.end)) out.negated.push(`${c.text}: negated`);
      else if (past(c.start)) flags.add('selfHarmHistory');
      else flags.add('selfHarm');
    } else if (c.value === 'assault' && live(c)) flags.add('assault');
    else if (c.value === 'undetermined' && live(c)) flags.add('undetermined');
    else if (c.value === 'accidental' && live(c)) flags.add('accidental');
    else if (c.value === 'naloxone' && !naloxone) out.negated.push(`${c.text}: not given (${negated(c.start, c.end) ? 'negated' : 'kit or request'})`);
  }
  out.flags = [...flags];
  out.collects = overdose || naloxone;
  out.unknownCandidates = unknownCandidates(tokens, cues, drugs, matchers);
  return out;
}

/** Adds a sentence's facts to its field's, in order (see SentenceFacts for what depends on the sentences before). */
export function addSentence(facts: FieldFacts, sentence: SentenceFacts): void {
  if (sentence === NOTHING_SAID) return;
  for (const m of sentence.mentions) facts.mentions.push(m);
  for (const n of sentence.negated) facts.negated.push(n);
  for (const flag of sentence.flags) facts[flag] = true;
  if (sentence.alcoholSignCue && facts.mentions.some((m) => m.role === 'acute' && m.info.deathCode === 'T51.0')) facts.alcoholSign = true;
  facts.uncertainOverdose ??= sentence.uncertainOverdose;
  if (sentence.collects || facts.uncertainOverdose !== null) for (const w of sentence.unknownCandidates) if (!facts.unknownWords.includes(w)) facts.unknownWords.push(w);
}

function addMention(d: TermMatch<DrugTerm>, view: SentenceView, categories: ReadonlyMap<string, CategoryInfo>, facts: Pick<FieldFacts, 'mentions' | 'negated'>): void {
  const role = mentionRole(d, view);
  const info = role === null || d.value.category === null ? undefined : categories.get(d.value.category);
  if (!role || !info) return;
  facts.mentions.push({ term: d.value, info, text: d.text, corrections: d.corrections, role });
  if (role !== 'acute') facts.negated.push(`${d.text}: ${ROLE_REASON[role]}`);
}

function unknownCandidates(tokens: readonly string[], cues: readonly TermMatch<CueKind>[], drugs: readonly TermMatch<DrugTerm>[], matchers: EdMatchers): string[] {
  const covered = new Uint8Array(tokens.length);
  for (const m of [...cues, ...drugs]) for (let i = m.start; i < m.end; i++) covered[i] = 1;
  const out: string[] = [];
  tokens.forEach((t, i) => {
    if (!covered[i] && t.length >= 7 && SUBSTANCE_LIKE.test(t) && matchers.unknownWord(t)) out.push(t);
  });
  return out;
}
