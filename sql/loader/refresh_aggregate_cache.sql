-- Rebuilds the aggregate cache (012_aggregate_cache.sql) for the days in [$from, $to) from the
-- records, run by the refresh-aggregates job (pipeline/jobs/refresh-aggregates.ts) inside one
-- transaction: the counts by county, day, measure (or syndrome), age group and sex, then their
-- roll-ups to each level by day and by month. The whole cache is the range 0001-01-01 to
-- 9999-12-31; after a small load, the job passes the months the load touched. $from and $to are
-- first days of months (a month's roll-up is rebuilt whole).
--   $deaths, $ed  which sources to rebuild (BOOLEAN)
DELETE FROM aggregate_death_counts WHERE $deaths AND day >= CAST($from AS DATE) AND day < CAST($to AS DATE);

INSERT INTO aggregate_death_counts
SELECT * FROM death_count_rows(CAST($from AS DATE), CAST($to AS DATE))
WHERE $deaths
ORDER BY measure, day, county, age_group, sex;

DELETE FROM aggregate_death_rollup WHERE $deaths AND period >= CAST($from AS DATE) AND period < CAST($to AS DATE);

-- By month, at each level, without a breakdown (grain 'month') and by age group × sex ('month_by',
-- kept apart so a question without a breakdown reads none of them). GROUPING() names the set a row
-- is of; deaths of unknown residence have no county or state row (geography NULL), only the nation's.
INSERT INTO aggregate_death_rollup
SELECT * FROM (
  SELECT CASE WHEN GROUPING(age_group) = 0 THEN 'month_by' ELSE 'month' END AS grain,
    CASE WHEN GROUPING(county) = 0 THEN 'county' WHEN GROUPING(state) = 0 THEN 'state' ELSE 'nation' END AS level,
    measure, month AS period,
    CASE WHEN GROUPING(county) = 0 THEN county WHEN GROUPING(state) = 0 THEN state ELSE 'US' END AS geography,
    CASE WHEN GROUPING(age_group) = 0 THEN age_group ELSE 'all' END AS age_group,
    CASE WHEN GROUPING(sex) = 0 THEN sex ELSE 'all' END AS sex,
    CAST(sum(deaths) AS INTEGER), CAST(sum(pending) AS INTEGER), CAST(sum(overdoses) AS INTEGER), CAST(sum(specific) AS INTEGER)
  FROM (
    SELECT measure, CAST(date_trunc('month', day) AS DATE) AS month, county, substr(county, 1, 2) AS state, age_group, sex, deaths, pending, overdoses, specific
    FROM aggregate_death_counts
    WHERE $deaths AND day >= CAST($from AS DATE) AND day < CAST($to AS DATE)
  )
  GROUP BY GROUPING SETS (
    (measure, month, county, age_group, sex), (measure, month, county),
    (measure, month, state, age_group, sex), (measure, month, state),
    (measure, month, age_group, sex), (measure, month))
)
WHERE geography IS NOT NULL
ORDER BY grain, level, measure, period, geography;

-- By day, at each level, without a breakdown.
INSERT INTO aggregate_death_rollup
SELECT * FROM (
  SELECT 'day' AS grain,
    CASE WHEN GROUPING(county) = 0 THEN 'county' WHEN GROUPING(state) = 0 THEN 'state' ELSE 'nation' END AS level,
    measure, day AS period,
    CASE WHEN GROUPING(county) = 0 THEN county WHEN GROUPING(state) = 0 THEN state ELSE 'US' END AS geography,
    'all' AS age_group, 'all' AS sex,
    CAST(sum(deaths) AS INTEGER), CAST(sum(pending) AS INTEGER), CAST(sum(overdoses) AS INTEGER), CAST(sum(specific) AS INTEGER)
  FROM (
    SELECT measure, day, county, substr(county, 1, 2) AS state, deaths, pending, overdoses, specific
    FROM aggregate_death_counts
    WHERE $deaths AND day >= CAST($from AS DATE) AND day < CAST($to AS DATE)
  )
  GROUP BY GROUPING SETS ((measure, day, county), (measure, day, state), (measure, day))
)
WHERE geography IS NOT NULL
ORDER BY level, measure, period, geography;

DELETE FROM aggregate_ed_counts WHERE $ed AND day >= CAST($from AS DATE) AND day < CAST($to AS DATE);

INSERT INTO aggregate_ed_counts
SELECT * FROM ed_count_rows(CAST($from AS DATE), CAST($to AS DATE))
WHERE $ed
ORDER BY syndrome, day, county, age_group, sex;

DELETE FROM aggregate_ed_rollup WHERE $ed AND period >= CAST($from AS DATE) AND period < CAST($to AS DATE);

INSERT INTO aggregate_ed_rollup
SELECT * FROM (
  SELECT CASE WHEN GROUPING(age_group) = 0 THEN 'month_by' ELSE 'month' END AS grain,
    CASE WHEN GROUPING(county) = 0 THEN 'county' WHEN GROUPING(state) = 0 THEN 'state' ELSE 'nation' END AS level,
    syndrome, month AS period,
    CASE WHEN GROUPING(county) = 0 THEN county WHEN GROUPING(state) = 0 THEN state ELSE 'US' END AS geography,
    CASE WHEN GROUPING(age_group) = 0 THEN age_group ELSE 'all' END AS age_group,
    CASE WHEN GROUPING(sex) = 0 THEN sex ELSE 'all' END AS sex,
    CAST(sum(visits) AS INTEGER)
  FROM (
    SELECT syndrome, CAST(date_trunc('month', day) AS DATE) AS month, county, substr(county, 1, 2) AS state, age_group, sex, visits
    FROM aggregate_ed_counts
    WHERE $ed AND day >= CAST($from AS DATE) AND day < CAST($to AS DATE)
  )
  GROUP BY GROUPING SETS (
    (syndrome, month, county, age_group, sex), (syndrome, month, county),
    (syndrome, month, state, age_group, sex), (syndrome, month, state),
    (syndrome, month, age_group, sex), (syndrome, month))
)
WHERE geography IS NOT NULL
ORDER BY grain, level, syndrome, period, geography;

INSERT INTO aggregate_ed_rollup
SELECT * FROM (
  SELECT 'day' AS grain,
    CASE WHEN GROUPING(county) = 0 THEN 'county' WHEN GROUPING(state) = 0 THEN 'state' ELSE 'nation' END AS level,
    syndrome, day AS period,
    CASE WHEN GROUPING(county) = 0 THEN county WHEN GROUPING(state) = 0 THEN state ELSE 'US' END AS geography,
    'all' AS age_group, 'all' AS sex,
    CAST(sum(visits) AS INTEGER)
  FROM (
    SELECT syndrome, day, county, substr(county, 1, 2) AS state, visits
    FROM aggregate_ed_counts
    WHERE $ed AND day >= CAST($from AS DATE) AND day < CAST($to AS DATE)
  )
  GROUP BY GROUPING SETS ((syndrome, day, county), (syndrome, day, state), (syndrome, day))
)
WHERE geography IS NOT NULL
ORDER BY level, syndrome, period, geography;
