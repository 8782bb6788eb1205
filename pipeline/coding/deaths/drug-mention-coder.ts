/**
 * The first death coder: finds drug mentions in the literal text and codes drug (and alcohol)
 * poisoning deaths: T-codes as multiple causes and the external cause as underlying cause, by the
 * intent table in overdose-cause.ts. It does not yet select underlying causes for other deaths
 * (the WHO selection rules are the death-coder issue); those get a null underlying cause and a
 * trace that says so, not a guess.
 */
import type { Certificate } from '../../records/certificate.ts';
import { DRUG_TERMS, DRUG_TERMS_VERSION, type DrugTerm } from '../lexicon/drug-terms.ts';
import { normaliseText } from '../lexicon/normalise.ts';
import { overdoseCause, ROW_LABELS } from './overdose-cause.ts';
import {
  INTENT_BY_MANNER,
  type CodedCertificate,
  type DeathCoder,
  type EntityAxisCode,
  type EntityLine,
  type TraceStep,
} from './types.ts';

export const DRUG_MENTION_CODER_VERSION = 'drug-mention/1';

const UNSPECIFIED_DRUG = 'T50.9';
const ALCOHOL = 'T51.0';

/** Words that make a Part I line a poisoning rather than, say, a chronic condition. */
const POISONING_WORDS = /\b(toxicity|toxicities|intoxication|intoxications|intoxicated|overdose|overdosage|od|poisoning|toxic effects?|ingestion|abuse of drugs)\b/;
/** Cues before a mention that say this drug did not cause this death. */
const NEGATION_BEFORE = /\b(no|not|negative for|without|no evidence of|ruled out|rule out|denies|absence of|free of)( \w+){0,3} $/;
const NEGATION_AFTER = /^ (negative|not detected|ruled out|was not|not present)\b/;
const HISTORY_BEFORE = /\b(history of|hx of|h o|past|remote|prior|former)( \w+){0,3} $/;
const THERAPEUTIC_AFTER = /^ (patch|patches|transdermal|drip|infusion|for pain|prescribed)\b/;
const WITHDRAWAL_AFTER = /^ (withdrawal|withdrawals|dependence treatment|maintenance)\b/;

interface Mention {
  term: DrugTerm;
  source: 'part1' | 'part2' | 'how_injury';
  line: EntityLine | null;
  index: number;
  text: string;
  excludedBecause: string | null;
}


