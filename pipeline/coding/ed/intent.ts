/**
 * The intent of a visit's poisoning (6th character of T36-T65), ICD-10-CM Official Guidelines
 * FY2025 I.C.19.e.5(b): "If the intent of the poisoning is unknown or unspecified, code the
 * intent as accidental. Undetermined intent is only for use if the documentation in the record
 * specifies that the intent cannot be determined." Self-harm, assault and undetermined need words
 * saying so; the discharge diagnoses' intent stands unless the text says otherwise.
 */
import type { FieldFacts } from './facts.ts';
import type { EdIntent } from './types.ts';

export interface IntentDecision {
  intent: EdIntent;
  reasons: string[];
}

export function decideIntent(fields: readonly FieldFacts[], dxIntent: EdIntent | null, childIngestion: boolean): IntentDecision {
  const has = (k: 'selfHarm' | 'assault' | 'undetermined' | 'accidental') => fields.some((f) => f[k]);
  const stated: EdIntent[] = [];
  if (has('selfHarm')) stated.push('self-harm');
  if (has('assault')) stated.push('assault');
  if (has('undetermined')) stated.push('undetermined');
  if (has('accidental') || childIngestion) stated.push('accidental');
  const reasons: string[] = [];
  const text = stated[0] ?? null;
  if (stated.length > 1) reasons.push(`conflicting intent in the text (${stated.join(', ')}): coded ${text}`);
  if (text !== null && dxIntent !== null && text !== dxIntent) reasons.push(`intent in the text (${text}) differs from the discharge diagnoses (${dxIntent})`);
  if (text === null && dxIntent === null && fields.some((f) => f.selfHarmHistory)) {
    reasons.push('history of suicidal ideation or attempt, but this poisoning is not documented as self-harm: coded accidental');
  }
  return { intent: text ?? dxIntent ?? 'accidental', reasons };
}
