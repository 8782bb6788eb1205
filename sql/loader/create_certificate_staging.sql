-- Per-batch staging of certificates, filled before the batch's transaction opens. Temporary: a
-- crash leaves nothing behind. seq is a record's order in the batch (unique; one line may hold
-- several records: a VRDR void of a block), line where it starts in the file.
--   staging_certificates  the certificate, typed, read from the batch's staging CSV
--                         (load_certificate_staging.sql), with its content hash, the id of its
--                         coded result (null for a void), whether it voids the certificate (IJE
--                         VOID = 1, a VRDR void message) and the FHIR message it came in (VRDR), so
--                         a resent message changes nothing
--   staging_death_coded   each coded result the batch's certificates name: the `vigil code
--                         deaths` NDJSON contract without the certificate id (Appender). A thread
--                         may send the same id twice (batches interleaved): equal ids, equal JSON.
-- The certificate's columns take their types from certificates itself, so the two cannot drift apart.
CREATE OR REPLACE TEMP TABLE staging_certificates AS
SELECT 0::BIGINT AS seq, 0::INTEGER AS line, 0::BIGINT AS coded_id, voided, NULL::VARCHAR AS message_id,
  certificate_id, jurisdiction, death_date, age, sex, residence_county_fips, occurrence_county_fips, manner,
  part1_a, part1_b, part1_c, part1_d, part2, how_injury, interval_a, interval_b, interval_c, interval_d,
  injury_date, injury_place, race, hispanic, autopsy, tobacco, pregnancy, content_hash
FROM certificates LIMIT 0;

CREATE OR REPLACE TEMP TABLE staging_death_coded (
  coded_id          BIGINT NOT NULL,
  coded             VARCHAR NOT NULL,
  is_drug_overdose  BOOLEAN NOT NULL
);

CREATE OR REPLACE TEMP TABLE staging_errors (
  line      INTEGER,
  record_id VARCHAR,
  field     VARCHAR,
  message   VARCHAR NOT NULL
);
