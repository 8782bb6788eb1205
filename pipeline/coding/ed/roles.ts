/**
 * The role of one drug mention in its sentence: negated, past, therapeutic, maintenance,
 * withdrawal, detox, or acute (only acute mentions can be this visit's poisoning). Street names
 * that are ordinary words ("ice", "bars", "blues") count only next to a use or overdose word.
 * Reuses the death coder's cue patterns where they read triage text as well (therapeutic words
 * after a drug, withdrawal and detox after it, "prescribed" before it).
 */
import { THERAPEUTIC_AFTER, THERAPEUTIC_BEFORE, WITHDRAWAL_AFTER } from '../deaths/knowledge/context-cues.ts';
import type { TermMatch } from '../deaths/matcher.ts';
import { type CueKind, DOSE_WORDS, ON_AFTER_OVERDOSE, UNCERTAIN } from './cues.ts';
import type { MentionRole } from './facts.ts';
import type { DrugTerm } from './tables.ts';

export interface SentenceView {
  tokens: readonly string[];
  cues: readonly TermMatch<CueKind>[];
  /** The sentence states an overdose or naloxone given: "for", "on", "daily" no longer mean a prescription. */
  overdose: boolean;
  /** The sentence states an acute effect (overdose, naloxone, depressed consciousness): its withdrawal or detox words do not make every drug in it withdrawal. */
  acuteEffect: boolean;
  negated(start: number, end: number): boolean;
  past(start: number): boolean;
}

/** Opioid agonist treatment: methadone and buprenorphine clinics, programs, "on suboxone". */
const TREATMENT_DRUGS = new Set(['methadone', 'buprenorphine']);
/** Substances nobody takes as prescribed: "uses heroin daily", "on meth" are not therapeutic. */
const STREET = new Set(
  'heroin fentanyl carfentanil acetylfentanyl para-fluorofentanyl furanylfentanyl fentanyl analog opioid cocaine methamphetamine mdma synthetic cathinone cannabis synthetic cannabinoid lsd psilocybin phencyclidine dmt salvia ghb xylazine medetomidine kratom ethanol nitazene u-47700 brorphine'.split(' '),
);
/** Before "on", words that make the drug what the patient is on ("pt on subs"), not where they fell ("fall on ice"). */
const ON_OK = new Set('patient is was currently been also still he she they remains'.split(' '));
const STRONG_AFTER = new Set(['patch', 'patches', 'transdermal', 'drip', 'infusion', 'pump', 'pca']);
const HISTORY_NEAR = new Set(['clean', 'sober', 'quit', 'former', 'formerly', 'recovering', 'recovery']);

function cueNear(v: SentenceView, kind: CueKind, d: TermMatch<DrugTerm>, before: number, after: number, evenNegated = false): TermMatch<CueKind> | undefined {
  return v.cues.find((c) => c.value === kind && (evenNegated || !v.negated(c.start, c.end)) && ((c.end <= d.start && d.start - c.end <= before) || (c.start >= d.end && c.start - d.end < after) || (c.start < d.end && c.end > d.start)));
}

/** Before "on": chewing on a strip is not being on it. */
const ON_BLOCK = new Set([...ON_AFTER_OVERDOSE, 'chewing', 'sucking', 'biting', 'chewed', 'choking']);

function onBefore(d: TermMatch<DrugTerm>, v: SentenceView, ok?: ReadonlySet<string>): boolean {
  if (v.tokens[d.start - 1] !== 'on') return false;
  const before = v.tokens[d.start - 2];
  return ok ? before !== undefined && ok.has(before) : before === undefined || !ON_BLOCK.has(before);
}

