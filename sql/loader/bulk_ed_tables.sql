-- The bulk ED CSV path (pipeline/ingest/ed-csv-bulk.ts): the tables the module writes, after
-- DuckDB has read the file into bulk_ed_rows (bulk_read.sql).

-- Each distinct value of the few-valued columns (facility, age, sex, county, diagnoses), as the row
-- validator reads it (ed-visit-schema.ts), written by the module; a value missing here is invalid.
-- For age, `age` holds it; for diagnoses, `value` is the codes joined by U+001F.
CREATE OR REPLACE TEMP TABLE bulk_ed_values (
  field VARCHAR NOT NULL,
  raw   VARCHAR NOT NULL,
  value VARCHAR,
  age   SMALLINT
);

-- Each distinct key's coded result (bulk_ed_keys.sql), written by the module, and its texts as
-- the validator reads them: as_read when both are the key's own (nothing to trim), else given here.
CREATE OR REPLACE TEMP TABLE bulk_ed_key_codes (
  key_id          BIGINT NOT NULL,
  coded_id        BIGINT NOT NULL,
  as_read         BOOLEAN NOT NULL,
  chief_complaint VARCHAR,
  triage_note     VARCHAR
);
