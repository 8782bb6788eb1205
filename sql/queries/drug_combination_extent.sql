-- The first and last day with an overdose record of the source, and the drug classes in display
-- order: what GET /api/combinations needs to default its range, to know whether a period is only
-- partly covered, and to label classes.
--   $source  'deaths' | 'ed'
SELECT
  strftime(min(day), '%Y-%m-%d') AS first_day,
  strftime(max(day), '%Y-%m-%d') AS last_day,
  (SELECT list({'class': class, 'label': label} ORDER BY sort_order) FROM drug_classes) AS classes
FROM overdose_drug_records($source);
