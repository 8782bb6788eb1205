-- Counts behind GET /api/aggregates, counted from the records (the aggregate cache is stale):
-- the same question, columns and rows as aggregate_counts.sql, through the macros the cache is
-- built with (death_count_rows, ed_count_rows: current certificate and visit versions, current
-- coding). Parameters as aggregate_counts.sql, without $grain. Everything after source_rows is
-- aggregate_counts.sql's, and a change must go to both: folding this in as a 'records' grain of
-- that query was measured 7% slower on every cached answer (36-49 ms → 38-52 ms, demo data), the
-- hot path, so the copy stays.
WITH source_rows AS (
  SELECT day, geography_of(county, $geography) AS geography, age_group, sex, deaths AS n, overdoses, specific, measure = $measure AS in_measure, measure = $pending_measure AS in_all, pending
  FROM death_count_rows(CAST($start AS DATE), CAST($to AS DATE))
  WHERE $source = 'deaths' AND measure IN ($measure, $pending_measure) AND ($geography = 'nation' OR county IS NOT NULL)
  UNION ALL
  SELECT day, geography_of(county, $geography), age_group, sex, visits, NULL, NULL, true, false, NULL
  FROM ed_count_rows(CAST($start AS DATE), CAST($to AS DATE))
  WHERE $source = 'ed' AND syndrome = $measure AND ($geography = 'nation' OR county IS NOT NULL)
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