function therapeutic(d: TermMatch<DrugTerm>, v: SentenceView): 'strong' | 'weak' | null {
  const t = v.tokens;
  let k = d.end;
  while (k < t.length && (DOSE_WORDS.has(t[k]!) || /^\d/.test(t[k]!))) k++;
  const first = t[k];
  if (first !== undefined && STRONG_AFTER.has(first)) return 'strong';
  if (first !== undefined && THERAPEUTIC_AFTER.test(' ' + t.slice(k, k + 4).join(' '))) {
    // "fentanyl given" is the clinician's; "used fent, given narcan" is not.
    if (first === 'given' || first === 'administered') return v.cues.some((c) => c.value === 'naloxone' && c.start === k + 1) ? null : 'strong';
    return 'weak';
  }
  const given = v.cues.find((c) => c.value === 'given' && c.end <= d.start && d.start - c.end <= 2);
  if (given && v.cues.some((c) => c.value === 'clinical')) return 'strong';
  if (THERAPEUTIC_BEFORE.test(t.slice(Math.max(0, d.start - 3), d.start).join(' ') + ' ')) return 'weak';
  if (onBefore(d, v) || first === 'for') return 'weak';
  if (cueNear(v, 'prescribed', d, 3, 1) || (first !== undefined && v.cues.some((c) => c.value === 'prescribed' && c.start === k))) return 'weak';
  return null;
}

function historyAfter(d: TermMatch<DrugTerm>, v: SentenceView): boolean {
  const t = v.tokens;
  for (let i = Math.max(0, d.start - 3); i < d.start; i++) if (HISTORY_NEAR.has(t[i]!)) return true;
  for (let i = d.end; i < Math.min(t.length, d.end + 6); i++) {
    if (t[i] === 'ago' && /^(?:years?|yrs?|months?|mos?)$/.test(t[i - 1] ?? '')) return true;
  }
  return false;
}

/** Cues that make an ambiguous street name a drug when next to it. */
const USE_KINDS: readonly CueKind[] = ['use', 'overdose', 'intoxication', 'ingest'];
const LETTER_AFTER = new Set(['use', 'user', 'users', 'abuse', 'overdose', 'withdrawal']);
const LETTER_BEFORE = new Set(['using', 'used', 'snorted', 'snorting', 'smoked', 'smoking', 'shot', 'injected', 'injecting']);

/** A one-letter street name ("H") only right next to a use word: "H use", "snorted H", never "2 h ago". */
function letterInUse(d: TermMatch<DrugTerm>, v: SentenceView): boolean {
  return LETTER_AFTER.has(v.tokens[d.end] ?? '') || LETTER_BEFORE.has(v.tokens[d.start - 1] ?? '');
}

/** The mention's role, or null when it is not a drug mention at all (an ordinary word, a non-drug phrase). */
export function mentionRole(d: TermMatch<DrugTerm>, v: SentenceView): MentionRole | null {
  const term = d.value;
  if (term.category === null) return null;
  if (term.ambiguous && term.term.length === 1) {
    if (!letterInUse(d, v)) return null;
  } else if (term.ambiguous && !USE_KINDS.some((k) => cueNear(v, k, d, 3, 2, true)) && !onBefore(d, v, ON_OK)) return null;
  if (v.negated(d.start, d.end)) return 'negated';
  if (UNCERTAIN.has(v.tokens[d.start - 1] ?? '') || UNCERTAIN.has(v.tokens[d.start - 2] ?? '')) return 'uncertain';
  if (v.past(d.start) || historyAfter(d, v)) return 'history';
  if (cueNear(v, 'believed', d, 2, 0)) return 'believed';
  const treatment = TREATMENT_DRUGS.has(term.name);
  if (treatment && (cueNear(v, 'maintenance', d, 0, 3) || (term.name === 'buprenorphine' && onBefore(d, v)))) return 'maintenance';
  const after = WITHDRAWAL_AFTER.exec(' ' + v.tokens.slice(d.end, d.end + 3).join(' '));
  if (after) {
    const word = after[0].trim();
    if (word.startsWith('withdrawal')) return 'withdrawal';
    if (word.startsWith('detox')) return 'detox';
    return treatment ? 'maintenance' : 'therapeutic';
  }
  if (cueNear(v, 'withdrawal', d, 3, 0)) return 'withdrawal';
  if (cueNear(v, 'detox', d, 3, 0)) return 'detox';
  const street = STREET.has(term.name);
  const therapy = term.generic ? null : therapeutic(d, v);
  if (therapy === 'strong' || (therapy === 'weak' && !street && !v.overdose)) return 'therapeutic';
  if (!v.acuteEffect) {
    if (v.cues.some((c) => c.value === 'withdrawal' && !v.negated(c.start, c.end))) return 'withdrawal';
    if (v.cues.some((c) => c.value === 'detox' && !v.negated(c.start, c.end))) return 'detox';
  }
  return 'acute';
}
