/**
 * Validation of an ED feed row (strings) into an EdVisit. Every problem names its field, and a
 * bad diagnosis code names the code, so a facility can fix what it sends.
 */
import type { FieldError } from './certificate-schema.ts';
import type { EdVisit, EdVisitRow } from './ed-visit.ts';

export type { FieldError };

/** One chief complaint as a feed sent it, with the time of the message that carried it. */
export interface ChiefComplaintEntry {
  text: string;
  /** ISO local date-time of the message (HL7 MSH-7). */
  at: string;
}

/** A visit merged from several HL7 messages: the chief complaints it had, oldest first. */
export interface EdVisitWithHistory extends EdVisit {
  chiefComplaintHistory?: ChiefComplaintEntry[];
}

const MAX_ID = 64;
const MAX_TEXT = 10_000;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written in `length` digits at `at`, or -1. */
function digits(text: string, at: number, length: number): number {
  let value = 0;
  for (let i = at; i < at + length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

// By character codes, not a regex and Date: this runs for every row, and written the other way
// it was the largest cost of validation.
function checkDatetime(value: string): 'valid' | 'bad form' | 'no such time' {
  const n = value.length;
  const separator = value.charCodeAt(10);
  if ((n !== 16 && n !== 19) || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 || (separator !== 84 && separator !== 32)) return 'bad form';
  if (value.charCodeAt(13) !== 58 || (n === 19 && value.charCodeAt(16) !== 58)) return 'bad form';
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = n === 19 ? digits(value, 17, 2) : 0;
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return 'bad form';
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]! || hour > 23 || minute > 59 || second > 59) return 'no such time';
  if (month === 2 && day === 29 && (year % 4 !== 0 || (year % 100 === 0 && year % 400 !== 0))) return 'no such time';
  return 'valid';
}

/** `YYYY-MM-DDTHH:MM[:SS]` (or with a space) as the T form; null when not a real date and time. */
export function normaliseEdDatetime(value: string): string | null {
  if (checkDatetime(value) !== 'valid') return null;
  return value.charCodeAt(10) === 32 ? `${value.slice(0, 10)}T${value.slice(11)}` : value;
}

const isCodeCharacter = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90);

/** `[0-9A-Z]{1,4}` from `at` to the end. */
function isSubcategory(code: string, at: number): boolean {
  const length = code.length - at;
  if (length < 1 || length > 4) return false;
  for (let i = at; i < code.length; i++) if (!isCodeCharacter(code.charCodeAt(i))) return false;
  return true;
}

/**
 * An ICD-10-CM code with or without its dot, as dotted upper case (`t40411a` → `T40.411A`); null
 * when it does not have the CM shape `[A-Z][0-9][0-9A-Z](.[0-9A-Z]{1,4})?`. A dot anywhere but
 * after the category is a typo we report rather than silently move.
 */
export function normaliseCmCode(code: string): string | null {
  let upper = code;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      upper = code.toUpperCase();
      break;
    }
  }
  const first = upper.charCodeAt(0);
  const second = upper.charCodeAt(1);
  if (upper.length < 3 || first < 65 || first > 90 || second < 48 || second > 57 || !isCodeCharacter(upper.charCodeAt(2))) return null;
  if (upper.length === 3) return upper;
  if (upper.charCodeAt(3) === 46) return isSubcategory(upper, 4) ? upper : null;
  return isSubcategory(upper, 3) ? `${upper.slice(0, 3)}.${upper.slice(3)}` : null;
}

/** A `;`-separated list of codes: the normalised codes (duplicates dropped) and the codes that are not ICD-10-CM. */
export function parseDiagnoses(text: string): { codes: string[]; bad: string[] } {
  const codes: string[] = [];
  const bad: string[] = [];
  for (let from = 0; from < text.length; ) {
    let end = text.indexOf(';', from);
    if (end < 0) end = text.length;
    const code = text.slice(from, end).trim();
    from = end + 1;
    if (code === '') continue;
    const normalised = normaliseCmCode(code);
    if (normalised === null) bad.push(code);
    else if (!codes.includes(normalised)) codes.push(normalised);
  }
  return { codes, bad };
}

function trimmed(text: string | undefined): string {
  return text === undefined ? '' : text.trim();
}

function addError(errors: FieldError[] | null, field: string, message: string): FieldError[] {
  const list = errors ?? [];
  list.push({ field, message });
  return list;
}

/*
 * Each field's rule on its own, as a value or `undefined` when the field is invalid: the row
 * validator below is built from them, and the bulk ED CSV path (pipeline/ingest/ed-csv-bulk.ts)
 * applies them once per distinct value of a column, so both read a field the same way.
 */

