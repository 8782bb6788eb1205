-- The latest detection run's results that match the API's filters, newest period first, alerts
-- before warnings (the order of latest_alerts, which has no filters but these three first ones).
--   $source        'deaths' | 'ed' | 'all'
--   $statuses      JSON list of statuses to return, e.g. '["alert","warning"]'
--   $min_observed  leave out periods with fewer cases
--   $measure       a death measure or syndrome id; '' = any
--   $level         'county' | 'state' | 'nation'; '' = any
--   $geography     one place: 'US', a state or a county FIPS code; '' = any
--   $method        a detection method (farrington, cusum, switch, ears_c2); '' = any
--   $from, $to     DATE range [from, to) of the period (the day, or the MMWR week's Sunday)
SELECT run_id, CAST(computed_at AS VARCHAR) AS computed_at, source, measure, level, geography,
  strftime(period, '%Y-%m-%d') AS period, period_unit, method, observed, expected, threshold, p_value, status, note
FROM alerts
WHERE run_id = (SELECT run_id FROM alerts ORDER BY computed_at DESC LIMIT 1)
  AND ($source = 'all' OR source = $source)
  AND list_contains(from_json($statuses, '["VARCHAR"]'), status)
  AND observed >= $min_observed
  AND ($measure = '' OR measure = $measure)
  AND ($level = '' OR level = $level)
  AND ($geography = '' OR geography = $geography)
  AND ($method = '' OR method = $method)
  AND period >= CAST($from AS DATE) AND period < CAST($to AS DATE)
ORDER BY period DESC, CASE status WHEN 'alert' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, p_value NULLS LAST, source, measure, geography, method;
