-- Precomputed counts behind GET /api/aggregates. With millions of records a scan of certificates
-- and their coding per request is too slow, so the refresh-aggregates job materialises the counts
-- the API sums (sql/loader/refresh_aggregate_cache.sql). The API answers from these tables only when
-- aggregate_cache_state says they were built from the data as it is now; otherwise it counts the
-- records directly, through the same macros, so both paths give the same figures.

-- The NCHS age group of an age in completed years ('<1', '1-4', '5-14', ... '85+'; the 2000 standard
-- population's groups, pipeline/stats/rates/standard-population.ts), 'unknown' when not stated.
CREATE MACRO nchs_age_group(age) AS CASE
  WHEN age IS NULL OR age < 0 THEN 'unknown'
  WHEN age < 1 THEN '<1'
  WHEN age < 5 THEN '1-4'
  WHEN age < 15 THEN '5-14'
  WHEN age < 25 THEN '15-24'
  WHEN age < 35 THEN '25-34'
  WHEN age < 45 THEN '35-44'
  WHEN age < 55 THEN '45-54'
  WHEN age < 65 THEN '55-64'
  WHEN age < 75 THEN '65-74'
  WHEN age < 85 THEN '75-84'
  ELSE '85+' END;

-- Sex as the counts carry it: M, F, or U (unknown or not stated).
CREATE MACRO sex_code(sex) AS CASE WHEN sex IN ('M', 'F') THEN sex ELSE 'U' END;

-- A drug T-code more specific than "other and unspecified drugs" (T50.9): T36.0-T50.8. NCHS's
-- drug-specificity share is the share of overdose deaths with at least one of these.
CREATE MACRO has_specific_drug(codes) AS len(list_filter(codes, x -> x >= 'T36' AND x < 'T50.9')) > 0;

-- Deaths as the cache holds them, counted from the records: per measure, day of death, county of
-- residence (NULL when unknown), NCHS age group and sex. The measure rule is measure_deaths's
-- (007_measure_deaths.sql): current, non-void certificate versions with their current coding;
-- overdose measures need a drug-overdose underlying cause, a measure's codes any multiple cause.
-- (measure_deaths takes one measure; this counts all of them in one pass over the records.)
--   pending    deaths whose manner is P (pending investigation), VSRR's "percent pending"
--   overdoses  drug-overdose deaths among them; specific: those with a specific drug T-code
CREATE MACRO death_count_rows(from_day, to_day) AS TABLE
  WITH deaths AS (
    SELECT c.death_date AS day, c.residence_county_fips AS county, nchs_age_group(c.age) AS age_group,
      sex_code(c.sex) AS sex, coalesce(c.manner = 'P', false) AS pending, d.is_drug_overdose AS overdose,
      d.is_drug_overdose AND has_specific_drug(d.record_axis) AS specific, d.record_axis
    FROM certificates c
    JOIN coded_deaths d ON d.record_id = c.record_id AND d.is_current
    WHERE c.is_current AND NOT c.voided AND c.death_date >= from_day AND c.death_date < to_day
  ),
  measured AS (
    -- Measures that need no overdose are matched against every death, the others against the
    -- overdoses only: the same rule as measure_deaths, without pairing every death with every measure.
    SELECT m.measure, deaths.* FROM deaths JOIN death_measures m ON NOT m.overdose_only
    WHERE len(m.codes) = 0 OR list_has_any(deaths.record_axis, m.codes)
    UNION ALL
    SELECT m.measure, deaths.* FROM deaths JOIN death_measures m ON m.overdose_only
    WHERE deaths.overdose AND (len(m.codes) = 0 OR list_has_any(deaths.record_axis, m.codes))
  )
  SELECT measure, day, county, age_group, sex,
    CAST(count(*) AS INTEGER) AS deaths,
    CAST(count(*) FILTER (pending) AS INTEGER) AS pending,
    CAST(count(*) FILTER (overdose) AS INTEGER) AS overdoses,
    CAST(count(*) FILTER (specific) AS INTEGER) AS specific
  FROM measured
  GROUP BY measure, day, county, age_group, sex;

-- ED visits as the cache holds them, counted from the records: per syndrome the visit meets
-- (current visit version, current coding), day of visit, patient county, NCHS age group and sex.
-- Codings without a syndrome (most visits) are dropped before the join with the visits.
CREATE MACRO ed_count_rows(from_day, to_day) AS TABLE
  SELECT s.syndrome, CAST(e.visit_datetime AS DATE) AS day, e.patient_county_fips AS county,
    nchs_age_group(e.age) AS age_group, sex_code(e.sex) AS sex, CAST(count(*) AS INTEGER) AS visits
  FROM (SELECT record_id, syndromes FROM coded_ed_visits WHERE is_current AND len(syndromes) > 0) c
  JOIN ed_visits e ON e.record_id = c.record_id,
  unnest(c.syndromes) AS s(syndrome)
  WHERE e.is_current AND e.visit_datetime >= CAST(from_day AS DATE) AND e.visit_datetime < CAST(to_day AS DATE)
  GROUP BY ALL;

-- What the data is now, per source, as a string: the row counts of the record and coding tables.
-- Every load, void, recode and human correction appends rows to them (nothing is deleted; old
-- versions only lose is_current), so equal strings mean the same data. Read from the catalog
-- (estimated_size: the rows committed, O(1)), so every request can check it.
CREATE MACRO aggregate_data_version(source) AS (
  SELECT max(estimated_size) FILTER (WHERE table_name = CASE source WHEN 'deaths' THEN 'certificates' ELSE 'ed_visits' END)
    || '/' || max(estimated_size) FILTER (WHERE table_name = CASE source WHEN 'deaths' THEN 'coded_deaths' ELSE 'coded_ed_visits' END)
  FROM duckdb_tables()
  WHERE database_name = current_database() AND schema_name = 'main');
-- The same from the rows a transaction sees (a scan): the refresh compares both, because the
-- catalog also counts rows committed after its snapshot began, which the cache does not hold.
CREATE MACRO aggregate_snapshot_version(source) AS CASE source
  WHEN 'deaths' THEN (SELECT count(*) FROM certificates) || '/' || (SELECT count(*) FROM coded_deaths)
  ELSE (SELECT count(*) FROM ed_visits) || '/' || (SELECT count(*) FROM coded_ed_visits) END;
-- The version a refresh may record: the data's when the snapshot is all of it, else one no
-- request will match (the next refresh picks up what committed meanwhile).
CREATE MACRO aggregate_cache_version(source) AS CASE
  WHEN aggregate_data_version(source) = aggregate_snapshot_version(source) THEN aggregate_data_version(source)
  ELSE 'partial ' || aggregate_snapshot_version(source) END;

-- The cache. Rows are kept sorted by measure and day, so a query for one measure and range reads
-- only its row groups (DuckDB's min/max zone maps).
CREATE TABLE aggregate_death_counts (
  measure    VARCHAR NOT NULL,
  day        DATE NOT NULL,
  county     VARCHAR,
  age_group  VARCHAR NOT NULL,
  sex        VARCHAR NOT NULL,
  deaths     INTEGER NOT NULL,
  pending    INTEGER NOT NULL,
  overdoses  INTEGER NOT NULL,
  specific   INTEGER NOT NULL
);

-- Roll-ups of the same counts to each level (county, state, nation), so a question reads only
-- the rows of its level, measure and range (rows are kept sorted by grain, level, measure, period):
--   grain 'day'       per day, without a breakdown (age_group and sex 'all');
--   grain 'month'     per month, without a breakdown;
--   grain 'month_by'  per month, age group × sex.
-- Deaths of unknown residence count in the nation only (county NULL).
CREATE TABLE aggregate_death_rollup (
  grain      VARCHAR NOT NULL CHECK (grain IN ('day', 'month', 'month_by')),
  level      VARCHAR NOT NULL CHECK (level IN ('county', 'state', 'nation')),
  measure    VARCHAR NOT NULL,
  period     DATE NOT NULL,
  geography  VARCHAR NOT NULL,
  age_group  VARCHAR NOT NULL,
  sex        VARCHAR NOT NULL,
  deaths     INTEGER NOT NULL,
  pending    INTEGER NOT NULL,
  overdoses  INTEGER NOT NULL,
  specific   INTEGER NOT NULL
);

CREATE TABLE aggregate_ed_counts (
  syndrome   VARCHAR NOT NULL,
  day        DATE NOT NULL,
  county     VARCHAR,
  age_group  VARCHAR NOT NULL,
  sex        VARCHAR NOT NULL,
  visits     INTEGER NOT NULL
);

CREATE TABLE aggregate_ed_rollup (
  grain      VARCHAR NOT NULL CHECK (grain IN ('day', 'month', 'month_by')),
  level      VARCHAR NOT NULL CHECK (level IN ('county', 'state', 'nation')),
  syndrome   VARCHAR NOT NULL,
  period     DATE NOT NULL,
  geography  VARCHAR NOT NULL,
  age_group  VARCHAR NOT NULL,
  sex        VARCHAR NOT NULL,
  visits     INTEGER NOT NULL
);

-- One row per source: when the cache was built, from which data version, what it spans.
CREATE TABLE aggregate_cache_state (
  source        VARCHAR PRIMARY KEY CHECK (source IN ('deaths', 'ed')),
  refreshed_at  TIMESTAMPTZ NOT NULL,
  data_version  VARCHAR NOT NULL,
  first_day     DATE,
  last_day      DATE,
  records       BIGINT NOT NULL,
  cache_rows    BIGINT NOT NULL
);
