/**
 * The death-certificate coder: literal text to WHO ICD-10 multiple causes and the underlying
 * cause, explained. Steps: find entities per line (extract.ts) → decide what kind of death the
 * text describes (drug poisoning, other injury, disease, pending) → select the underlying cause
 * by the rules for that kind → entity axis, record axis → review flags. Pure: no I/O.
 */
import type { Certificate } from '../../records/certificate.ts';
import type { Lexicon, LexiconEntry } from '../lexicon/lexicon.ts';
import { extractLine, type ExtractedLine, type Mention, type Source } from './extract.ts';
import { isIllDefined, isNatureOfInjury } from './knowledge/codes.ts';
import { KNOWN_WORDS } from './knowledge/context-cues.ts';
import { findMechanism, substanceMechanism, type InjuryIntent } from './knowledge/external-causes.ts';
import { isUnspecifiedDrugName } from './knowledge/drug-words.ts';
import { linkageRulesFor } from './knowledge/linkage.ts';
import { TermMatcher } from './matcher.ts';
import { overdoseCause, ROW_LABELS } from './overdose-cause.ts';
import { isMechanism, selectUnderlyingCause, type Condition } from './select-underlying.ts';
import { INTENT_BY_MANNER, type CodedCertificate, type DeathCoder, type DrugMention, type EntityAxisCode, type EntityLine, type Intent, type TraceStep } from './types.ts';

export const CERTIFICATE_CODER_VERSION = 'vigil-death-coder/1';

const UNSPECIFIED_DRUG = 'T50.9';

type DeathKind = 'drug poisoning' | 'alcohol poisoning' | 'injury' | 'disease' | 'none';

export function createCertificateCoder(lexicon: Lexicon): DeathCoder {
  const drugWords = new Set(lexicon.entries.filter((e) => e.kind === 'drug' && isDrugOrAlcohol(e.code)).flatMap((e) => e.term.split(' ')));
  const matcher = new TermMatcher<LexiconEntry>(
    lexicon.entries.map((entry) => ({ term: entry.term, value: entry })),
    KNOWN_WORDS,
    drugWords,
  );
  const extract = memoisedExtraction(matcher);
  const nameOf: DrugNameOf = (term) => lexicon.drugNames.get(term) ?? term;
  return { coderVersion: CERTIFICATE_CODER_VERSION, lexiconVersion: lexicon.version, code: (certificate) => codeCertificate(certificate, extract, nameOf) };
}

type Extract = (text: string | null, source: Source, line: EntityLine | null) => ExtractedLine | null;
/** The canonical substance name of a lexicon drug term ("xanax" → "alprazolam"). */
type DrugNameOf = (term: string) => string;

/**
 * Extraction is a pure function of (text, source, line), and certifiers write the same lines over
 * and over ("Acute fentanyl toxicity"): remembering recent lines roughly doubles throughput.
 * Results are shared, so nothing downstream may modify them.
 */
function memoisedExtraction(matcher: TermMatcher<LexiconEntry>, capacity = 100_000): Extract {
  // One map per line (0 = how-injury-occurred), keyed by the text as written.
  const memos = Array.from({ length: 7 }, () => new Map<string, ExtractedLine | null>());
  // And the last line of each kind: a bulk batch's keys come sorted by their texts (Part I a
  // first), so most lines repeat the one before, and comparing two strings is cheaper than
  // hashing a new one for the map.
  const lastTexts: (string | null)[] = new Array<string | null>(7).fill(null);
  const lastLines: (ExtractedLine | null)[] = new Array<ExtractedLine | null>(7).fill(null);
  return (text, source, line) => {
    if (text === null) return null;
    const slot = line ?? 0;
    if (text === lastTexts[slot]) return lastLines[slot] ?? null;
    const memo = memos[slot]!;
    let extracted = memo.get(text);
    if (extracted === undefined) {
      extracted = extractLine(text, source, line, matcher);
      if (memo.size >= capacity / 4) memo.clear();
      memo.set(text, extracted);
    }
    lastTexts[slot] = text;
    lastLines[slot] = extracted;
    return extracted;
  };
}

