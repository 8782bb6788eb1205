-- The bulk ED CSV path, last step (after bulk_ed_key_codes is written): every row whose every
-- field is valid goes into staging_ed_visits, typed and hashed as load_ed_staging.sql does. A row
-- is taken only when each check here implies the row validator's (ed-visit-schema.ts); any other
-- row is left for the module to validate in JavaScript, which names what is wrong.
--   visit_id        1-64 bytes, starting and ending with a printable ASCII character (nothing to trim)
--   visit_datetime  YYYY-MM-DD[T ]HH:MM[:SS] that DuckDB reads as the same date and time
--   the rest        found in bulk_ed_values / bulk_ed_key_codes, written by the validator's own rules
-- Placeholders: {{line}} the row's line in the file (2 + rowid when no field holds a line break);
-- {{key_join}} how a row finds its key, the hash of its key's columns when no two keys share one
-- (the module checks, csv-bulk-read.ts), else every column. Joining on the texts themselves held
-- every key's triage note in the join's hash table (this statement: 5.3 s for 1M visits, 4.5 by hash).
CREATE OR REPLACE TEMP TABLE bulk_ed_lines AS
SELECT rowid AS seq, {{line}} AS line, * EXCLUDE (breaks), TRY_CAST(replace(visit_datetime, 'T', ' ') AS TIMESTAMP) AS visit_timestamp
FROM bulk_ed_rows;

INSERT INTO staging_ed_visits
SELECT seq, line, coded_id, visit_id, facility_id, visit_datetime, age, sex, patient_county_fips, chief_complaint, triage_note,
  dx, NULL,
  ed_visit_content_hash(visit_id, facility_id, visit_datetime, age, sex, patient_county_fips, chief_complaint, triage_note, dx, NULL)
FROM (
  SELECT r.seq, r.line, c.coded_id, r.visit_id, f.value AS facility_id, r.visit_timestamp AS visit_datetime, a.age, s.value AS sex,
    p.value AS patient_county_fips,
    CASE WHEN c.as_read THEN k.chief_complaint ELSE c.chief_complaint END AS chief_complaint,
    CASE WHEN c.as_read THEN k.triage_note ELSE c.triage_note END AS triage_note,
    CASE WHEN d.value = '' THEN []::VARCHAR[] ELSE string_split(d.value, chr(31)) END AS dx
  FROM bulk_ed_lines r
  JOIN bulk_ed_values f ON f.field = 'facility_id' AND f.raw = r.facility_id
  JOIN bulk_ed_values a ON a.field = 'age' AND a.raw = r.age
  JOIN bulk_ed_values s ON s.field = 'sex' AND s.raw = r.sex
  JOIN bulk_ed_values p ON p.field = 'patient_county_fips' AND p.raw = r.patient_county_fips
  JOIN bulk_ed_values d ON d.field = 'discharge_diagnoses' AND d.raw = r.discharge_diagnoses
  JOIN bulk_ed_keys k ON {{key_join}}
  JOIN bulk_ed_key_codes c ON c.key_id = k.key_id
  WHERE strlen(r.visit_id) BETWEEN 1 AND 64
    AND ord(r.visit_id) BETWEEN 33 AND 127 AND ord(right(r.visit_id, 1)) BETWEEN 33 AND 127
    AND regexp_full_match(r.visit_datetime, '\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?')
    AND strftime(r.visit_timestamp, '%Y-%m-%d %H:%M:%S')
      = replace(r.visit_datetime, 'T', ' ') || CASE WHEN length(r.visit_datetime) = 16 THEN ':00' ELSE '' END
);
