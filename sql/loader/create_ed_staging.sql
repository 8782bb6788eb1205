-- Per-batch staging of ED visits, filled before the batch's transaction opens. Temporary: a crash
-- leaves nothing behind. seq is a visit's order in the batch (unique), line where it is in the file.
--   staging_ed_visits  the visit, typed, read from the batch's staging CSV (load_ed_staging.sql),
--                      with its content hash and the id of its coded result
--   staging_ed_coded   each coded result the batch's visits name: the `vigil code ed` NDJSON
--                      contract without the visit id, plus drug_classes (Appender). A coding
--                      worker and the main thread may each send the same id: equal ids, equal JSON.
-- The visit's columns take their types from ed_visits itself, so the two cannot drift apart.
CREATE OR REPLACE TEMP TABLE staging_ed_visits AS
SELECT 0::BIGINT AS seq, 0::INTEGER AS line, 0::BIGINT AS coded_id, visit_id, facility_id, visit_datetime, age, sex,
  patient_county_fips, chief_complaint, triage_note, discharge_diagnoses, chief_complaint_history, content_hash
FROM ed_visits LIMIT 0;

CREATE OR REPLACE TEMP TABLE staging_ed_coded (
  coded_id  BIGINT NOT NULL,
  coded     VARCHAR NOT NULL
);

CREATE OR REPLACE TEMP TABLE staging_errors (
  line      INTEGER,
  record_id VARCHAR,
  field     VARCHAR,
  message   VARCHAR NOT NULL
);
