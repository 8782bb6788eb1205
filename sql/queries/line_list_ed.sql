-- The line list behind an ED aggregate cell: the visits meeting a syndrome in a place and a range
-- of days, one page (earliest visit first), each with its current coding, and how many there are
-- in all. The visits are the ones ed_count_rows counts (current visit version, current coding,
-- the syndrome among its syndromes); a coder's corrected codes are the current coding.
--   $syndrome       a syndrome definition id
--   $level          'county' | 'state' | 'nation' (by the patient's county, as the aggregates)
--   $place          the county or state FIPS code ('' for the nation)
--   $from, $to      DATE range [from, to) of visit days
--   $limit, $offset the page
-- One row per record of the page; always at least one row, whose `total` is the count (an empty
-- page has a single row with record_id NULL).
WITH matched AS (
  SELECT e.record_id, e.visit_datetime
  FROM (SELECT record_id FROM coded_ed_visits WHERE is_current AND list_contains(syndromes, $syndrome)) v
  JOIN ed_visits e ON e.record_id = v.record_id AND e.is_current
  WHERE e.visit_datetime >= CAST($from AS DATE) AND e.visit_datetime < CAST($to AS DATE)
    AND ($level = 'nation' OR geography_of(e.patient_county_fips, $level) = $place)
),
page AS (
  SELECT record_id, visit_datetime FROM matched ORDER BY visit_datetime, record_id LIMIT $limit OFFSET $offset
),
records AS (
  SELECT
    CAST(e.record_id AS VARCHAR) AS record_id, e.facility_id, e.visit_id, e.version,
    strftime(e.visit_datetime, '%Y-%m-%dT%H:%M:%S') AS visit_datetime, e.age, e.sex, e.patient_county_fips,
    e.chief_complaint, e.triage_note, e.discharge_diagnoses,
    c.coder, strftime(timezone('UTC', c.coded_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS coded_at, c.lexicon_version,
    c.codes, CAST(c.drugs AS VARCHAR) AS drugs, c.drug_classes, c.syndromes, c.negated, c.intent, c.review_required, c.review_reasons,
    p.visit_datetime AS sort_time, e.record_id AS sort_id
  FROM page p
  JOIN ed_visits e ON e.record_id = p.record_id
  JOIN coded_ed_visits c ON c.record_id = p.record_id AND c.is_current
)
SELECT CAST((SELECT count(*) FROM matched) AS INTEGER) AS total, r.* EXCLUDE (sort_time, sort_id)
FROM (SELECT 1) AS one
LEFT JOIN records r ON true
ORDER BY r.sort_time, r.sort_id;
