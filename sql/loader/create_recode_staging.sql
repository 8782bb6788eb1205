-- Re-coded results waiting for their transaction (the recode job): one row per certificate
-- version, the coder's result in the `vigil code deaths` NDJSON contract, as in staging_certificates.
CREATE OR REPLACE TEMP TABLE staging_recode (
  record_id        BIGINT NOT NULL,
  coded            VARCHAR NOT NULL,
  is_drug_overdose BOOLEAN NOT NULL
);
