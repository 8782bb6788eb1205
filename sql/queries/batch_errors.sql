-- Every rejected record of a batch, in file order: what the office must fix (line, record id,
-- field, message). A message may quote the offending value, so only the batch's own uploader
-- (a token covering its jurisdiction) and admins are shown this.
--   $batch_id
SELECT line, record_id, field, message FROM batch_errors WHERE batch_id = $batch_id ORDER BY line, field, message;