export function codeCertificate(certificate: Certificate, extract: Extract, nameOf: DrugNameOf = (term) => term): CodedCertificate {
  const trace: TraceStep[] = [];
  const reasons: string[] = [];
  const intent: Intent | null = certificate.manner === null ? null : INTENT_BY_MANNER[certificate.manner];

  const partOne = certificate.part1.map((text, i) => extract(text, 'part1', (i + 1) as EntityLine));
  const partTwo = extract(certificate.part2, 'part2', 6);
  const howInjury = extract(certificate.howInjury, 'how_injury', null);
  const partOneLines = partOne.filter((l): l is ExtractedLine => l !== null);
  // The mentions of every line (Part I, Part II, how the injury occurred, in that order), in one
  // pass: this runs once per distinct certificate text of a batch (~344k of 1M generated), and
  // flatMap and chained filters over the lines had cost ~10% of it.
  const mentions: Mention[] = [];
  for (const line of partOneLines) for (const m of line.mentions) mentions.push(m);
  if (partTwo) for (const m of partTwo.mentions) mentions.push(m);
  if (howInjury) for (const m of howInjury.mentions) mentions.push(m);
  const counted: Mention[] = [];
  for (const m of mentions) {
    if (m.excludedBecause) trace.push({ rule: 'context', detail: `"${m.text}" not counted: ${m.excludedBecause}.` });
    else {
      if (m.corrections.length > 0) trace.push({ rule: 'spelling', detail: `Read ${m.corrections.map(([from, to]) => `"${from}" as "${to}"`).join(', ')}.` });
      counted.push(m);
    }
  }
  const partOneCounted = counted.filter((m) => m.source === 'part1');
  // Drugs proper (T36-T50) and alcohols (T51) make a drug or alcohol poisoning; other toxic
  // substances (smoke, carbon monoxide, solvents: T52-T65) are injuries by their mechanism.
  const drugMentions = counted.filter((m) => m.entry.kind === 'drug' && isDrugOrAlcohol(m.entry.code));
  const partOneDrugs = partOneCounted.filter((m) => m.entry.kind === 'drug' && isDrugOrAlcohol(m.entry.code));
  const injuryManner = certificate.manner !== null && certificate.manner !== 'N';
  const partOneText = partOneLines.map((l) => l.normalised).join(' | ');
  const partOnePoisoning = partOneLines.some((l) => l.poisoningWording);
  // A named toxic substance (glycols, metals, pesticides) stands for its mechanism when the words name none.
  const toxicSubstance = partOneCounted.find((m) => m.entry.kind === 'drug' && !isDrugOrAlcohol(m.entry.code) && substanceMechanism(m.entry.code) !== null);
  // Looked for only when a rule asks: most certificates (drug poisonings, natural deaths) never do.
  let mechanismMemo: ReturnType<typeof findMechanism> | undefined;
  const mechanism = () =>
    mechanismMemo === undefined
      ? // how-injury-occurred first: it names the mechanism most precisely ("driver of car struck tree").
        (mechanismMemo = findMechanism(`${howInjury?.normalised ?? ''} | ${partOneText}`) ?? (toxicSubstance ? substanceMechanism(toxicSubstance.entry.code) : null))
      : mechanismMemo;
  // "Drug", "multiple drugs", "polysubstance": a drug without a name. A named drug with no
  // specific code (kratom, T50.9) is still named.
  const isUnspecified = (m: Mention) => m.entry.code === UNSPECIFIED_DRUG && isUnspecifiedDrugName(nameOf(m.entry.term));

  if (partOneLines.some((l) => /^pending\b/.test(l.normalised)) && kindOfText(partOneLines) === 'pending') {
    return pending(certificate, intent, [], [], trace, 'The cause is written as pending: coded R99 until the amended record arrives.');
  }
  if (partOneLines.length === 0 && partTwo) reasons.push('Part I is empty: the conditions are only in Part II');
  if (partOneLines.length === 0 && !partTwo) {
    if (certificate.manner === 'P') return pending(certificate, intent, [], [], trace, 'Part I is empty and the manner is pending investigation.');
    trace.push({ rule: 'no text', detail: 'Part I and Part II are empty: nothing to code.' });
    return result(certificate, null, [], [], intent, { required: true, reasons: ['no cause-of-death text'] }, trace);
  }

  // What kind of death the text describes decides which selection rules apply.
  const specificPartOneDrugs = partOneDrugs.filter((m) => !isUnspecified(m));
  const kind: DeathKind = (() => {
    const poisoning =
      (specificPartOneDrugs.length > 0 && (partOnePoisoning || injuryManner || specificPartOneDrugs.every((m) => isOnlyWordsOfLine(m, partOneLines)))) ||
      (partOnePoisoning && partOneDrugs.length > 0) ||
      (partOnePoisoning && injuryManner && drugMentions.length > 0);
    if (poisoning) {
      const nonAlcohol = drugMentions.filter((m) => !isAlcohol(m.entry.code));
      return nonAlcohol.length > 0 ? 'drug poisoning' : 'alcohol poisoning';
    }
    const injuryEntities = partOneCounted.some((m) => m.entry.kind === 'injury' || m.entry.kind === 'external' || (m.entry.kind === 'drug' && !isDrugOrAlcohol(m.entry.code)));
    if ((injuryManner || injuryEntities) && mechanism() !== null) return 'injury';
    if (partOneCounted.some((m) => m.entry.kind !== 'drug') || (partTwo?.mentions.length ?? 0) > 0) return 'disease';
    return 'none';
  })();

  // Drugs: every counted mention, anywhere (NCHS literal-text practice); the unspecified code
  // only when nothing specific is named.
  const specificDrugs = drugMentions.filter((m) => !isUnspecified(m));
  // Unknown words in a poisoning line may be a substance the lexicon does not know yet.
  const unknownInPoisoning: string[] = [];
  for (const line of partOneLines) if (line.poisoningWording) for (const word of line.unmatchedWords) if (!unknownInPoisoning.includes(word) && looksLikeSubstance(word)) unknownInPoisoning.push(word);
  const involvedDrugs = specificDrugs.length > 0 ? specificDrugs : drugMentions;
  const drugs = uniqueBy(
    involvedDrugs.map((m): DrugMention => ({ name: nameOf(m.entry.term), code: m.entry.code })),
    (d) => d.name,
  );

  let underlyingCause: string | null = null;
  const entityAxis: EntityAxisCode[] = [];

  if (kind === 'drug poisoning' || kind === 'alcohol poisoning') {
    const drugCodes = unique(involvedDrugs.map((m) => m.entry.code));
    const nonAlcoholCodes = drugCodes.filter((c) => !isAlcohol(c));
    trace.push({ rule: 'drug poisoning', detail: `Part I describes a poisoning by ${drugs.map((d) => `${d.name} (${d.code})`).join(', ')}.` });
    if (unknownInPoisoning.length > 0) reasons.push(`possible new substance: ${unknownInPoisoning.map((w) => `"${w}"`).join(', ')} in overdose context`);
    else if (specificDrugs.length === 0) reasons.push('unspecified drug (T50.9): the text names no specific drug');
    if (certificate.manner === 'N') reasons.push('manner natural contradicts a poisoning in Part I');
    addEntities(entityAxis, involvedDrugs);
    addEntities(entityAxis, counted.filter((m) => m.entry.kind !== 'drug'));
    if (certificate.manner === 'P') return pending(certificate, intent, entityAxis, drugs, trace, 'Manner is pending investigation: coded R99 until the amended record arrives.', drugCodes);
    if (kind === 'alcohol poisoning') {
      underlyingCause = { suicide: 'X65', homicide: 'X89', undetermined: 'Y15' }[intent as string] ?? 'X45';
      trace.push({ rule: 'alcohol poisoning', detail: `Only alcohol (T51.0) is named: ${underlyingCause}, not a drug overdose.` });
    } else {
      const cause = overdoseCause(nonAlcoholCodes, intent);
      underlyingCause = cause.code;
      const rows = new Set(nonAlcoholCodes.map((c) => c.slice(0, 3)));
      trace.push({
        rule: 'external cause by intent',
        detail: `Drugs fall in the row "${ROW_LABELS[cause.row]}"${cause.row === 'other' && rows.size > 1 ? ' (drugs of different rows together)' : ''}; intent ${cause.intent}${intent === null ? ' (not stated: read as accident)' : ''} gives ${cause.code}.`,
      });
    }
  } else if (kind === 'injury') {
    const found = mechanism()!;
    const injuries = partOneCounted.filter((m) => isNatureOfInjury(traumatic(m.entry.code)) && m.entry.kind !== 'external');
    if (injuries.length === 0) entityAxis.push({ line: 1, position: 1, code: found.injury, text: partOneLines[0]?.parts[0] ?? '', natureOfInjury: true });
    addEntities(entityAxis, counted.filter((m) => m.entry.kind !== 'external' && (m.entry.kind !== 'drug' || !isDrugOrAlcohol(m.entry.code))), traumatic);
    if (certificate.manner === 'P') return pending(certificate, intent, entityAxis, drugs, trace, `Injury by ${found.label} with manner pending investigation: coded R99 until the amended record arrives.`);
    const injuryIntent: InjuryIntent = intent === 'suicide' || intent === 'homicide' || intent === 'undetermined' ? intent : 'accident';
    underlyingCause = found.codes[injuryIntent];
    trace.push({
      rule: 'injury',
      detail: `Part I describes an injury by ${found.label}; the underlying cause is the external cause: intent ${injuryIntent}${intent === null || intent === 'natural' ? ` (manner ${intent ?? 'not stated'}: read as accident)` : ''} gives ${underlyingCause}.`,
    });
    if (certificate.manner === 'N') reasons.push('manner natural contradicts an injury in Part I');
  } else if (certificate.manner === 'P') {
    const conditions = toConditions(counted.filter((m) => m.entry.kind !== 'drug'));
    addEntities(entityAxis, counted.filter((m) => m.entry.kind !== 'drug'));
    return pending(certificate, intent, entityAxis, drugs, trace, 'Manner is pending investigation: coded R99 until the amended record arrives.', conditions.map((c) => c.code));
  } else if (kind === 'disease') {
    const diseaseMentions = counted.filter((m) => m.entry.kind !== 'drug' && m.line !== null);
    const selection = selectUnderlyingCause(toConditions(diseaseMentions));
    addEntities(entityAxis, diseaseMentions);
    if (selection) {
      underlyingCause = selection.code;
      trace.push(...selection.trace);
      if (selection.unsuitable) reasons.push(`unsuitable underlying cause: only a mechanism or ill-defined condition (${selection.code}) is reported`);
    }
    // An accident, suicide or homicide needs an injury or poisoning somewhere on the certificate
    // (Part II and how-injury-occurred count: "recent methamphetamine use" with manner accident).
    const injuryAnywhere = () =>
      drugMentions.length > 0 || counted.some((m) => m.entry.kind === 'injury' || m.entry.kind === 'external') || mechanism() !== null || (partTwo !== null && findMechanism(partTwo.normalised) !== null);
    if (injuryManner && certificate.manner !== 'C' && !injuryAnywhere()) reasons.push(`manner ${intent} but the text describes no injury or poisoning`);
  }

  // Text that matched nothing at all: a human must read it (unless the injury table read it).
  for (const line of partOneLines) {
    if (kind === 'injury' && findMechanism(line.normalised) !== null) continue;
    if (line.mentions.length === 0 && !/^(pending|deferred|undetermined|unknown|natural causes)\b/.test(line.normalised)) {
      reasons.push(`text that matched nothing: "${line.normalised}"`);
    }
  }
  if (underlyingCause === null && kind === 'none') {
    if (certificate.manner === 'C' || /^(undetermined|unknown|natural causes|unknown natural causes|undetermined natural causes)\b/.test(partOneText)) {
      underlyingCause = 'R99';
      trace.push({ rule: 'ill-defined', detail: 'The cause is stated as undetermined or unknown: R99.' });
    } else if (reasons.length === 0) reasons.push('no codable condition found');
  }
  return result(certificate, underlyingCause, entityAxis, drugs, intent, { required: reasons.length > 0, reasons }, trace);
}

