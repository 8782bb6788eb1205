-- One detection run: the latest (`$run_id` = '') or the one named, with the days each source was
-- analysed through and the job's summary (series tested and skipped, scans, concordance).
--   $run_id  '' | a detection_runs.run_id
SELECT
  run_id,
  strftime(timezone('UTC', computed_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS computed_at,
  strftime(deaths_through, '%Y-%m-%d') AS deaths_through,
  strftime(ed_through, '%Y-%m-%d') AS ed_through,
  CAST(summary AS VARCHAR) AS summary
FROM detection_runs
WHERE $run_id = '' OR run_id = $run_id
ORDER BY computed_at DESC, run_id
LIMIT 1;
