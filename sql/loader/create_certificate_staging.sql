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
CREATE OR REPLACE TEMP TABLE staging_certificates (
  seq                    BIGINT NOT NULL,
  line                   INTEGER NOT NULL,
  coded_id               BIGINT,
  voided                 BOOLEAN NOT NULL,
  message_id             VARCHAR,
  certificate_id         VARCHAR NOT NULL,
  jurisdiction           VARCHAR NOT NULL,
  death_date             DATE,
  age                    SMALLINT,
  sex                    VARCHAR,
  residence_county_fips  VARCHAR,
  occurrence_county_fips VARCHAR,
  manner                 VARCHAR,
  part1_a                VARCHAR,
  part1_b                VARCHAR,
  part1_c                VARCHAR,
  part1_d                VARCHAR,
  part2                  VARCHAR,
  how_injury             VARCHAR,
  interval_a             VARCHAR,
  interval_b             VARCHAR,
  interval_c             VARCHAR,
  interval_d             VARCHAR,
  injury_date            DATE,
  injury_place           VARCHAR,
  race                   VARCHAR,
  hispanic               VARCHAR,
  autopsy                VARCHAR,
  tobacco                VARCHAR,
  pregnancy              VARCHAR,
  content_hash           UBIGINT NOT NULL
);

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
