-- The bulk ED CSV path, second step (after bulk_ed_values is written): what the coder reads of
-- each row that can be valid (chief complaint, triage note, diagnoses, and whether the patient is
-- under $child_age, the coder's age band), each distinct combination once, numbered from 1, with
-- the hash of its columns, on which the rows are joined to their key (bulk_ed_stage.sql).
-- Parameter: $child_age.
CREATE OR REPLACE TEMP TABLE bulk_ed_keys AS
SELECT row_number() OVER () AS key_id, hash(chief_complaint, triage_note, discharge_diagnoses, child) AS key_hash, *
FROM (
  SELECT DISTINCT r.chief_complaint, r.triage_note, r.discharge_diagnoses, coalesce(a.age < $child_age, false) AS child
  FROM bulk_ed_rows r
  JOIN bulk_ed_values a ON a.field = 'age' AND a.raw = r.age
);
