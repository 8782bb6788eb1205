-- Moves a staged ED batch into the permanent tables. Runs inside the batch's one transaction.
-- Parameters: $batch_id, $loaded_at, $coder, $lexicon_version, $syndrome_set.
-- Identity is (facility_id, visit_id); a changed visit is a new version, an identical one changes nothing.
-- Each coded result once (a thread may have sent one twice), unpacked; duplicates found on the
-- narrow id alone, as in commit_certificates.sql, so the JSON texts stream.
CREATE OR REPLACE TEMP TABLE staged_ed_coded AS
SELECT coded_id, unnest(c)
FROM (
SELECT coded_id, from_json(coded, '{
    "codes": ["VARCHAR"], "drugs": "JSON", "drug_classes": ["VARCHAR"], "syndromes": ["VARCHAR"],
    "negated": ["VARCHAR"], "intent": "VARCHAR", "review": {"required": "BOOLEAN", "reasons": ["VARCHAR"]}}') AS c
FROM staging_ed_coded
WHERE rowid IN (SELECT min(rowid) FROM staging_ed_coded GROUP BY coded_id)
);

CREATE OR REPLACE TEMP TABLE incoming_ed_visits AS
SELECT s.seq, s.facility_id, s.visit_id, s.content_hash, cur.version AS current_version,
  coalesce(lag(s.content_hash) OVER (PARTITION BY s.facility_id, s.visit_id ORDER BY s.seq), cur.content_hash) AS preceding_hash
FROM staging_ed_visits s
LEFT JOIN ed_visits cur ON cur.is_current AND cur.facility_id = s.facility_id AND cur.visit_id = s.visit_id;

CREATE OR REPLACE TEMP TABLE drawn_ed_visits AS
SELECT seq, facility_id, visit_id, content_hash,
  nextval('record_id_seq') AS drawn_id,
  coalesce(current_version, 0) + row_number() OVER (PARTITION BY facility_id, visit_id ORDER BY seq) AS version,
  row_number() OVER (PARTITION BY facility_id, visit_id ORDER BY seq DESC) = 1 AS is_latest
FROM incoming_ed_visits
WHERE preceding_hash IS DISTINCT FROM content_hash;

-- Record ids are handed out in file order: DuckDB draws them from the sequence in whatever order
-- its threads reach the rows, so the drawn ids are sorted and given to the records by seq.
CREATE OR REPLACE TEMP TABLE versioned_ed_visits AS
SELECT r.* EXCLUDE (drawn_id, k), d.drawn_id AS record_id
FROM (SELECT *, row_number() OVER (ORDER BY seq) AS k FROM drawn_ed_visits) r
JOIN (SELECT drawn_id, row_number() OVER (ORDER BY drawn_id) AS k FROM drawn_ed_visits) d USING (k);

-- Only a record numbered after another can retire a current version (every stored record has
-- one, a void included): a batch of new records (most of them) skips grouping its million
-- identities to find none (~0.4 s for 1M). A second version of a new record finds none, as before.
UPDATE ed_visits e SET is_current = false
FROM (SELECT DISTINCT facility_id, visit_id FROM versioned_ed_visits WHERE version > 1) v
WHERE e.is_current AND e.facility_id = v.facility_id AND e.visit_id = v.visit_id;

INSERT INTO ed_visits (record_id, facility_id, visit_id, version, is_current, content_hash, batch_id, source_line, loaded_at,
  visit_datetime, age, sex, patient_county_fips, chief_complaint, triage_note, discharge_diagnoses, chief_complaint_history)
SELECT v.record_id, v.facility_id, v.visit_id, v.version, v.is_latest, v.content_hash, $batch_id, s.line, $loaded_at,
  s.visit_datetime, s.age, s.sex, s.patient_county_fips, s.chief_complaint, s.triage_note, s.discharge_diagnoses, s.chief_complaint_history
FROM versioned_ed_visits v
JOIN staging_ed_visits s ON s.seq = v.seq;

INSERT INTO coded_ed_visits
SELECT v.record_id, $coder, $lexicon_version, $syndrome_set, $loaded_at, true,
  c.codes, c.drugs, c.drug_classes, c.syndromes, c.negated, c.intent, c.review.required, c.review.reasons
FROM versioned_ed_visits v
JOIN staging_ed_visits s ON s.seq = v.seq
JOIN staged_ed_coded c ON c.coded_id = s.coded_id;

INSERT INTO batch_errors SELECT $batch_id, line, record_id, field, message FROM staging_errors;
