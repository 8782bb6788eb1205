-- The first and last day with records of a source, counted from the records (the aggregate cache
-- keeps its own; this is for when it is stale).
--   $source  'deaths' | 'ed'
SELECT strftime(min(day), '%Y-%m-%d') AS first_day, strftime(max(day), '%Y-%m-%d') AS last_day
FROM (
  SELECT death_date AS day FROM certificates WHERE $source = 'deaths' AND is_current AND NOT voided
  UNION ALL
  SELECT CAST(visit_datetime AS DATE) FROM ed_visits WHERE $source = 'ed' AND is_current
);
