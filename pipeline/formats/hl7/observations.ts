/**
 * The clinical content of an ADT message for syndromic surveillance, where the PHIN Messaging
 * Guide for Syndromic Surveillance 2.0 puts it: OBX by LOINC code in OBX-3 (8661-1 chief
 * complaint, 54094-8 triage note, 21612-7 age with its unit in OBX-6), PV2-3 admit reason when
 * no chief complaint OBX is sent, and DG1-3 diagnoses.
 */
import type { FieldError } from '../../records/ed-visit-schema.ts';
import { normaliseCmCode } from '../../records/ed-visit-schema.ts';
import type { Hl7Message, Segment } from './segments.ts';
import { ageInYears } from './values.ts';

const CHIEF_COMPLAINT = '8661-1';
const TRIAGE_NOTE = '54094-8';
const AGE = '21612-7';
const TEXT_TYPES = new Set(['TX', 'ST', 'FT']);
// HL7 table 0396 names; I10 (WHO ICD-10) is accepted because senders often label CM codes so.
const CM_SYSTEMS = new Set(['', 'I10C', 'I10', 'ICD10CM', 'ICD-10-CM']);

export interface Observations {
  age: number | null;
  chiefComplaint: string | null;
  triageNote: string | null;
  /** Null when the message carries no ICD-10-CM diagnosis. */
  dischargeDiagnoses: string[] | null;
}

/**
 * Free text of a repetition. Coded (CWE) values give their words, not the code: original text
 * (CWE-9), then text (CWE-2), then alternate text (CWE-5), then the identifier.
 */
function preferredText(message: Hl7Message, repetition: string): string {
  if (repetition.indexOf(message.encoding.component) < 0) return message.unescape(repetition).trim();
  for (const c of [9, 2, 5, 1]) {
    const text = message.component(repetition, c).trim();
    if (text !== '') return text;
  }
  return '';
}

function fieldText(message: Hl7Message, segment: Segment | undefined, field: number, separator: string): string | null {
  const texts = message.repetitions(segment, field).map((repetition) => preferredText(message, repetition)).filter((text) => text !== '');
  return texts.length > 0 ? texts.join(separator) : null;
}

export function readObservations(message: Hl7Message, errors: FieldError[]): Observations {
  let age: number | null = null;
  let codedComplaint: string | null = null;
  let textComplaint: string | null = null;
  const notes: string[] = [];
  message.all('OBX').forEach((obx, i) => {
    const where = `OBX[${i + 1}]`;
    const code = message.value(obx, 3, 1);
    if (code === CHIEF_COMPLAINT) {
      const text = fieldText(message, obx, 5, '; ');
      if (TEXT_TYPES.has(message.value(obx, 2))) textComplaint ??= text;
      else codedComplaint ??= text;
    } else if (code === TRIAGE_NOTE) {
      const text = fieldText(message, obx, 5, ' ');
      if (text !== null) notes.push(text);
    } else if (code === AGE && age === null) {
      const value = message.value(obx, 5);
      if (value === '') return;
      const checked = ageInYears(value, message.value(obx, 6, 1));
      if (checked.ok) age = checked.value;
      else errors.push({ field: `${where}-${checked.inUnit ? 6 : 5}`, message: checked.message });
    }
  });
  return {
    age,
    chiefComplaint: textComplaint ?? codedComplaint ?? fieldText(message, message.first('PV2'), 3, '; '),
    triageNote: notes.length > 0 ? notes.join(' ') : null,
    dischargeDiagnoses: readDiagnoses(message, errors),
  };
}

/** DG1-3 of every DG1 segment; a code from another system (SNOMED CT, ICD-9-CM) is left out, with its ICD-10-CM alternate taken if given. */
function readDiagnoses(message: Hl7Message, errors: FieldError[]): string[] | null {
  const codes: string[] = [];
  message.all('DG1').forEach((dg1, i) => {
    const repetition = message.repetitions(dg1, 3)[0];
    if (repetition === undefined) return;
    let code = message.component(repetition, 1).trim();
    if (!CM_SYSTEMS.has(message.component(repetition, 3).trim().toUpperCase())) {
      const alternate = message.component(repetition, 6).trim().toUpperCase();
      code = alternate !== '' && CM_SYSTEMS.has(alternate) ? message.component(repetition, 4).trim() : '';
    }
    if (code === '') return;
    const normalised = normaliseCmCode(code);
    if (normalised === null) errors.push({ field: `DG1[${i + 1}]-3`, message: `diagnosis ${code} is not an ICD-10-CM code` });
    else if (!codes.includes(normalised)) codes.push(normalised);
  });
  return codes.length > 0 ? codes : null;
}
