-- One certificate version as a coder reviews it: what the certifier wrote and who the decedent
-- was, whether it is still the current version.   $record_id
SELECT CAST(record_id AS VARCHAR) AS record_id, jurisdiction, certificate_id, version, is_current, voided,
  strftime(death_date, '%Y-%m-%d') AS death_date, age, sex, residence_county_fips, occurrence_county_fips, manner,
  part1_a, part1_b, part1_c, part1_d, part2, how_injury, interval_a, interval_b, interval_c, interval_d,
  strftime(injury_date, '%Y-%m-%d') AS injury_date, injury_place, autopsy,
  strftime(timezone('UTC', loaded_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS loaded_at, batch_id
FROM certificates
WHERE record_id = $record_id;