/** A Part I that only says the cause is pending. */
function kindOfText(lines: readonly ExtractedLine[]): 'pending' | 'other' {
  return lines.every((l) => l.mentions.length === 0 && /^pending\b/.test(l.normalised)) ? 'pending' : 'other';
}

/** A drug named alone on a Part I line ("Fentanyl") reads as the poisoning it stands for. */
function isOnlyWordsOfLine(mention: Mention, lines: readonly ExtractedLine[]): boolean {
  const line = lines.find((l) => l.line === mention.line);
  return line !== undefined && line.mentions.every((m) => m.entry.kind === 'drug') && line.unmatchedWords.length === 0;
}

function toConditions(mentions: readonly Mention[]): Condition[] {
  // Levels: each written line, and each "due to" part inside it, is one step down Part I.
  const partOne = mentions.filter((m) => m.source === 'part1');
  const levelOf = new Map<number, number>();
  const keys = unique(partOne.map((m) => m.line! * 100 + m.part)).sort((a, b) => a - b);
  for (const key of keys) levelOf.set(key, levelOf.size);
  return mentions.map((m, order) => ({
    code: m.entry.code,
    text: m.text,
    level: m.source === 'part1' ? levelOf.get(m.line! * 100 + m.part)! : 99,
    order,
    partTwo: m.source !== 'part1',
  }));
}

