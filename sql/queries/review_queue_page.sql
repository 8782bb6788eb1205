-- One page of the review queue in its order: pending items by surveillance impact, then the oldest
-- first, then the items already decided, the most recently decided first. The impact rule is
-- pipeline/review/impact.ts's (weights 16 new substance, 8 overdose, 4 alerting area, 2 pending
-- for long, 1 low confidence); test/review-store.test.ts checks this order against it.
--   $source, $jurisdiction, $state_fips, $state   as review_queue_items
--   $reason_pattern          RE2 pattern of the reason kind to keep, '' = any (reasons.ts)
--   $new_substance_pattern   the "possible new substance" reason kind
--   $low_confidence_pattern  the reason kinds that mean the coder could not settle the codes
--   $now                     ISO 8601 instant; $long_pending_days: "pending for long" is longer than this
--   $offset, $limit
WITH alerting AS (
  SELECT DISTINCT level, geography FROM alerts
  WHERE run_id = (SELECT run_id FROM alerts ORDER BY computed_at DESC LIMIT 1) AND status = 'alert' AND level IN ('county', 'state')
),
items AS (
  SELECT i.*,
    coalesce(list_bool_or(list_transform(i.reasons, r -> regexp_matches(r, $new_substance_pattern))), false) AS new_substance,
    coalesce(i.county_fips IN (SELECT geography FROM alerting WHERE level = 'county'), false)
      OR coalesce(length(i.county_fips) = 5 AND substr(i.county_fips, 1, 2) IN (SELECT geography FROM alerting WHERE level = 'state'), false) AS alerting,
    i.pending_since < CAST($now AS TIMESTAMPTZ) - to_days(CAST($long_pending_days AS INTEGER)) AS long_pending,
    coalesce(list_bool_or(list_transform(i.reasons, r -> regexp_matches(r, $low_confidence_pattern))), false)
      OR (i.source = 'deaths' AND i.underlying_cause IS NULL) AS low_confidence
  FROM review_items($source, $jurisdiction, $state_fips, '[]') i
  WHERE i.state IS NOT NULL AND ($state = 'all' OR i.state = $state)
    AND ($reason_pattern = '' OR coalesce(list_bool_or(list_transform(i.reasons, r -> regexp_matches(r, $reason_pattern))), false))
),
scored AS (
  SELECT *, CAST(16 * new_substance::INTEGER + 8 * overdose::INTEGER + 4 * alerting::INTEGER + 2 * long_pending::INTEGER + low_confidence::INTEGER AS INTEGER) AS score
  FROM items
)
SELECT CAST(record_id AS VARCHAR) AS record_id, source, state, score, CAST(count(*) OVER () AS INTEGER) AS total
FROM scored
ORDER BY state <> 'pending', CASE WHEN state = 'pending' THEN -score END, CASE WHEN state = 'pending' THEN pending_since END, decided_at DESC, item_id
LIMIT $limit OFFSET $offset;
