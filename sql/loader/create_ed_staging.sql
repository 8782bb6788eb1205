-- Per-batch staging of ED visits, filled before the batch's transaction opens. Temporary: a crash
-- leaves nothing behind. seq is a visit's order in the batch (unique), line where it is in the file.
--   staging_ed_visits  the visit, typed, read from the batch's staging CSV (load_ed_staging.sql),
--                      with its content hash and the id of its coded result
--   staging_ed_coded   each coded result the batch's visits name: the `vigil code ed` NDJSON
--                      contract without the visit id, plus drug_classes (Appender). A coding
--                      worker and the main thread may each send the same id: equal ids, equal JSON.
CREATE OR REPLACE TEMP TABLE staging_ed_visits (
  seq                      BIGINT NOT NULL,
  line                     INTEGER NOT NULL,
  coded_id                 BIGINT NOT NULL,
  visit_id                 VARCHAR NOT NULL,
  facility_id              VARCHAR NOT NULL,
  visit_datetime           TIMESTAMP NOT NULL,
  age                      SMALLINT,
  sex                      VARCHAR,
  patient_county_fips      VARCHAR,
  chief_complaint          VARCHAR,
  triage_note              VARCHAR,
  discharge_diagnoses      VARCHAR[] NOT NULL,
  chief_complaint_history  JSON,
  content_hash             UBIGINT NOT NULL
);

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