/** A facility id as stored (trimmed), or undefined when too long. */
export function edFacilityValue(raw: string | undefined): string | undefined {
  const facilityId = trimmed(raw);
  return facilityId.length > MAX_ID ? undefined : facilityId;
}

/** An age in whole years 0-120, null when blank, undefined when not an age. */
export function edAgeValue(raw: string | undefined): number | null | undefined {
  const ageText = trimmed(raw);
  if (ageText === '') return null;
  const age = ageText.length <= 3 ? digits(ageText, 0, ageText.length) : -1;
  return age < 0 || age > 120 ? undefined : age;
}

/** A sex code (M, F, U; any case), null when blank, undefined when not a code. */
export function edSexValue(raw: string | undefined): 'M' | 'F' | 'U' | null | undefined {
  const sex = trimmed(raw).toUpperCase();
  if (sex === '') return null;
  return sex === 'M' || sex === 'F' || sex === 'U' ? sex : undefined;
}

/** A 5-digit county FIPS code, null when blank, undefined when not one. */
export function edCountyValue(raw: string | undefined): string | null | undefined {
  const county = trimmed(raw);
  if (county === '') return null;
  return county.length !== 5 || digits(county, 0, 5) < 0 ? undefined : county;
}

/** A free-text field (chief complaint, triage note) trimmed, null when blank, undefined when too long. */
export function edTextValue(raw: string | undefined): string | null | undefined {
  const text = trimmed(raw);
  if (text.length > MAX_TEXT) return undefined;
  return text === '' ? null : text;
}

export type EdValidationResult = { ok: true; visit: EdVisit } | { ok: false; errors: FieldError[] };

/**
 * Validates one feed row (a missing column counts as blank). Plain checks, not a zod schema:
 * feeds run to 140M visits a year, and a checks-only zod schema of these fields measured
 * ~0.8 µs a row here, where this whole function takes ~0.4 µs and CSV parsing ~1 µs.
 */
export function validateEdVisitRow(row: EdVisitRow): EdValidationResult {
  const r: Partial<EdVisitRow> = row;
  let errors: FieldError[] | null = null;
  const visitId = trimmed(r.visit_id);
  if (visitId === '') errors = addError(errors, 'visit_id', 'is required');
  else if (visitId.length > MAX_ID) errors = addError(errors, 'visit_id', `longer than ${MAX_ID} characters`);
  const facilityId = edFacilityValue(r.facility_id);
  if (facilityId === undefined) errors = addError(errors, 'facility_id', `longer than ${MAX_ID} characters`);
  const datetime = trimmed(r.visit_datetime);
  const checked = datetime === '' ? 'empty' : checkDatetime(datetime);
  if (checked === 'empty') errors = addError(errors, 'visit_datetime', 'is required');
  else if (checked === 'bad form') errors = addError(errors, 'visit_datetime', 'not a date and time in YYYY-MM-DDTHH:MM[:SS] form');
  else if (checked === 'no such time') errors = addError(errors, 'visit_datetime', `no such date and time: ${datetime}`);
  const age = edAgeValue(r.age);
  if (age === undefined) errors = addError(errors, 'age', 'not an age in whole years (0-120)');
  const sex = edSexValue(r.sex);
  if (sex === undefined) errors = addError(errors, 'sex', 'not a sex code (M, F, U)');
  const county = edCountyValue(r.patient_county_fips);
  if (county === undefined) errors = addError(errors, 'patient_county_fips', 'not a 5-digit county FIPS code');
  const chiefComplaint = edTextValue(r.chief_complaint);
  if (chiefComplaint === undefined) errors = addError(errors, 'chief_complaint', `longer than ${MAX_TEXT} characters`);
  const triageNote = edTextValue(r.triage_note);
  if (triageNote === undefined) errors = addError(errors, 'triage_note', `longer than ${MAX_TEXT} characters`);
  const diagnoses = parseDiagnoses(r.discharge_diagnoses ?? '');
  for (const code of diagnoses.bad) errors = addError(errors, 'discharge_diagnoses', `not an ICD-10-CM code: ${code}`);
  if (errors !== null) return { ok: false, errors };
  // No error, so no field is undefined.
  return {
    ok: true,
    visit: {
      visitId,
      facilityId: facilityId as string,
      visitDatetime: datetime.charCodeAt(10) === 32 ? `${datetime.slice(0, 10)}T${datetime.slice(11)}` : datetime,
      age: age as number | null,
      sex: sex as EdVisit['sex'],
      patientCountyFips: county as string | null,
      chiefComplaint: chiefComplaint as string | null,
      triageNote: triageNote as string | null,
      dischargeDiagnoses: diagnoses.codes,
    },
  };
}
