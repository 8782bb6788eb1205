-- Moves a staged batch into the permanent tables. Runs inside the batch's one transaction.
-- Parameters: $batch_id, $loaded_at, $coder, $lexicon_version.

-- Each staged record with its content hash and the current version of the same certificate.
-- The same content twice in one file counts once.
CREATE OR REPLACE TEMP TABLE incoming_certificates AS
WITH hashed AS (
  SELECT s.*,
    hash(s.death_date, s.age, s.sex, s.residence_county_fips, s.occurrence_county_fips, s.manner,
         s.part1_a, s.part1_b, s.part1_c, s.part1_d, s.part2, s.how_injury,
         s.interval_a, s.interval_b, s.interval_c, s.interval_d, s.injury_date, s.injury_place,
         s.race, s.hispanic, s.autopsy, s.tobacco, s.pregnancy) AS content_hash
  FROM staging_certificates s
)
SELECT h.*, cur.version AS current_version, cur.content_hash AS current_hash
FROM hashed h
LEFT JOIN certificates cur
  ON cur.is_current AND cur.jurisdiction = h.jurisdiction AND cur.certificate_id = h.certificate_id
QUALIFY row_number() OVER (PARTITION BY h.jurisdiction, h.certificate_id, h.content_hash ORDER BY h.line) = 1;

-- New versions: a record whose content differs from the current version (or is new). Several
-- versions of one certificate in one file are numbered in file order; the last is current.
CREATE OR REPLACE TEMP TABLE versioned_certificates AS
SELECT i.*,
  nextval('record_id_seq') AS record_id,
  coalesce(i.current_version, 0)
    + row_number() OVER (PARTITION BY i.jurisdiction, i.certificate_id ORDER BY i.line) AS version,
  row_number() OVER (PARTITION BY i.jurisdiction, i.certificate_id ORDER BY i.line DESC) = 1 AS is_latest
FROM incoming_certificates i
WHERE i.current_hash IS DISTINCT FROM i.content_hash;

UPDATE certificates c SET is_current = false
FROM (SELECT DISTINCT jurisdiction, certificate_id FROM versioned_certificates) v
WHERE c.is_current AND c.jurisdiction = v.jurisdiction AND c.certificate_id = v.certificate_id;

INSERT INTO certificates
SELECT record_id, jurisdiction, certificate_id, version, is_latest, false, content_hash,
  $batch_id, line, $loaded_at,
  CAST(death_date AS DATE), age, sex, residence_county_fips, occurrence_county_fips, manner,
  part1_a, part1_b, part1_c, part1_d, part2, how_injury,
  interval_a, interval_b, interval_c, interval_d,
  CAST(injury_date AS DATE), injury_place, race, hispanic, autopsy, tobacco, pregnancy
FROM versioned_certificates;

INSERT INTO coded_deaths
SELECT record_id, $coder, $lexicon_version, $loaded_at, true,
  underlying_cause, is_drug_overdose,
  from_json(record_axis, '["VARCHAR"]'), CAST(entity_axis AS JSON), CAST(drugs AS JSON), intent,
  review_required, from_json(review_reasons, '["VARCHAR"]'), CAST(trace AS JSON)
FROM versioned_certificates;

INSERT INTO batch_errors SELECT $batch_id, line, record_id, field, message FROM staging_errors;
