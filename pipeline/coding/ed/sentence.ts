/**
 * One sentence of triage text → drug mentions with their role and the cues it states, added to
 * the field's facts. Each overdose word is read with its modifiers (modifiers.ts): negated,
 * planned ("plan to OD"), past ("hx of OD"), or uncertain ("possible OD": not coded, ICD-10-CM
 * Guidelines IV.H); "took 20 tylenol" is an overdose without the word.
 */
import type { TermMatch } from '../deaths/matcher.ts';
import { type CueKind, HYPOTHETICAL, UNCERTAIN } from './cues.ts';
import { type FieldFacts, ROLE_REASON } from './facts.ts';
import type { EdMatchers } from './matchers.ts';
import { sentenceModifiers } from './modifiers.ts';
import { mentionRole, type SentenceView } from './roles.ts';
import type { CategoryInfo, DrugTerm } from './tables.ts';

const TAKE_VERBS = new Set(['took', 'taking', 'take', 'ingested', 'swallowed', 'ate', 'used']);
const HEDGES = new Set(['approximately', 'about', 'around', 'like', 'over', 'roughly', 'maybe', 'at', 'least', 'a']);
/** Tablets taken at once that make an ingestion an overdose without other words ("took 20 tylenol"). */
const OVERDOSE_COUNT = 5;
const SUBSTANCE_LIKE = /(?:ine|ines|azepam|azolam|olam|fentanyl|fentanil|nitazene|amine|idone|odone|orphine|barbital|ane|azine|azene)$|^(?:fluoro|chloro|bromo|nitaz|fentan|methyl)/;

export function analyseSentence(tokens: string[], matchers: EdMatchers, categories: ReadonlyMap<string, CategoryInfo>, facts: FieldFacts): void {
  const cues = matchers.cues(tokens);
  const drugs = matchers.drugs(tokens);
  if (cues.length === 0 && drugs.length === 0) return;
  const { negated, near, past } = sentenceModifiers(tokens);
  const live = (c: TermMatch<CueKind>) => !negated(c.start, c.end) && !past(c.start);

  let overdose = false;
  for (const c of cues) {
    if (c.value === 'overdose' || (c.value === 'excess' && cues.some((v) => v.value === 'use' && TAKE_VERBS.has(v.text) && v.end <= c.start && c.start - v.end <= 2))) {
      // Only overdose words themselves are listed as left out ("all her" alone says nothing).
      const note = (why: string) => c.value === 'overdose' && facts.negated.push(`${c.text}: ${why}`);
      if (negated(c.start, c.end)) note('negated');
      else if (near(HYPOTHETICAL, c.start, c.end, 4, 0)) note('plan or thought, not an event');
      else if (past(c.start)) note('history, not this visit');
      else if (near(UNCERTAIN, c.start, c.end, 3, 1)) facts.uncertainOverdose ??= c.text;
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
    addMention(d, view, categories, facts);
  }

  if (overdose) facts.overdose = true;
  if (naloxone) facts.naloxone = true;
  if (kinds.has('depressed')) facts.depressed = true;
  if (kinds.has('intoxication')) facts.intoxication = true;
  if (kinds.has('alcohol-sign') && facts.mentions.some((m) => m.role === 'acute' && m.info.deathCode === 'T51.0')) facts.alcoholSign = true;
  if (kinds.has('withdrawal')) facts.withdrawal = true;
  if (kinds.has('detox')) facts.detox = true;
  if (kinds.has('ingest')) facts.ingest = true;
  if (kinds.has('foreign-body')) facts.foreignBody = true;
  // "Unable to determine if intentional or accidental": the intent words after it are not statements.
  const undetermined = cues.filter((c) => c.value === 'undetermined' && live(c));
  const weighed = (c: TermMatch<CueKind>) => undetermined.some((u) => c.start >= u.end && c.start - u.end <= 4);
  for (const c of cues) {
    if ((c.value === 'self-harm' || c.value === 'accidental') && weighed(c)) continue;
    if (c.value === 'self-harm') {
      if (negated(c.start, c.end)) facts.negated.push(`${c.text}: negated`);
      else if (past(c.start)) facts.selfHarmHistory = true;
      else facts.selfHarm = true;
    } else if (c.value === 'assault' && live(c)) facts.assault = true;
    else if (c.value === 'undetermined' && live(c)) facts.undetermined = true;
    else if (c.value === 'accidental' && live(c)) facts.accidental = true;
    else if (c.value === 'naloxone' && !naloxone) facts.negated.push(`${c.text}: not given (${negated(c.start, c.end) ? 'negated' : 'kit or request'})`);
  }
  if (overdose || naloxone || facts.uncertainOverdose !== null) collectUnknown(tokens, cues, drugs, matchers, facts);
}

function addMention(d: TermMatch<DrugTerm>, view: SentenceView, categories: ReadonlyMap<string, CategoryInfo>, facts: FieldFacts): void {
  const role = mentionRole(d, view);
  const info = role === null || d.value.category === null ? undefined : categories.get(d.value.category);
  if (!role || !info) return;
  facts.mentions.push({ term: d.value, info, text: d.text, corrections: d.corrections, role });
  if (role !== 'acute') facts.negated.push(`${d.text}: ${ROLE_REASON[role]}`);
}

function collectUnknown(tokens: readonly string[], cues: readonly TermMatch<CueKind>[], drugs: readonly TermMatch<DrugTerm>[], matchers: EdMatchers, facts: FieldFacts): void {
  const covered = new Uint8Array(tokens.length);
  for (const m of [...cues, ...drugs]) for (let i = m.start; i < m.end; i++) covered[i] = 1;
  tokens.forEach((t, i) => {
    if (!covered[i] && t.length >= 7 && SUBSTANCE_LIKE.test(t) && matchers.unknownWord(t) && !facts.unknownWords.includes(t)) facts.unknownWords.push(t);
  });
}
