-- The most recent batches, newest first: all of them, or only those of the given jurisdictions
-- (an uploader sees its own jurisdictions' batches and no others, not even batches without one).
--   $all_jurisdictions  true for every batch (admin)
--   $jurisdictions      comma-separated two-letter codes ('MA,RI'), used when $all_jurisdictions is false
--   $limit              at most this many
SELECT batch_id, kind, format, file_name, jurisdiction, source, status, CAST(received_at AS VARCHAR) AS received_at,
  records_read, records_loaded, records_unchanged, records_rejected
FROM batches
WHERE $all_jurisdictions OR list_contains(string_split($jurisdictions, ','), jurisdiction)
ORDER BY received_at DESC, batch_id
LIMIT $limit;
