-- Audit log entries matching every filter given (a NULL filter matches all), newest first, with
-- the token's name beside a token actor (tokens are never deleted, so the name is always there).
--   $actor          a token id, 'public', 'anonymous' or 'cli:<user>'
--   $action         an exact action ('token.create'), or NULL
--   $action_prefix  a prefix ('token.'), or NULL
--   $record_id      entries that name this record id
--   $from, $to      ISO instants, [from, to)
--   $before         entries with seq below this (the next page), or NULL
--   $limit          at most this many entries
SELECT a.seq, strftime(timezone('UTC', a.logged_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS logged_at, a.actor, t.name AS actor_name,
  a.role, a.action, a.target, a.record_ids, CAST(a.detail AS VARCHAR) AS detail, a.request_id
FROM audit_log a
LEFT JOIN api_tokens t ON t.token_id = a.actor
WHERE (CAST($actor AS VARCHAR) IS NULL OR a.actor = $actor)
  AND (CAST($action AS VARCHAR) IS NULL OR a.action = $action)
  AND (CAST($action_prefix AS VARCHAR) IS NULL OR starts_with(a.action, $action_prefix))
  AND (CAST($record_id AS BIGINT) IS NULL OR list_contains(a.record_ids, CAST($record_id AS BIGINT)))
  AND (CAST($from AS VARCHAR) IS NULL OR a.logged_at >= CAST($from AS TIMESTAMPTZ))
  AND (CAST($to AS VARCHAR) IS NULL OR a.logged_at < CAST($to AS TIMESTAMPTZ))
  AND (CAST($before AS BIGINT) IS NULL OR a.seq < CAST($before AS BIGINT))
ORDER BY a.seq DESC
LIMIT $limit;
