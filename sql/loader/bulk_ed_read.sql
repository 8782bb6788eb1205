-- The bulk ED CSV path (pipeline/ingest/ed-csv-bulk.ts), first step: DuckDB reads the batch's raw
-- file itself. Placeholders, filled by the module: {{read_csv}} the read_csv call over $raw_path
-- (every column as text), {{fields}} the nine ED columns picked from it by the header's positions,
-- {{breaks}} the line breaks inside the row's fields (all of them, read or not), as csv.ts counts
-- them. Runs with preserve_insertion_order on, so a row's rowid is its place in the file.
CREATE OR REPLACE TEMP TABLE bulk_ed_rows AS
SELECT {{fields}}, {{breaks}} AS breaks
FROM {{read_csv}};

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
