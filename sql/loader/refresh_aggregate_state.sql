-- Records what the aggregate cache of one source now holds (after refresh_aggregate_cache.sql, in
-- the same transaction): when (now() is the transaction's start, the moment of its snapshot), the
-- data version (checked against the rows this transaction sees: see aggregate_cache_version), the
-- days it spans, the records counted and its rows. Read from the national month roll-ups (small).
--   $source  'deaths' | 'ed'
INSERT OR REPLACE INTO aggregate_cache_state
SELECT 'deaths', now(), aggregate_cache_version('deaths'),
  (SELECT min(period) FROM aggregate_death_rollup WHERE grain = 'day' AND level = 'nation' AND measure = 'all_deaths'),
  (SELECT max(period) FROM aggregate_death_rollup WHERE grain = 'day' AND level = 'nation' AND measure = 'all_deaths'),
  (SELECT coalesce(sum(deaths), 0) FROM aggregate_death_rollup WHERE grain = 'month' AND level = 'nation' AND measure = 'all_deaths'),
  (SELECT count(*) FROM aggregate_death_counts) + (SELECT count(*) FROM aggregate_death_rollup)
WHERE $source = 'deaths';

-- ED: the days and visits are those of every current visit, with a syndrome or not. (The source
-- test stays outside the aggregate, which would otherwise give its one row for another source too.)
INSERT OR REPLACE INTO aggregate_cache_state
SELECT 'ed', now(), aggregate_cache_version('ed'), first_day, last_day, visits,
  (SELECT count(*) FROM aggregate_ed_counts) + (SELECT count(*) FROM aggregate_ed_rollup)
FROM (SELECT min(CAST(visit_datetime AS DATE)) AS first_day, max(CAST(visit_datetime AS DATE)) AS last_day, count(*) AS visits FROM ed_visits WHERE is_current)
WHERE $source = 'ed';
