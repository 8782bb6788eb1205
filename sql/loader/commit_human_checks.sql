-- Stores the checks of human codings: the automated result and whether it agrees with the human
-- coding (same underlying cause, same set of multiple causes). The human coding stays current
-- either way; a disagreement puts the record back in the review queue (review_queue_items). A
-- human coding that changed since it was read (another correction) gets no check.
-- Parameters: $checked_at, $coder, $lexicon_version.
INSERT INTO human_coding_checks
SELECT s.record_id, d.coded_at, $coder, $lexicon_version, CAST($checked_at AS TIMESTAMPTZ),
  d.underlying_cause IS NOT DISTINCT FROM s.result.underlying_cause
    AND list_sort(list_distinct(d.record_axis)) = list_sort(list_distinct(s.result.record_axis)),
  s.result.underlying_cause, s.result.record_axis, CAST(s.coded AS JSON)
FROM (
  SELECT record_id, human_version, coded, from_json(coded, '{"underlying_cause": "VARCHAR", "record_axis": ["VARCHAR"]}') AS result
  FROM staging_human_checks
) s
JOIN coded_deaths d ON d.record_id = s.record_id AND d.is_current
  AND strftime(timezone('UTC', d.coded_at), '%Y-%m-%dT%H:%M:%S.%fZ') = s.human_version;
