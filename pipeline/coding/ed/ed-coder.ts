/**
 * The ED coder: chief complaint + triage note + discharge diagnoses → ICD-10-CM codes, the drugs
 * of the visit's poisoning with their death-side class, the mentions left out and why, and what
 * needs a coder's look. Discharge diagnoses are taken as given (shape-checked); the text adds
 * the poisoning codes it describes (T-code, intent, 7th character A: initial encounter) and
 * substance-use codes. Pure: no I/O.
 */
import type { EdVisit } from '../../records/ed-visit.ts';
import { type CmCodes, type DiagnosisReader, isDrugCategory, type PoisoningCodeInfo, substanceBlock } from './cm-codes.ts';
import type { FieldFacts, Mention } from './facts.ts';
import type { FieldAnalyser } from './field.ts';
import { decideIntent } from './intent.ts';
import { textPoisoning } from './poisoning.ts';
import { substanceUseCodes } from './substance-use.ts';
import { type EdCodeResult, INTENT_DIGIT, INTENT_OF_DIGIT } from './types.ts';
import { visitDrugs } from './visit-drugs.ts';

/** Drug classes of misuse (opioids, cocaine, cannabis, hallucinogens, benzodiazepines, psychostimulants). */
const ABUSE_CLASSES = /^T4(0\.\d|2\.4|3\.6)$/;

/** Named substances the FY2025 code set has no code for, and the code used instead. */
const STAND_IN: Readonly<Record<string, string>> = {
  xylazine: 'no ICD-10-CM FY2025 code for xylazine (FY2026 adds T65.84-): coded with alpha-2 agonists, T46.5',
  medetomidine: 'no ICD-10-CM FY2025 code for medetomidine: coded with alpha-2 agonists, T46.5',
  dexmedetomidine: 'dexmedetomidine coded with alpha-2 agonists, T46.5 (no code of its own)',
  kratom: 'no ICD-10-CM FY2025 code for kratom: coded as other drugs, T50.99',
  phenibut: 'no ICD-10-CM FY2025 code for phenibut: coded as other drugs, T50.99',
};

export interface VisitCoding {
  analyse: FieldAnalyser;
  cm: CmCodes;
  dx: DiagnosisReader;
}

export function codeVisit(visit: EdVisit, { analyse, cm, dx }: VisitCoding): EdCodeResult {
  const cc = analyse(visit.chiefComplaint);
  const note = analyse(visit.triageNote);
  let reasons: string[] | null = null;
  const codes: string[] = [];
  const dxPoisoning: PoisoningCodeInfo[] = [];
  for (const raw of visit.dischargeDiagnoses) {
    const code = dx.read(raw);
    if (code === null) (reasons ??= []).push(`invalid discharge diagnosis "${raw}" left out`);
    else if (!codes.includes(code)) {
      codes.push(code);
      const poisoning = cm.poisoningOf(code);
      if (poisoning) dxPoisoning.push(poisoning);
    }
  }
  // The short path: nothing in the text can change the codes (most visits).
  if ((cc === null || cc.quiet) && (note === null || note.quiet) && dxPoisoning.length === 0) {
    return { visitId: visit.visitId, codes, drugs: [], negated: [], review: { required: reasons !== null, reasons: reasons ?? [] }, intent: null };
  }
  return codeInContext(visit, cc, note, codes, dxPoisoning, reasons ?? [], cm);
}

function codeInContext(visit: EdVisit, cc: FieldFacts | null, note: FieldFacts | null, codes: string[], dxPoisoning: readonly PoisoningCodeInfo[], reasons: string[], cm: CmCodes): EdCodeResult {
  const fields = cc && note ? [cc, note] : cc ? [cc] : note ? [note] : [];
  const dxIntent = dxPoisoning.find((p) => isDrugCategory(p.category.category)) ?? dxPoisoning[0];
  const text = textPoisoning(fields, visit.age, dxPoisoning.map((p) => p.category), cm.categories);
  reasons.push(...text.reasons);
  const poisoned = text.categories.length > 0 || dxPoisoning.length > 0;
  const intent = poisoned ? decideIntent(fields, dxIntent ? INTENT_OF_DIGIT[dxIntent.intent]! : null, text.childIngestion) : null;
  if (intent) reasons.push(...intent.reasons);
  const added = intent ? text.categories.map(({ info }) => cm.poisoning(info.category, INTENT_DIGIT[intent.intent])) : [];
  if (added.length > 0 && codes.length > 0 && dxPoisoning.length === 0) reasons.push(`the text describes a poisoning the discharge diagnoses do not code: ${added.join(', ')}`);
  const use = substanceUseCodes(cc, fields, poisoned);
  for (const code of [...added, ...use.codes]) if (!codes.includes(code)) codes.push(code);
  if (!poisoned) {
    const coded = (m: Mention) => use.codes.some((c) => c.startsWith(substanceBlock(m.info)));
    const used = unique(fields.flatMap((f) => f.mentions.filter((m) => m.role === 'acute' && ABUSE_CLASSES.test(m.info.deathCode) && !coded(m)).map((m) => m.term.name)));
    if (used.length > 0) reasons.push(`${used.join(', ')} named without overdose, intoxication or withdrawal wording: no poisoning coded`);
  }

  const drugs = visitDrugs([...dxPoisoning.map((p) => p.category), ...text.categories.map((t) => t.info)], fields);
  for (const d of drugs) if (STAND_IN[d.name]) reasons.push(STAND_IN[d.name]!);
  const uncertain = fields.find((f) => f.uncertainOverdose !== null)?.uncertainOverdose ?? null;
  if (poisoned || uncertain !== null) for (const w of unique(fields.flatMap((f) => f.unknownWords))) reasons.push(`possible new substance "${w}" in overdose context`);
  if (!poisoned && uncertain !== null) reasons.push(`possible "${uncertain}" not coded: uncertain diagnoses are not coded for outpatient visits (ICD-10-CM Guidelines IV.H)`);
  const review = unique(reasons);
  return {
    visitId: visit.visitId,
    codes,
    drugs,
    negated: unique([...fields.flatMap((f) => f.negated), ...use.reread]),
    review: { required: review.length > 0, reasons: review },
    intent: intent ? intent.intent : null,
  };
}

function unique<T>(values: readonly T[]): T[] {
  return values.filter((v, i) => values.indexOf(v) === i);
}
