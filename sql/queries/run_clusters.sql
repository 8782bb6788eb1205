-- The space-time clusters one detection run stored (p ≤ 0.05), most significant first.
--   $run_id   a detection_runs.run_id (see detection_run.sql for the latest)
--   $source   'deaths' | 'ed' | 'all'
--   $measure  '' for every measure, or a death measure / ED syndrome id
--   $max_p    only clusters with p_value ≤ this
--   $state    '' or a state FIPS code: clusters with a member county in that state
SELECT
  source, measure, method, rank, centre, counties, states, radius_km,
  strftime(start_date, '%Y-%m-%d') AS start_date,
  strftime(end_date, '%Y-%m-%d') AS end_date,
  days, observed, expected, relative_risk, llr, p_value, recurrence_interval_days,
  strftime(study_start, '%Y-%m-%d') AS study_start,
  total_cases, replicates, seed
FROM clusters
WHERE run_id = $run_id
  AND ($source = 'all' OR source = $source)
  AND ($measure = '' OR measure = $measure)
  AND p_value <= $max_p
  AND ($state = '' OR list_contains(states, $state))
ORDER BY p_value, llr DESC, source, measure, rank;
