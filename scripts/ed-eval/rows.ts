/**
 * Generated ED rows (strings, as a feed sends them) → EdVisit, for the ED eval and bench. A
 * minimal reading of the ED CSV columns (FORMATS.md); the feed readers in pipeline/formats/ are
 * the real edge and validate far more.
 */
import type { EdVisit, EdVisitRow } from '../../pipeline/records/ed-visit.ts';

const SEX = new Set(['M', 'F', 'U']);

export function edVisitFromRow(row: EdVisitRow): EdVisit {
  const age = row.age.trim() === '' ? null : Number(row.age);
  const sex = row.sex.trim().toUpperCase();
  return {
    visitId: row.visit_id,
    facilityId: row.facility_id,
    visitDatetime: row.visit_datetime,
    age: age !== null && Number.isFinite(age) ? age : null,
    sex: SEX.has(sex) ? (sex as EdVisit['sex']) : null,
    patientCountyFips: row.patient_county_fips.trim() || null,
    chiefComplaint: row.chief_complaint.trim() || null,
    triageNote: row.triage_note.trim() || null,
    dischargeDiagnoses: row.discharge_diagnoses.split(';').map((d) => d.trim()).filter((d) => d !== ''),
  };
}
