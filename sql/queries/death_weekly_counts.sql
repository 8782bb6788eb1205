-- Deaths for one measure (death_measures) by geography and MMWR week of death, for detectors:
-- only weeks with deaths are returned (the caller fills the zeros).
--   $measure    a death_measures.measure key
--   $geography  'county' | 'state' | 'nation'
--   $from, $to  DATE range [from, to) of death dates
-- Current, non-void certificate versions and their current coding, by county of residence.
WITH measure AS (
  SELECT overdose_only, codes FROM death_measures WHERE measure = $measure
)
SELECT
  CASE $geography
    WHEN 'county' THEN c.residence_county_fips
    WHEN 'state' THEN substr(c.residence_county_fips, 1, 2)
    ELSE 'US'
  END AS geography,
  strftime(mmwr_week_start(c.death_date), '%Y-%m-%d') AS week_start,
  CAST(count(*) AS INTEGER) AS deaths
FROM certificates c
JOIN coded_deaths d ON d.record_id = c.record_id AND d.is_current
CROSS JOIN measure m
WHERE c.is_current AND NOT c.voided
  AND c.death_date >= $from AND c.death_date < $to
  AND ($geography = 'nation' OR c.residence_county_fips IS NOT NULL)
  AND (NOT m.overdose_only OR d.is_drug_overdose)
  AND (len(m.codes) = 0 OR list_has_any(d.record_axis, m.codes))
GROUP BY 1, 2
ORDER BY 1, 2;
