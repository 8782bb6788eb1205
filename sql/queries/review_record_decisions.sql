-- The decisions coders made on one record version, oldest first.   $source, $record_id
SELECT CAST(decision_id AS VARCHAR) AS decision_id, decision, reviewer, reviewer_role, comment,
  strftime(timezone('UTC', decided_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS decided_at,
  reviewed_coder, reviewed_lexicon_version, strftime(timezone('UTC', reviewed_coded_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS reviewed_version,
  review_reasons, reviewed_underlying_cause, reviewed_codes, decided_underlying_cause, decided_codes
FROM review_decisions
WHERE source = $source AND record_id = $record_id
ORDER BY decided_at, decision_id;
