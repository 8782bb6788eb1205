-- Moves a staged batch into the permanent tables. Runs inside the batch's one transaction.
-- Parameters: $batch_id, $loaded_at, $coder, $lexicon_version.

-- The staged records unpacked, with a content hash (the certificate JSON is built with a fixed
-- key order, so equal content gives equal text).
CREATE OR REPLACE TEMP TABLE staged_certificates AS
SELECT line, is_drug_overdose, hash(certificate) AS content_hash,
  from_json(coded, '{
    "underlying_cause": "VARCHAR", "record_axis": ["VARCHAR"], "entity_axis": "JSON", "drugs": "JSON",
    "intent": "VARCHAR", "review": {"required": "BOOLEAN", "reasons": ["VARCHAR"]}, "trace": "JSON"}') AS coded,
  from_json(certificate, '{
    "certificate_id": "VARCHAR", "jurisdiction": "VARCHAR", "death_date": "DATE", "age": "SMALLINT",
    "sex": "VARCHAR", "residence_county_fips": "VARCHAR", "occurrence_county_fips": "VARCHAR",
    "manner": "VARCHAR", "part1_a": "VARCHAR", "part1_b": "VARCHAR", "part1_c": "VARCHAR",
    "part1_d": "VARCHAR", "part2": "VARCHAR", "how_injury": "VARCHAR", "interval_a": "VARCHAR",
    "interval_b": "VARCHAR", "interval_c": "VARCHAR", "interval_d": "VARCHAR", "injury_date": "DATE",
    "injury_place": "VARCHAR", "race": "VARCHAR", "hispanic": "VARCHAR", "autopsy": "VARCHAR",
    "tobacco": "VARCHAR", "pregnancy": "VARCHAR"}') AS c
FROM staging_certificates;

-- Versioning works on narrow key columns (sorting whole certificates measured ~10x slower).
-- Each record is compared with the version it would follow: the previous line for the same
-- certificate in this file, or else the current stored version. A record identical to it
-- changes nothing (a resend); A, B, A in one file is three versions.
CREATE OR REPLACE TEMP TABLE incoming_certificates AS
SELECT s.line, s.c.jurisdiction AS jurisdiction, s.c.certificate_id AS certificate_id, s.content_hash,
  cur.version AS current_version,
  coalesce(lag(s.content_hash) OVER (PARTITION BY s.c.jurisdiction, s.c.certificate_id ORDER BY s.line), cur.content_hash) AS preceding_hash
FROM staged_certificates s
LEFT JOIN certificates cur
  ON cur.is_current AND cur.jurisdiction = s.c.jurisdiction AND cur.certificate_id = s.c.certificate_id;

-- New versions, numbered in file order after the current one; the last in the file is current.
CREATE OR REPLACE TEMP TABLE versioned_certificates AS
SELECT line, jurisdiction, certificate_id, content_hash,
  nextval('record_id_seq') AS record_id,
  coalesce(current_version, 0) + row_number() OVER (PARTITION BY jurisdiction, certificate_id ORDER BY line) AS version,
  row_number() OVER (PARTITION BY jurisdiction, certificate_id ORDER BY line DESC) = 1 AS is_latest
FROM incoming_certificates
WHERE preceding_hash IS DISTINCT FROM content_hash;

UPDATE certificates c SET is_current = false
FROM (SELECT DISTINCT jurisdiction, certificate_id FROM versioned_certificates) v
WHERE c.is_current AND c.jurisdiction = v.jurisdiction AND c.certificate_id = v.certificate_id;

INSERT INTO certificates
SELECT v.record_id, v.jurisdiction, v.certificate_id, v.version, v.is_latest, false, v.content_hash,
  $batch_id, s.line, $loaded_at,
  s.c.death_date, s.c.age, s.c.sex, s.c.residence_county_fips, s.c.occurrence_county_fips, s.c.manner,
  s.c.part1_a, s.c.part1_b, s.c.part1_c, s.c.part1_d, s.c.part2, s.c.how_injury,
  s.c.interval_a, s.c.interval_b, s.c.interval_c, s.c.interval_d,
  s.c.injury_date, s.c.injury_place, s.c.race, s.c.hispanic, s.c.autopsy, s.c.tobacco, s.c.pregnancy
FROM versioned_certificates v
JOIN staged_certificates s ON s.line = v.line;

INSERT INTO coded_deaths
SELECT v.record_id, $coder, $lexicon_version, $loaded_at, true,
  s.coded.underlying_cause, s.is_drug_overdose, s.coded.record_axis, s.coded.entity_axis, s.coded.drugs,
  s.coded.intent, s.coded.review.required, s.coded.review.reasons, s.coded.trace
FROM versioned_certificates v
JOIN staged_certificates s ON s.line = v.line;

INSERT INTO batch_errors SELECT $batch_id, line, record_id, field, message FROM staging_errors;
