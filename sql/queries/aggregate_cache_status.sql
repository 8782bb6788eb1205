-- Is the aggregate cache current for a source? The data version now and the one the cache was
-- built from (equal: answer from the cache), when it was built (ISO 8601, UTC) and the days it spans;
-- and the populations' version (population_version.sql), read in the same query because every
-- aggregate request needs both (a query is 2-5 ms here, and two were read one after the other).
--   $source  'deaths' | 'ed'
SELECT
  aggregate_data_version($source) AS data_version,
  s.data_version AS cached_version,
  strftime(timezone('UTC', s.refreshed_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS refreshed_at,
  strftime(s.first_day, '%Y-%m-%d') AS first_day,
  strftime(s.last_day, '%Y-%m-%d') AS last_day,
  s.records,
  s.cache_rows,
  (SELECT coalesce(string_agg(name || '@' || sha256 || '@' || CAST(loaded_at AS VARCHAR), ';' ORDER BY name), '')
   FROM reference_data WHERE name = 'county-population' OR name LIKE 'population-file:%') AS population_version
FROM (SELECT $source AS source) q
LEFT JOIN aggregate_cache_state s ON s.source = q.source;
