-- Moves a batch's staging CSV (pipeline/ingest/staging-csv.ts; columns STAGED_VISIT_COLUMNS of
-- ed-staging.ts) into staging_ed_visits. Parameter: $staging_path. The placeholder after FROM is
-- the read_csv call over it, made by readStagingCsv.
-- The content hash is over the typed visit (ed_visit_content_hash, 013_typed_content_hash.sql), as
-- for stored visits: equal content, equal hash, so a resent visit changes nothing.
INSERT INTO staging_ed_visits
SELECT seq, line, coded_id, visit_id, facility_id, visit_datetime, age, sex, patient_county_fips, chief_complaint, triage_note,
  dx, history,
  ed_visit_content_hash(visit_id, facility_id, visit_datetime, age, sex, patient_county_fips, chief_complaint, triage_note, dx, history)
FROM (
  SELECT *,
    CASE WHEN discharge_diagnoses = '' THEN []::VARCHAR[] ELSE string_split(discharge_diagnoses, chr(31)) END AS dx,
    chief_complaint_history::JSON AS history
  FROM {{read_staging}}
);
