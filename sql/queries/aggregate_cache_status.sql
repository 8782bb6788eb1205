-- Is the aggregate cache current for a source? The data version now and the one the cache was
-- built from (equal: answer from the cache), when it was built (ISO 8601, UTC) and the days it spans.
--   $source  'deaths' | 'ed'
SELECT
  aggregate_data_version($source) AS data_version,
  s.data_version AS cached_version,
  strftime(timezone('UTC', s.refreshed_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS refreshed_at,
  strftime(s.first_day, '%Y-%m-%d') AS first_day,
  strftime(s.last_day, '%Y-%m-%d') AS last_day,
  s.records,
  s.cache_rows
FROM (SELECT $source AS source) q
LEFT JOIN aggregate_cache_state s ON s.source = q.source;
