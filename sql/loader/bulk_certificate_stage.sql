-- The bulk certificate template path, last step: every row whose every field is valid goes into
-- staging_certificates, typed and hashed as load_certificate_staging.sql does, its coded result
-- named -key_id (the module stages each key's result under that id). A row is taken only when
-- each check here implies the row validator's (certificate-schema.ts); any other row is left for
-- the module to validate in JavaScript, which names what is wrong.
--   certificate_id   1-{{max_id}} bytes with nothing to trim
--   cause texts      taken as they are, so the row's key is in bulk_certificate_keys
--                    (bulk_certificate_keys.sql), found by the hash of its columns: {{key_join}}
--                    is that hash's equality when no two keys share a hash (the module checks),
--                    else every column's. A key's hash and id are all the join holds: joining on
--                    the seven texts held 1M keys' texts in the join's hash table, which with 4M
--                    certificates outgrew the 1 GB memory limit.
--   other texts      taken as they are (bulk_text_as_read)
--   the rest         found in bulk_certificate_values, written by the validator's own rules
-- Placeholders: {{line}} the row's line in the file, {{key_join}} (above), {{max_text}} and
-- {{max_id}} the validator's limits. Parameters: $from_seq and $to_seq, the slice of rows this run
-- stages (the module runs the script once per slice): 4M certificates in one statement ran out of
-- the 1 GB memory limit now and then, and a slice's working set does not grow with the file.
-- A view, not a copy: the rows are read twice (here and for the rows left to JavaScript), and a
-- second copy of a million certificates took ~0.5 s and hundreds of MB of the memory limit.
CREATE OR REPLACE TEMP VIEW bulk_certificate_lines AS
SELECT rowid AS seq, {{line}} AS line, * EXCLUDE (breaks)
FROM bulk_certificate_rows;

INSERT INTO staging_certificates
SELECT *, certificate_content_hash(certificate_id, jurisdiction, death_date, age, sex, residence_county_fips, occurrence_county_fips,
  manner, part1_a, part1_b, part1_c, part1_d, part2, how_injury, interval_a, interval_b, interval_c, interval_d,
  injury_date, injury_place, race, hispanic, autopsy, tobacco, pregnancy, voided)
FROM (
  SELECT r.seq, r.line, -k.key_id AS coded_id, false AS voided, NULL::VARCHAR AS message_id,
    r.certificate_id, j.value AS jurisdiction, dd.value::DATE AS death_date, a.age, s.value AS sex,
    rc.value AS residence_county_fips, oc.value AS occurrence_county_fips, m.value AS manner,
    nullif(r.part1_a, '') AS part1_a, nullif(r.part1_b, '') AS part1_b, nullif(r.part1_c, '') AS part1_c, nullif(r.part1_d, '') AS part1_d,
    nullif(r.part2, '') AS part2, nullif(r.how_injury, '') AS how_injury,
    nullif(r.interval_a, '') AS interval_a, nullif(r.interval_b, '') AS interval_b, nullif(r.interval_c, '') AS interval_c, nullif(r.interval_d, '') AS interval_d,
    ij.value::DATE AS injury_date, nullif(r.injury_place, '') AS injury_place, nullif(r.race, '') AS race, nullif(r.hispanic, '') AS hispanic,
    nullif(r.autopsy, '') AS autopsy, nullif(r.tobacco, '') AS tobacco, nullif(r.pregnancy, '') AS pregnancy
  FROM bulk_certificate_lines r
  JOIN bulk_certificate_values j ON j.field = 'jurisdiction' AND j.raw = r.jurisdiction
  JOIN bulk_certificate_values dd ON dd.field = 'death_date' AND dd.raw = r.death_date
  JOIN bulk_certificate_values a ON a.field = 'age' AND a.raw = r.age
  JOIN bulk_certificate_values s ON s.field = 'sex' AND s.raw = r.sex
  JOIN bulk_certificate_values rc ON rc.field = 'residence_county_fips' AND rc.raw = r.residence_county_fips
  JOIN bulk_certificate_values oc ON oc.field = 'occurrence_county_fips' AND oc.raw = r.occurrence_county_fips
  JOIN bulk_certificate_values m ON m.field = 'manner' AND m.raw = r.manner
  JOIN bulk_certificate_values ij ON ij.field = 'injury_date' AND ij.raw = r.injury_date
  JOIN bulk_certificate_keys k ON {{key_join}}
  WHERE r.seq >= $from_seq AND r.seq < $to_seq
    AND r.certificate_id <> '' AND bulk_text_as_read(r.certificate_id, {{max_id}})
    AND bulk_text_as_read(r.part1_a, {{max_text}}) AND bulk_text_as_read(r.part1_b, {{max_text}})
    AND bulk_text_as_read(r.part1_c, {{max_text}}) AND bulk_text_as_read(r.part1_d, {{max_text}})
    AND bulk_text_as_read(r.part2, {{max_text}}) AND bulk_text_as_read(r.how_injury, {{max_text}})
    AND bulk_text_as_read(r.interval_a, {{max_text}}) AND bulk_text_as_read(r.interval_b, {{max_text}})
    AND bulk_text_as_read(r.interval_c, {{max_text}}) AND bulk_text_as_read(r.interval_d, {{max_text}})
    AND bulk_text_as_read(r.injury_place, {{max_text}}) AND bulk_text_as_read(r.race, {{max_text}})
    AND bulk_text_as_read(r.hispanic, {{max_text}}) AND bulk_text_as_read(r.autopsy, {{max_text}})
    AND bulk_text_as_read(r.tobacco, {{max_text}}) AND bulk_text_as_read(r.pregnancy, {{max_text}})
);
