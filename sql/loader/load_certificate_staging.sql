-- Moves a batch's staging CSV (pipeline/ingest/staging-csv.ts; columns STAGED_CERTIFICATE_COLUMNS
-- of death-records.ts) into staging_certificates. Parameter: $staging_path. The placeholder after
-- FROM is the read_csv call over it, made by readStagingCsv.
-- The content hash is over the typed certificate and whether it is a void
-- (certificate_content_hash, 013_typed_content_hash.sql), as for stored certificates.
INSERT INTO staging_certificates
SELECT *, certificate_content_hash(certificate_id, jurisdiction, death_date, age, sex, residence_county_fips, occurrence_county_fips,
  manner, part1_a, part1_b, part1_c, part1_d, part2, how_injury, interval_a, interval_b, interval_c, interval_d,
  injury_date, injury_place, race, hispanic, autopsy, tobacco, pregnancy, voided)
FROM {{read_staging}};
