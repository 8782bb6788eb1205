-- Syndromes re-evaluated for human-coded ED visits (recode job) waiting for their transaction:
-- one row per visit version, the syndromes as a JSON list.
CREATE OR REPLACE TEMP TABLE staging_ed_human_syndromes (
  record_id BIGINT NOT NULL,
  syndromes VARCHAR NOT NULL
);
