-- Which of the given record ids are stored record versions (certificates or ED visits): the
-- evidence a term proposal may cite.   $record_ids (JSON list)
SELECT CAST(record_id AS VARCHAR) AS record_id FROM certificates WHERE list_contains(from_json($record_ids, '["BIGINT"]'), record_id)
UNION
SELECT CAST(record_id AS VARCHAR) FROM ed_visits WHERE list_contains(from_json($record_ids, '["BIGINT"]'), record_id)
ORDER BY 1;
