-- The decisions agreement between coder and automation is measured on: decisions on automated
-- codings (a re-review of a human coding is not the automation's), the latest one per coding
-- reviewed, decided in [$from, $to) (dates, UTC).   $source 'deaths' | 'ed' | 'all'
SELECT source, decision, review_reasons, reviewed_underlying_cause, reviewed_codes, decided_underlying_cause, decided_codes
FROM review_decisions
WHERE ($source = 'all' OR source = $source)
  AND reviewed_coder NOT LIKE 'human:%'
  AND decided_at >= CAST($from || ' 00:00:00+00' AS TIMESTAMPTZ)
  AND decided_at < CAST($to || ' 00:00:00+00' AS TIMESTAMPTZ)
QUALIFY row_number() OVER (PARTITION BY source, record_id, reviewed_coded_at ORDER BY decided_at DESC, decision_id DESC) = 1;
