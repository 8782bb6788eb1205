-- Every coding of one certificate version, newest first: the automated ones, human corrections,
-- which one is current. `version` (coded_at, ISO 8601 UTC with microseconds) names a coding: a
-- decision says which version it was made on.   $record_id
SELECT strftime(timezone('UTC', coded_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS version, coder, lexicon_version, is_current,
  underlying_cause, is_drug_overdose, record_axis, CAST(entity_axis AS VARCHAR) AS entity_axis, CAST(drugs AS VARCHAR) AS drugs,
  intent, review_required, review_reasons, CAST(trace AS VARCHAR) AS trace
FROM coded_deaths
WHERE record_id = $record_id
ORDER BY coded_at DESC, is_current DESC;
