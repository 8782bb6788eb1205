-- ED visits meeting one syndrome by geography and day of visit, for detectors: only days with
-- visits are returned (the caller fills the zeros).
--   $syndrome   a syndrome definition id (coded_ed_visits.syndromes)
--   $geography  'county' | 'state' | 'nation' (by the patient's county of residence)
--   $from, $to  DATE range [from, to) of visit days
SELECT
  geography_of(e.patient_county_fips, $geography) AS geography,
  strftime(CAST(e.visit_datetime AS DATE), '%Y-%m-%d') AS day,
  CAST(count(*) AS INTEGER) AS visits
FROM ed_visits e
JOIN coded_ed_visits c ON c.record_id = e.record_id AND c.is_current
WHERE e.is_current
  AND e.visit_datetime >= CAST($from AS DATE) AND e.visit_datetime < CAST($to AS DATE)
  AND ($geography = 'nation' OR e.patient_county_fips IS NOT NULL)
  AND list_contains(c.syndromes, $syndrome)
GROUP BY 1, 2
ORDER BY 1, 2;
