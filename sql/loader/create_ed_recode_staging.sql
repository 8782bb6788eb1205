-- Re-coded ED visits waiting for their transaction (the recode job): one row per visit version,
-- the coded result as in staging_ed_visits (`vigil code ed` contract plus drug_classes).
CREATE OR REPLACE TEMP TABLE staging_ed_recode (
  record_id BIGINT NOT NULL,
  coded     VARCHAR NOT NULL
);
