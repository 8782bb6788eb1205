-- The latest detection run's results, newest period first, alerts before warnings.
--   $source    'deaths' | 'ed' | 'all'
--   $statuses  statuses to return, e.g. ['alert', 'warning']
--   $min_observed  leave out periods with fewer cases (one case after a run of zeros "alerts" by
--                  EARS; a health department usually wants a few cases before it looks)
SELECT run_id, CAST(computed_at AS VARCHAR) AS computed_at, source, measure, level, geography,
  strftime(period, '%Y-%m-%d') AS period, period_unit, method, observed, expected, threshold, p_value, status, note
FROM alerts
WHERE run_id = (SELECT run_id FROM alerts ORDER BY computed_at DESC LIMIT 1)
  AND ($source = 'all' OR source = $source)
  AND list_contains($statuses, status)
  AND observed >= $min_observed
ORDER BY period DESC, CASE status WHEN 'alert' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, p_value NULLS LAST, source, measure, geography, method;
