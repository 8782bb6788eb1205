-- Per-batch staging of ED visits, filled by the Appender before the batch's transaction opens.
-- Temporary: a crash leaves nothing behind. As for certificates, each record is two JSON texts
-- unpacked by DuckDB in the commit; seq is its order in the batch, line where it is in the file.
--   visit   the visit in ED feed column names (FORMATS.md), diagnoses as a list, plus history
--   coded   the `vigil code ed` NDJSON contract plus drug_classes
CREATE OR REPLACE TEMP TABLE staging_ed_visits (
  seq    INTEGER NOT NULL,
  line   INTEGER NOT NULL,
  visit  VARCHAR NOT NULL,
  coded  VARCHAR NOT NULL
);

CREATE OR REPLACE TEMP TABLE staging_errors (
  line      INTEGER,
  record_id VARCHAR,
  field     VARCHAR,
  message   VARCHAR NOT NULL
);
