-- Moves a staged batch into the permanent tables. Runs inside the batch's one transaction.
-- Parameters: $batch_id, $loaded_at, $coder, $lexicon_version.

-- A message already loaded (resent, perhaps in another file) changes nothing.
DELETE FROM staging_certificates WHERE message_id IN (SELECT message_id FROM received_messages);

-- Each coded result once (a thread may have sent one twice), unpacked. The duplicates are found on
-- the narrow id alone: grouping the JSON texts themselves held them all in memory (out of memory
-- at 4M certificates under the 1 GB limit), a semi-join on row ids streams them.
CREATE OR REPLACE TEMP TABLE staged_death_coded AS
SELECT coded_id, is_drug_overdose, unnest(c)
FROM (
SELECT coded_id, is_drug_overdose, from_json(coded, '{
    "underlying_cause": "VARCHAR", "record_axis": ["VARCHAR"], "entity_axis": "JSON", "drugs": "JSON",
    "intent": "VARCHAR", "review": {"required": "BOOLEAN", "reasons": ["VARCHAR"]}, "trace": "JSON"}') AS c
FROM staging_death_coded
WHERE rowid IN (SELECT min(rowid) FROM staging_death_coded GROUP BY coded_id)
);

-- Versioning works on narrow key columns (sorting whole certificates measured ~10x slower).
-- Records are keyed by seq, their order in the batch (one line may hold several records: a VRDR
-- void of a block of certificates). Each record is compared with the version it would follow: the previous record for the same
-- certificate in this file, or else the current stored version. A record identical to it
-- changes nothing (a resend); A, B, A in one file is three versions.
CREATE OR REPLACE TEMP TABLE incoming_certificates AS
SELECT s.seq, s.jurisdiction AS jurisdiction, s.certificate_id AS certificate_id, s.content_hash,
  cur.version AS current_version,
  coalesce(lag(s.content_hash) OVER (PARTITION BY s.jurisdiction, s.certificate_id ORDER BY s.seq), cur.content_hash) AS preceding_hash
FROM staging_certificates s
LEFT JOIN certificates cur
  ON cur.is_current AND cur.jurisdiction = s.jurisdiction AND cur.certificate_id = s.certificate_id;

-- New versions, numbered in file order after the current one; the last in the file is current.
CREATE OR REPLACE TEMP TABLE drawn_certificates AS
SELECT seq, jurisdiction, certificate_id, content_hash,
  nextval('record_id_seq') AS drawn_id,
  coalesce(current_version, 0) + row_number() OVER (PARTITION BY jurisdiction, certificate_id ORDER BY seq) AS version,
  row_number() OVER (PARTITION BY jurisdiction, certificate_id ORDER BY seq DESC) = 1 AS is_latest
FROM incoming_certificates
WHERE preceding_hash IS DISTINCT FROM content_hash;

-- Record ids are handed out in file order: DuckDB draws them from the sequence in whatever order
-- its threads reach the rows, so the drawn ids are sorted and given to the records by seq.
CREATE OR REPLACE TEMP TABLE versioned_certificates AS
SELECT r.* EXCLUDE (drawn_id, k), d.drawn_id AS record_id
FROM (SELECT *, row_number() OVER (ORDER BY seq) AS k FROM drawn_certificates) r
JOIN (SELECT drawn_id, row_number() OVER (ORDER BY drawn_id) AS k FROM drawn_certificates) d USING (k);

-- Only a record numbered after another can retire a current version (every stored record has
-- one, a void included): a batch of new records (most of them) skips grouping its million
-- identities to find none (~0.4 s for 1M). A second version of a new record finds none, as before.
UPDATE certificates c SET is_current = false
FROM (SELECT DISTINCT jurisdiction, certificate_id FROM versioned_certificates WHERE version > 1) v
WHERE c.is_current AND c.jurisdiction = v.jurisdiction AND c.certificate_id = v.certificate_id;

INSERT INTO certificates
SELECT v.record_id, v.jurisdiction, v.certificate_id, v.version, v.is_latest, s.voided, v.content_hash,
  $batch_id, s.line, $loaded_at,
  s.death_date, s.age, s.sex, s.residence_county_fips, s.occurrence_county_fips, s.manner,
  s.part1_a, s.part1_b, s.part1_c, s.part1_d, s.part2, s.how_injury,
  s.interval_a, s.interval_b, s.interval_c, s.interval_d,
  s.injury_date, s.injury_place, s.race, s.hispanic, s.autopsy, s.tobacco, s.pregnancy
FROM versioned_certificates v
JOIN staging_certificates s ON s.seq = v.seq;

-- Each coded result joined once to the records it codes, gathered as a list: joining every record
-- to the results built a hash table of the results' JSON, which outgrew the memory limit from a
-- few million certificates (the insert took 2.2 s at 1M, 11.8 s at 4M, 32.8 s at 6M).
INSERT INTO coded_deaths
SELECT unnest(r.record_ids), $coder, $lexicon_version, $loaded_at, true,
  c.underlying_cause, c.is_drug_overdose, c.record_axis, c.entity_axis, c.drugs,
  c.intent, c.review.required, c.review.reasons, c.trace
FROM staged_death_coded c
JOIN (
  SELECT s.coded_id, list(v.record_id) AS record_ids
  FROM versioned_certificates v
  JOIN staging_certificates s ON s.seq = v.seq
  -- A void retires the certificate: its version is kept, with nothing to code (no coded result).
  WHERE s.coded_id IS NOT NULL
  GROUP BY s.coded_id
) r ON r.coded_id = c.coded_id;

INSERT INTO received_messages
SELECT DISTINCT message_id, $batch_id, $loaded_at FROM staging_certificates WHERE message_id IS NOT NULL;

INSERT INTO batch_errors SELECT $batch_id, line, record_id, field, message FROM staging_errors;
