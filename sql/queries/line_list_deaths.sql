-- The line list behind a death aggregate cell: the deaths a measure counts in a place and a range
-- of days, one page (oldest death first), each certificate with its current coding, and how many
-- there are in all. The deaths are measure_deaths's, the rule every aggregate counts by: current,
-- non-void certificate versions with their current coding. A coder's correction is the current
-- coding (a correction retires the automated row; a recode never retires a human's: see
-- pipeline/review/README.md), so a human's codes win here as they do in the counts.
--   $measure        a death_measures.measure key
--   $level          'county' | 'state' | 'nation' (by county of residence, as the aggregates)
--   $place          the county or state FIPS code ('' for the nation)
--   $from, $to      DATE range [from, to) of death dates
--   $limit, $offset the page
-- One row per record of the page; always at least one row, whose `total` is the count (an empty
-- page has a single row with record_id NULL).
WITH matched AS (
  SELECT m.record_id, m.death_date
  FROM measure_deaths($measure) m
  WHERE m.death_date >= CAST($from AS DATE) AND m.death_date < CAST($to AS DATE)
    AND ($level = 'nation' OR geography_of(m.residence_county_fips, $level) = $place)
),
page AS (
  SELECT record_id, death_date FROM matched ORDER BY death_date, record_id LIMIT $limit OFFSET $offset
),
records AS (
  SELECT
    CAST(c.record_id AS VARCHAR) AS record_id, c.jurisdiction, c.certificate_id, c.version,
    strftime(c.death_date, '%Y-%m-%d') AS death_date, c.age, c.sex, c.residence_county_fips, c.occurrence_county_fips, c.manner,
    c.part1_a, c.part1_b, c.part1_c, c.part1_d, c.part2, c.how_injury,
    d.coder, strftime(timezone('UTC', d.coded_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS coded_at, d.lexicon_version,
    d.underlying_cause, d.record_axis, CAST(d.entity_axis AS VARCHAR) AS entity_axis, CAST(d.drugs AS VARCHAR) AS drugs,
    d.intent, d.review_required, d.review_reasons, CAST(d.trace AS VARCHAR) AS trace,
    p.death_date AS sort_day, c.record_id AS sort_id
  FROM page p
  JOIN certificates c ON c.record_id = p.record_id
  JOIN coded_deaths d ON d.record_id = p.record_id AND d.is_current
)
SELECT CAST((SELECT count(*) FROM matched) AS INTEGER) AS total, r.* EXCLUDE (sort_day, sort_id)
FROM (SELECT 1) AS one
LEFT JOIN records r ON true
ORDER BY r.sort_day, r.sort_id;
