/**
 * An emergency-department visit as syndromic feeds send it (FORMATS.md, "ED visits").
 */

/** ED CSV/NDJSON columns, in order. */
export const ED_VISIT_COLUMNS = [
  'visit_id',
  'facility_id',
  'visit_datetime',
  'age',
  'sex',
  'patient_county_fips',
  'chief_complaint',
  'triage_note',
  'discharge_diagnoses',
] as const;

export type EdVisitColumn = (typeof ED_VISIT_COLUMNS)[number];

/** A feed row as strings, before validation. */
export type EdVisitRow = Record<EdVisitColumn, string>;

export interface EdVisit {
  visitId: string;
  facilityId: string;
  /** ISO 8601 local date-time, YYYY-MM-DDTHH:MM[:SS]. */
  visitDatetime: string;
  age: number | null;
  sex: 'M' | 'F' | 'U' | null;
  patientCountyFips: string | null;
  chiefComplaint: string | null;
  triageNote: string | null;
  /** ICD-10-CM codes, dotted, upper case. */
  dischargeDiagnoses: string[];
}
