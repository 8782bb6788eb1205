-- Certificate versions in template column names, read back as the strings an upload carries, for
-- coding them again (the recode job, the checks of human codings).   $record_ids (JSON list)
SELECT c.record_id, c.certificate_id, c.jurisdiction, coalesce(strftime(c.death_date, '%Y-%m-%d'), '') AS death_date,
  coalesce(CAST(c.age AS VARCHAR), '') AS age, coalesce(c.sex, '') AS sex,
  coalesce(c.residence_county_fips, '') AS residence_county_fips, coalesce(c.occurrence_county_fips, '') AS occurrence_county_fips,
  coalesce(c.manner, '') AS manner, coalesce(c.part1_a, '') AS part1_a, coalesce(c.part1_b, '') AS part1_b,
  coalesce(c.part1_c, '') AS part1_c, coalesce(c.part1_d, '') AS part1_d, coalesce(c.part2, '') AS part2,
  coalesce(c.how_injury, '') AS how_injury, coalesce(c.interval_a, '') AS interval_a, coalesce(c.interval_b, '') AS interval_b,
  coalesce(c.interval_c, '') AS interval_c, coalesce(c.interval_d, '') AS interval_d,
  coalesce(strftime(c.injury_date, '%Y-%m-%d'), '') AS injury_date, coalesce(c.injury_place, '') AS injury_place,
  coalesce(c.race, '') AS race, coalesce(c.hispanic, '') AS hispanic, coalesce(c.autopsy, '') AS autopsy,
  coalesce(c.tobacco, '') AS tobacco, coalesce(c.pregnancy, '') AS pregnancy
FROM certificates c
WHERE list_contains(from_json($record_ids, '["BIGINT"]'), c.record_id)
ORDER BY c.record_id;
