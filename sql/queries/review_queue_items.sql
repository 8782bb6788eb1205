-- Review items with everything the queue shows of them (the review_items macro, 010_review.sql):
-- one item (the item view, a decision), or the items of one queue page.
--   $source        'deaths' | 'ed' | 'all'
--   $jurisdiction  two-letter code of the certificate's jurisdiction, '' = any (deaths)
--   $state_fips    that jurisdiction's state FIPS for ED visits (patient's county), '' = any
--   $state         'pending' | 'accepted' | 'corrected' | 'all'
--   $record_ids    JSON list of record ids, '[]' = every item
-- Timestamps are ISO 8601 in UTC.
SELECT source, CAST(record_id AS VARCHAR) AS record_id, jurisdiction, county_fips, event_date, summary, coder,
  underlying_cause, codes, overdose, state, reasons,
  strftime(timezone('UTC', pending_since), '%Y-%m-%dT%H:%M:%S.%fZ') AS pending_since,
  strftime(timezone('UTC', decided_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS decided_at
FROM review_items($source, $jurisdiction, $state_fips, $record_ids)
WHERE state IS NOT NULL AND ($state = 'all' OR state = $state)
ORDER BY item_id;