function addEntities(axis: EntityAxisCode[], mentions: readonly Mention[], recode: (code: string) => string = (code) => code): void {
  for (const m of mentions) {
    if (m.line === null) continue;
    const code = recode(m.entry.code);
    const onLine = axis.filter((e) => e.line === m.line);
    if (onLine.some((e) => e.code === code)) continue;
    axis.push({ line: m.line, position: onLine.length + 1, code, text: m.text, natureOfInjury: isNatureOfInjury(code) });
  }
}

/** In an injury death an intracranial bleed is traumatic: its nature-of-injury code. */
const TRAUMATIC_COUNTERPARTS: Record<string, string> = { 'I62.0': 'S06.5', 'I62.9': 'S06.9', 'I60.9': 'S06.6', 'I61.9': 'S06.8', 'G93.1': 'S06.9' };
function traumatic(code: string): string {
  return TRAUMATIC_COUNTERPARTS[code] ?? code;
}

/**
 * An unknown word that reads like a substance name: chemical endings and stems ("mitragynine",
 * "fluorobutyrylfentanyl", "bromazolam"), not ordinary words ("recent", "setting", "toxic").
 */
function looksLikeSubstance(word: string): boolean {
  if (word.length < 6 || KNOWN_WORDS.has(word)) return false;
  return /(?:ine|ines|ol|ols|am|ams|one|ide|yl|ate|ene|ane|zene|azene|idine|amine|fentanil|fentanyl|azepam|azolam|ium)$/.test(word) || /(?:fluoro|chloro|bromo|methyl|ethyl|propyl|butyr|phenyl|nitaz|fentan|cathin)/.test(word);
}

