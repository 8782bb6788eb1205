-- Automated results for human codings (recode job), waiting for their transaction: one row per
-- human coding checked, the result in the `vigil code deaths` contract, as in staging_recode.
CREATE OR REPLACE TEMP TABLE staging_human_checks (
  record_id        BIGINT NOT NULL,
  human_version    VARCHAR NOT NULL,
  coded            VARCHAR NOT NULL
);
