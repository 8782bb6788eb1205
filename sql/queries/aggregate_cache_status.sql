-- Is the aggregate cache current for a source? The data version now and the one the cache was
-- built from (equal: answer from the cache), when it was built (ISO 8601, UTC) and the days it spans.
-- The version is the rows this query sees (aggregate_snapshot_version: row counts DuckDB keeps per
-- row group, 0.5 ms at a national year) rather than the catalog's estimate (aggregate_data_version,
-- a scan of duckdb_tables(): 2.4 ms): every API answer reads this two or three times. The two
-- differ only for rows committed after a snapshot began, and a query here is a snapshot of its own.
--   $source  'deaths' | 'ed'
SELECT
  aggregate_snapshot_version($source) AS data_version,
  s.data_version AS cached_version,
  strftime(timezone('UTC', s.refreshed_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS refreshed_at,
  strftime(s.first_day, '%Y-%m-%d') AS first_day,
  strftime(s.last_day, '%Y-%m-%d') AS last_day,
  s.records,
  s.cache_rows
FROM (SELECT $source AS source) q
LEFT JOIN aggregate_cache_state s ON s.source = q.source;
