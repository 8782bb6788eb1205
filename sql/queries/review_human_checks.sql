-- The automated codings that checked one record's human codings (recode job), newest first.   $record_id
SELECT strftime(timezone('UTC', human_coded_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS human_version, coder, lexicon_version,
  strftime(timezone('UTC', checked_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS checked_at, agrees, underlying_cause, record_axis,
  CAST(coded AS VARCHAR) AS coded
FROM human_coding_checks
WHERE record_id = $record_id
ORDER BY checked_at DESC;
