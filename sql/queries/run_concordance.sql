-- The ED-death concordance signals one detection run evaluated, strongest first.
--   $run_id        a detection_runs.run_id (see detection_run.sql for the latest)
--   $statuses      statuses to return, e.g. ['alert', 'warning']
--   $level         'county' | 'state' | 'nation' | 'all'
--   $syndrome      '' or an ED syndrome id
--   $death_measure '' or a death measure
--   $state         '' or a state FIPS code: that state and its counties
SELECT
  syndrome, death_measure, level, geography,
  strftime(ed_first_day, '%Y-%m-%d') AS ed_first_day,
  strftime(ed_last_day, '%Y-%m-%d') AS ed_last_day,
  ed_alert_days, ed_min_p, ed_visits,
  strftime(window_start, '%Y-%m-%d') AS window_start,
  strftime(window_end, '%Y-%m-%d') AS window_end,
  window_weeks, deaths_observed, deaths_expected, baseline_weeks, baseline_deaths, rate_ratio, p_value, status, note
FROM concordance_signals
WHERE run_id = $run_id
  AND list_contains($statuses, status)
  AND ($level = 'all' OR level = $level)
  AND ($syndrome = '' OR syndrome = $syndrome)
  AND ($death_measure = '' OR death_measure = $death_measure)
  AND ($state = '' OR (level <> 'nation' AND starts_with(geography, $state)))
ORDER BY CASE status WHEN 'alert' THEN 0 WHEN 'warning' THEN 1 WHEN 'pending' THEN 2 WHEN 'none' THEN 3 ELSE 4 END,
  p_value NULLS LAST, ed_first_day DESC, syndrome, death_measure, level, geography;
