-- Deaths for one measure (death_measures) by geography and day of death, for the space-time scan:
-- only days with deaths are returned (the caller fills the zeros).
--   $measure    a death_measures.measure key
--   $geography  'county' | 'state' | 'nation'
--   $from, $to  DATE range [from, to) of death dates
-- By county of residence, from measure_deaths (current, non-void versions, current coding).
SELECT
  geography_of(c.residence_county_fips, $geography) AS geography,
  strftime(c.death_date, '%Y-%m-%d') AS day,
  CAST(count(*) AS INTEGER) AS deaths
FROM measure_deaths($measure) c
WHERE c.death_date >= $from AND c.death_date < $to
  AND ($geography = 'nation' OR c.residence_county_fips IS NOT NULL)
GROUP BY 1, 2
ORDER BY 1, 2;
