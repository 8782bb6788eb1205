-- Counts behind GET /api/aggregates, from the aggregate cache (current: see aggregate_cache_status;
-- aggregate_counts_live.sql counts the records themselves, with the same columns and rows): deaths
-- for one measure, or ED visits meeting one syndrome, by geography, period and stratum, with the year
-- whose population the rate is computed on (the period's last year; aggregate_populations gives the
-- populations). Only cells with a count above 0 are returned (the caller fills the zeros).
--   $source     'deaths' | 'ed'
--   $grain      the cache table that answers: 'month' or 'day' (the roll-ups at each level, without
--               a breakdown), 'month_by' (monthly roll-ups by age group × sex), or 'base' (the counts
--               by county, day, age group and sex, summed here). The caller picks the smallest that
--               answers: the monthly ones need whole months.
--   $measure    a death_measures.measure (deaths) or a syndrome id (ED)
--   $pending_measure  'all_deaths' to count all deaths and pending ones per cell too, '' not to
--   $geography  'county' | 'state' | 'nation', by county of residence (ED: the patient's county)
--   $state      '' or a 2-digit state FIPS: only that state's counties (or its own row)
--   $unit       'day' | 'week' (MMWR week, named by its Sunday) | 'month' | 'year'
--               | '12mo' (12 months ending in each month, as NCHS VSRR) | 'total' (the range as one period)
--   $by         'none' | 'age_group' | 'sex' | 'age_sex' (age group and sex, for age adjustment by sex)
--   $start      first day counted (for 12mo, 11 months before $from)
--   $from, $to  DATE range [from, to) of the periods returned
-- Deaths also carry, per cell: overdoses and those with a specific drug T-code (drug specificity),
-- and (with $pending_measure) all deaths and those pending investigation (VSRR's percent pending
-- is over all deaths).
WITH source_rows AS (
  SELECT period AS day, geography, age_group, sex, deaths AS n, overdoses, specific, measure = $measure AS in_measure, measure = $pending_measure AS in_all, pending
  FROM aggregate_death_rollup
  WHERE $source = 'deaths' AND grain = $grain AND level = $geography AND measure IN ($measure, $pending_measure)
    AND period >= CAST($start AS DATE) AND period < CAST($to AS DATE)
  UNION ALL
  SELECT day, geography_of(county, $geography), age_group, sex, deaths, overdoses, specific, measure = $measure, measure = $pending_measure, pending
  FROM aggregate_death_counts
  WHERE $source = 'deaths' AND $grain = 'base' AND measure IN ($measure, $pending_measure) AND day >= CAST($start AS DATE) AND day < CAST($to AS DATE)
    AND ($geography = 'nation' OR county IS NOT NULL)
  UNION ALL
  SELECT period, geography, age_group, sex, visits, NULL, NULL, true, false, NULL
  FROM aggregate_ed_rollup
  WHERE $source = 'ed' AND grain = $grain AND level = $geography AND syndrome = $measure
    AND period >= CAST($start AS DATE) AND period < CAST($to AS DATE)
  UNION ALL
  SELECT day, geography_of(county, $geography), age_group, sex, visits, NULL, NULL, true, false, NULL
  FROM aggregate_ed_counts
  WHERE $source = 'ed' AND $grain = 'base' AND syndrome = $measure AND day >= CAST($start AS DATE) AND day < CAST($to AS DATE)
    AND ($geography = 'nation' OR county IS NOT NULL)
),
cells AS (
  SELECT
    geography,
    CASE $unit
      WHEN 'day' THEN day
      WHEN 'week' THEN mmwr_week_start(day)
      WHEN 'month' THEN CAST(date_trunc('month', day) AS DATE)
      WHEN '12mo' THEN CAST(date_trunc('month', day) AS DATE)
      WHEN 'year' THEN CAST(date_trunc('year', day) AS DATE)
      ELSE CAST($from AS DATE)
    END AS period_start,
    CASE $by WHEN 'age_group' THEN age_group WHEN 'sex' THEN sex WHEN 'age_sex' THEN age_group || '|' || sex ELSE 'all' END AS stratum,
    sum(n) FILTER (in_measure) AS n,
    sum(overdoses) FILTER (in_measure) AS overdoses,
    sum(specific) FILTER (in_measure) AS specific,
    sum(n) FILTER (in_all) AS all_deaths,
    sum(pending) FILTER (in_all) AS pending
  FROM source_rows
  WHERE $state = '' OR substr(geography, 1, 2) = $state
  GROUP BY ALL
),
-- 12-month-ending: each month's value is the sum of the 12 months ending in it.
ending_months AS (
  SELECT CAST(range AS DATE) AS month FROM range(CAST($from AS TIMESTAMP), CAST($to AS TIMESTAMP), INTERVAL 1 MONTH)
  WHERE $unit = '12mo'
),
periods AS (
  SELECT * FROM cells WHERE $unit <> '12mo'
  UNION ALL
  SELECT c.geography, e.month, c.stratum, sum(c.n), sum(c.overdoses), sum(c.specific), sum(c.all_deaths), sum(c.pending)
  FROM ending_months e
  JOIN cells c ON c.period_start > e.month - INTERVAL 12 MONTH AND c.period_start <= e.month
  GROUP BY ALL
),
dated AS (
  SELECT *,
    year(CASE $unit
      WHEN 'week' THEN period_start + 6
      WHEN 'total' THEN CAST($to AS DATE) - 1
      WHEN 'year' THEN least(CAST(period_start + INTERVAL 1 YEAR AS DATE), CAST($to AS DATE)) - 1
      ELSE period_start
    END) AS population_year
  FROM periods
  WHERE n > 0
)
SELECT
  d.geography,
  CASE $unit
    WHEN 'day' THEN strftime(d.period_start, '%Y-%m-%d')
    WHEN 'week' THEN strftime(d.period_start, '%Y-%m-%d')
    WHEN 'month' THEN strftime(d.period_start, '%Y-%m')
    WHEN '12mo' THEN strftime(d.period_start, '%Y-%m')
    WHEN 'year' THEN strftime(d.period_start, '%Y')
  END AS period,
  d.stratum,
  CAST(d.n AS INTEGER) AS count,
  CAST(d.overdoses AS INTEGER) AS overdoses,
  CAST(d.specific AS INTEGER) AS specific,
  CAST(d.all_deaths AS INTEGER) AS all_deaths,
  CAST(d.pending AS INTEGER) AS pending,
  CAST(d.population_year AS INTEGER) AS population_year
FROM dated d
ORDER BY d.geography, d.period_start, d.stratum;