function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createDrugMentionCoder(terms: readonly DrugTerm[] = DRUG_TERMS): DeathCoder {
  const byTerm = new Map(terms.map((term) => [term.term, term]));
  // Longest alternatives first, so "crack cocaine" wins over "cocaine" and "mixed drug" over "drug".
  const alternatives = [...byTerm.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(`\\b(?:${alternatives.join('|')})\\b`, 'g');

  function findMentions(text: string | null, source: Mention['source'], line: EntityLine | null): Mention[] {
    if (text === null) return [];
    const normalised = normaliseText(text);
    const mentions: Mention[] = [];
    for (const match of normalised.matchAll(pattern)) {
      const term = byTerm.get(match[0])!;
      const before = normalised.slice(Math.max(0, match.index - 40), match.index);
      const after = normalised.slice(match.index + match[0].length, match.index + match[0].length + 30);
      let excludedBecause: string | null = null;
      if (NEGATION_BEFORE.test(before) || NEGATION_AFTER.test(after)) excludedBecause = 'negated';
      else if (HISTORY_BEFORE.test(before)) excludedBecause = 'history, not this death';
      else if (THERAPEUTIC_AFTER.test(after)) excludedBecause = 'therapeutic use';
      else if (WITHDRAWAL_AFTER.test(after)) excludedBecause = 'withdrawal or treatment, not poisoning';
      mentions.push({ term, source, line, index: match.index, text: match[0], excludedBecause });
    }
    return mentions;
  }

  function code(certificate: Certificate): CodedCertificate {
    const trace: TraceStep[] = [];
    const reasons: string[] = [];
    const intent = certificate.manner === null ? null : INTENT_BY_MANNER[certificate.manner];
    const part1Lines = certificate.part1;
    const mentions: Mention[] = [
      ...part1Lines.flatMap((text, i) => findMentions(text, 'part1', (i + 1) as EntityLine)),
      ...findMentions(certificate.part2, 'part2', 6),
      ...findMentions(certificate.howInjury, 'how_injury', null),
    ];
    for (const mention of mentions) {
      if (mention.excludedBecause) trace.push({ rule: 'context', detail: `"${mention.text}" not counted: ${mention.excludedBecause}` });
    }
    const counted = mentions.filter((mention) => mention.excludedBecause === null);
    const part1Text = part1Lines.filter((line): line is string => line !== null).map(normaliseText).join(' | ');
    const poisoningWording = POISONING_WORDS.test(part1Text);
    const part1Drugs = counted.filter((mention) => mention.source === 'part1');
    const part1SpecificDrugs = part1Drugs.filter((mention) => mention.term.code !== UNSPECIFIED_DRUG);
    const injuryManner = certificate.manner !== null && certificate.manner !== 'N';

    // A poisoning when Part I names a drug with poisoning words or a non-natural manner, or when
    // Part I says poisoning and a drug is named anywhere.
    const isPoisoning =
      (part1SpecificDrugs.length > 0 && (poisoningWording || injuryManner)) ||
      (poisoningWording && part1Drugs.length > 0) ||
      (poisoningWording && injuryManner && counted.length > 0);

    if (!isPoisoning && certificate.manner === 'P') {
      trace.push({ rule: 'pending investigation', detail: 'Manner is pending investigation: coded R99 until the amended record arrives.' });
      return { certificateId: certificate.certificateId, underlyingCause: 'R99', recordAxis: ['R99'], entityAxis: [], drugs: [], intent, review: { required: true, reasons: ['pending investigation'] }, trace };
    }
    if (!isPoisoning) {
      const hasText = part1Lines.some((line) => line !== null);
      trace.push({
        rule: 'drug poisoning',
        detail: hasText
          ? 'No drug or alcohol poisoning found in Part I; underlying cause of other deaths is not selected by the drug-mention coder.'
          : 'Part I is empty: nothing to code.',
      });
      if (!hasText) reasons.push('no cause-of-death text');
      return { certificateId: certificate.certificateId, underlyingCause: null, recordAxis: [], entityAxis: [], drugs: [], intent, review: { required: reasons.length > 0, reasons }, trace };
    }

    // Involved drugs: every counted mention; the unspecified code only when nothing specific was named.
    const specific = counted.filter((mention) => mention.term.code !== UNSPECIFIED_DRUG);
    const involved = specific.length > 0 ? specific : counted.filter((mention) => mention.term.code === UNSPECIFIED_DRUG);
    const drugs = uniqueBy(involved.map((m) => ({ name: m.term.drug, code: m.term.code })), (d) => d.name);
    const drugCodes = unique(drugs.map((drug) => drug.code));
    const nonAlcoholCodes = drugCodes.filter((c) => c !== ALCOHOL);
    if (specific.length === 0) reasons.push('unspecified drug (T50.9): the text names no specific drug');
    if (certificate.manner === 'N') reasons.push('manner natural contradicts a drug poisoning in Part I');

    let underlyingCause: string;
    if (certificate.manner === 'P') {
      underlyingCause = 'R99';
      reasons.push('pending investigation');
      trace.push({ rule: 'pending investigation', detail: 'Manner is pending investigation: coded R99 until the amended record arrives.' });
    } else if (nonAlcoholCodes.length === 0) {
      // Alcohol alone is alcohol poisoning (X45/X65/Y15), not a drug overdose.
      // Assault by alcohol has no row of its own: X89 (other specified chemicals), for a human to confirm.
      const byIntent = { suicide: 'X65', homicide: 'X89', undetermined: 'Y15' } as Record<string, string>;
      if (intent === 'homicide') reasons.push('assault by alcohol poisoning: confirm the external cause');
      underlyingCause = byIntent[intent ?? ''] ?? 'X45';
      trace.push({ rule: 'alcohol poisoning', detail: `Only alcohol (T51.0) is named: ${underlyingCause}, not a drug overdose.` });
    } else {
      const cause = overdoseCause(nonAlcoholCodes, intent);
      underlyingCause = cause.code;
      trace.push({
        rule: 'drug poisoning',
        detail: `Part I describes a poisoning by ${drugs.map((d) => `${d.name} (${d.code})`).join(', ')}.`,
      });
      trace.push({
        rule: 'external cause by intent',
        detail: `Drugs fall in the row "${ROW_LABELS[cause.row]}"${new Set(nonAlcoholCodes.map((c) => c.slice(0, 3))).size > 1 && cause.row === 'other' ? ' (drugs of different rows together)' : ''}; intent ${cause.intent}${intent === null ? ' (not stated: read as accident)' : ''} gives ${cause.code}.`,
      });
    }

    const entityAxis: EntityAxisCode[] = [];
    for (const line of [1, 2, 3, 4, 6] as const) {
      const onLine = uniqueBy(
        involved.filter((m) => m.line === line).sort((a, b) => a.index - b.index),
        (m) => m.term.code,
      );
      onLine.forEach((m, i) => entityAxis.push({ line, position: i + 1, code: m.term.code, text: m.text, natureOfInjury: true }));
    }
    return {
      certificateId: certificate.certificateId,
      underlyingCause,
      recordAxis: unique([underlyingCause, ...drugCodes]),
      entityAxis,
      drugs,
      intent,
      review: { required: reasons.length > 0, reasons },
      trace,
    };
  }

  return { coderVersion: DRUG_MENTION_CODER_VERSION, lexiconVersion: DRUG_TERMS_VERSION, code };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function uniqueBy<T>(values: readonly T[], key: (value: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((value) => (seen.has(key(value)) ? false : (seen.add(key(value)), true)));
}
