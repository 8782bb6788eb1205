-- A visit's content hash over its typed columns, so a batch can be staged as typed columns
-- (pipeline/ingest/staging-csv.ts) instead of one JSON text per visit. The hash is what makes a
-- resent visit change nothing: stored visits get the same expression here, once.
CREATE MACRO ed_visit_content_hash(visit_id, facility_id, visit_datetime, age, sex, patient_county_fips,
    chief_complaint, triage_note, discharge_diagnoses, chief_complaint_history) AS
  hash(visit_id, facility_id, visit_datetime, age, sex, patient_county_fips, chief_complaint, triage_note,
    discharge_diagnoses, chief_complaint_history::VARCHAR);

UPDATE ed_visits SET content_hash = ed_visit_content_hash(visit_id, facility_id, visit_datetime, age, sex, patient_county_fips,
  chief_complaint, triage_note, discharge_diagnoses, chief_complaint_history);
