-- What populations are loaded: per source, years covered, counties, and whether age-specific rows
-- exist (age adjustment needs them), plus a version string that changes with any load.
SELECT
  count(*) FILTER (WHERE age_group <> 'all') > 0 AS has_age_groups,
  count(*) || '/' || coalesce(sum(population), 0) AS version,
  min(year) AS first_year,
  max(year) AS last_year
FROM populations;
