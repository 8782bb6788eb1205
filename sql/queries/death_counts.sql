-- Deaths for one measure (death_measures) by geography and period, with population and crude
-- rate per 100,000 over the period (not annualised).
--   $measure    a death_measures.measure key
--   $geography  'county' | 'state' | 'nation'
--   $unit       'week' (MMWR week, the Sunday it starts) | 'month' | 'year' | 'total' (the whole range as one period)
--   $from, $to  DATE range [from, to)
-- Deaths count by county of residence, as NCHS counts them (measure_deaths: current, non-void
-- certificate versions and their current coding). The population is that of the period's latest
-- year, or the latest estimate before it when the year has none yet (ASOF join).
WITH deaths AS (
  SELECT
    geography_of(c.residence_county_fips, $geography) AS geography,
    CASE $unit
      WHEN 'week' THEN strftime(mmwr_week_start(c.death_date), '%Y-%m-%d')
      WHEN 'month' THEN strftime(c.death_date, '%Y-%m')
      WHEN 'year' THEN strftime(c.death_date, '%Y')
    END AS period,
    year(c.death_date) AS year
  FROM measure_deaths($measure) c
  WHERE c.death_date >= $from AND c.death_date < $to
    AND ($geography = 'nation' OR c.residence_county_fips IS NOT NULL)
),
counts AS (
  SELECT geography, period, max(year) AS year, count(*) AS deaths
  FROM deaths
  GROUP BY geography, period
),
population AS (
  SELECT
    geography_of(fips, $geography) AS geography,
    year,
    sum(population) AS population
  FROM populations
  WHERE age_group = 'all' AND sex = 'all'
  GROUP BY 1, 2
)
SELECT
  counts.geography,
  counts.period,
  CAST(counts.deaths AS INTEGER) AS deaths,
  CAST(p.population AS DOUBLE) AS population,
  counts.deaths * 100000.0 / p.population AS rate_per_100k
FROM counts
ASOF LEFT JOIN population p ON p.geography = counts.geography AND counts.year >= p.year
ORDER BY counts.geography, counts.period;
