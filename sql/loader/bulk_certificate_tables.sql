-- The bulk certificate template path (pipeline/ingest/certificate-csv-bulk.ts): what it checks
-- and writes after DuckDB has read the file into bulk_certificate_rows (bulk_read.sql).

-- Whether a code point is one JavaScript's String.prototype.trim() keeps: not a control character
-- or space (≤ 32, stricter than trim: the rest of the C0 controls go to JavaScript too), and none
-- of the Unicode spaces trim removes (no-break space, the Zs spaces, line and paragraph
-- separators, the byte-order mark).
CREATE OR REPLACE TEMP MACRO bulk_kept_by_trim(c) AS
  c > 32 AND c NOT IN (160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279);

-- A text field the validator takes as it is: blank (''), or at most max_bytes long (bytes, so at
-- most that many UTF-16 units, which is what the validator counts) with nothing to trim at
-- either end. Its value is then nullif(t, ''). Anything else goes to JavaScript.
CREATE OR REPLACE TEMP MACRO bulk_text_as_read(t, max_bytes) AS
  t = '' OR (strlen(t) <= max_bytes AND bulk_kept_by_trim(ord(t)) AND bulk_kept_by_trim(ord(right(t, 1))));

-- Each distinct value of the few-valued columns (jurisdiction, dates, age, sex, counties, manner)
-- as the row validator reads it (certificateFieldValue, certificate-schema.ts), written by the
-- module; a value missing here is invalid (or another jurisdiction's, for an office's upload).
-- For age, `age` holds it; every other value is `value` (NULL when blank).
CREATE OR REPLACE TEMP TABLE bulk_certificate_values (
  field VARCHAR NOT NULL,
  raw   VARCHAR NOT NULL,
  value VARCHAR,
  age   SMALLINT
);