function isDrugOrAlcohol(code: string): boolean {
  return /^T(3[6-9]|4[0-9]|50|51)/.test(code);
}

function isAlcohol(code: string): boolean {
  return code.startsWith('T51');
}

function pending(
  certificate: Certificate,
  intent: Intent | null,
  entityAxis: EntityAxisCode[],
  drugs: DrugMention[],
  trace: TraceStep[],
  detail: string,
  extraCodes: string[] = [],
): CodedCertificate {
  trace.push({ rule: 'pending investigation', detail });
  // Pending records need the amended certificate, not a coder: flagged, not sent to review.
  return result(certificate, 'R99', entityAxis, drugs, intent, { required: false, reasons: ['pending investigation'] }, trace, extraCodes);
}

function result(
  certificate: Certificate,
  underlyingCause: string | null,
  entityAxis: EntityAxisCode[],
  drugs: DrugMention[],
  intent: Intent | null,
  review: { required: boolean; reasons: string[] },
  trace: TraceStep[],
  extraCodes: string[] = [],
): CodedCertificate {
  return {
    certificateId: certificate.certificateId,
    underlyingCause,
    recordAxis: recordAxis(underlyingCause, entityAxis, drugs, extraCodes),
    entityAxis: entityAxis.slice(0, 20),
    drugs,
    intent,
    review,
    trace,
  };
}

/** Record axis: deduplicated codes with contradictions resolved (a less specific code gives way). */
function recordAxis(underlyingCause: string | null, entityAxis: EntityAxisCode[], drugs: DrugMention[], extra: string[]): string[] {
  const drugCodes = drugs.some((d) => d.code !== UNSPECIFIED_DRUG) ? drugs.map((d) => d.code).filter((c) => c !== UNSPECIFIED_DRUG) : drugs.map((d) => d.code);
  const specific = drugCodes.some((c) => c !== UNSPECIFIED_DRUG);
  const entityCodes = entityAxis.map((e) => e.code).filter((c) => !(specific && c === UNSPECIFIED_DRUG));
  let codes = unique([...(underlyingCause ? [underlyingCause] : []), ...entityCodes, ...extra, ...(isPoisoningCause(underlyingCause) ? drugCodes : [])]);
  codes = codes.filter((code) => !linkageRulesFor(code).some((rule) => rule.rule === 'D specificity' && codes.some((other) => other !== code && rule.withAny(other))));
  // Ill-defined codes and mechanisms add nothing next to a real cause.
  if (codes.some((c) => !isIllDefined(c) && !isMechanism(c))) codes = codes.filter((c) => c === underlyingCause || (!isIllDefined(c) && !isMechanism(c)));
  return codes.slice(0, 20);
}

function isPoisoningCause(code: string | null): boolean {
  return code !== null && (/^(X4[0-9]|X6[0-9]|X8[5-9]|Y1[0-9]|R99)/.test(code));
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function uniqueBy<T>(values: readonly T[], key: (value: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((value) => (seen.has(key(value)) ? false : (seen.add(key(value)), true)));
}

