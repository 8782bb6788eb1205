-- Overdose deaths or ED overdose visits by place, period and drug combination: the set of drug
-- classes (drug_classes) a record involves, e.g. 'synthetic_opioid+psychostimulant';
-- 'unspecified' when it names no class (T50.9 only, or no drug code). Each record is in exactly
-- one combination, so a place-period's combinations add up to its overdose total.
--   $source     'deaths' | 'ed' (overdose_drug_records: deaths by county of residence, visits by patient county)
--   $geography  'county' | 'state' | 'nation'
--   $place      '' for every place at the level, else a FIPS prefix: a state ('39') or a county ('39061')
--   $unit       'month' (YYYY-MM) | 'quarter' (YYYY-Qn) | 'year' (YYYY)
--   $from, $to  DATE range [from, to)
WITH records AS (
  SELECT
    record_id,
    geography_of(county_fips, $geography) AS geography,
    CASE $unit
      WHEN 'month' THEN strftime(day, '%Y-%m')
      WHEN 'quarter' THEN strftime(day, '%Y') || '-Q' || quarter(day)
      ELSE strftime(day, '%Y')
    END AS period,
    codes
  FROM overdose_drug_records($source)
  WHERE day >= CAST($from AS DATE) AND day < CAST($to AS DATE)
    AND ($geography = 'nation' OR county_fips IS NOT NULL)
    AND ($geography = 'nation' OR $place = '' OR starts_with(county_fips, $place))
),
record_codes AS (
  SELECT record_id, unnest(codes) AS code FROM records
),
record_classes AS (
  SELECT c.record_id, list(d.class ORDER BY d.sort_order) AS classes
  FROM (SELECT DISTINCT record_id, drug_class_of(code) AS class FROM record_codes) c
  JOIN drug_classes d ON d.class = c.class
  GROUP BY c.record_id
)
SELECT
  r.geography,
  r.period,
  coalesce(array_to_string(rc.classes, '+'), 'unspecified') AS combination,
  CAST(count(*) AS INTEGER) AS records
FROM records r
LEFT JOIN record_classes rc ON rc.record_id = r.record_id
GROUP BY 1, 2, 3
ORDER BY 1, 2, 4 DESC, 3;
