-- The months whose aggregates a change since the last refresh touched, for an incremental refresh.
-- Record and coding tables only grow (a new version or coding is a new row, in commit order), so
-- the rows since the refresh are those from its row counts on (rowid): new certificate or visit
-- versions (with the dates of the versions they replace: an amendment may move a death to another
-- month) and new codings (recodes, human corrections) of any version.
--   $source        'deaths' | 'ed'
--   $records_from  rows of certificates / ed_visits the cache had counted
--   $codings_from  rows of coded_deaths / coded_ed_visits the cache had counted
WITH new_certificates AS (
  SELECT DISTINCT jurisdiction, certificate_id FROM certificates WHERE $source = 'deaths' AND rowid >= $records_from
),
new_visits AS (
  SELECT DISTINCT facility_id, visit_id FROM ed_visits WHERE $source = 'ed' AND rowid >= $records_from
),
changed_days AS (
  SELECT c.death_date AS day FROM certificates c JOIN new_certificates n USING (jurisdiction, certificate_id)
  UNION
  SELECT c.death_date FROM coded_deaths d JOIN certificates c ON c.record_id = d.record_id WHERE $source = 'deaths' AND d.rowid >= $codings_from
  UNION
  SELECT CAST(e.visit_datetime AS DATE) FROM ed_visits e JOIN new_visits n USING (facility_id, visit_id)
  UNION
  SELECT CAST(e.visit_datetime AS DATE) FROM coded_ed_visits c JOIN ed_visits e ON e.record_id = c.record_id WHERE $source = 'ed' AND c.rowid >= $codings_from
)
SELECT DISTINCT strftime(date_trunc('month', day), '%Y-%m-%d') AS month
FROM changed_days
WHERE day IS NOT NULL
ORDER BY month;
