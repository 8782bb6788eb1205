-- A fixed-size sample of the free text NOT in overdose context (neither coded as an overdose nor
-- with a poisoning or overdose word; see review_overdose_context_texts), dated in [$from, $to):
-- the background the emerging-substances list compares with, so an ordinary word ("took",
-- "friend") that merely occurs in overdose texts does not pass for a new substance. 20,000 records
-- per source, reservoir-sampled with a fixed seed so the same data gives the same list.
SELECT * FROM (
  SELECT 'deaths' AS source, CAST(c.record_id AS VARCHAR) AS record_id, strftime(c.death_date, '%Y-%m-%d') AS day,
    [c.part1_a, c.part1_b, c.part1_c, c.part1_d, c.part2, c.how_injury] AS texts
  FROM certificates c
  JOIN coded_deaths d ON d.record_id = c.record_id AND d.is_current
  WHERE c.is_current AND NOT c.voided
    AND c.death_date >= CAST($from AS DATE) AND c.death_date < CAST($to AS DATE)
    AND NOT d.is_drug_overdose
    AND NOT regexp_matches(lower(concat_ws(' ', c.part1_a, c.part1_b, c.part1_c, c.part1_d, c.part2, c.how_injury)),
      'tox|overdos|poison|intox|ingest|inject|snort|smok|narcan|naloxone|\bod\b')
) USING SAMPLE reservoir(20000 ROWS) REPEATABLE (17)
UNION ALL
SELECT * FROM (
  SELECT 'ed', CAST(e.record_id AS VARCHAR), strftime(e.visit_datetime, '%Y-%m-%d'), [e.chief_complaint, e.triage_note]
  FROM ed_visits e
  JOIN coded_ed_visits v ON v.record_id = e.record_id AND v.is_current
  WHERE e.is_current
    AND e.visit_datetime >= CAST($from AS DATE) AND e.visit_datetime < CAST($to AS DATE)
    AND len(list_filter(v.drug_classes, x -> x < 'T51')) = 0 AND NOT list_contains(v.syndromes, 'all_drug')
    AND NOT regexp_matches(lower(concat_ws(' ', e.chief_complaint, e.triage_note)), 'tox|overdos|poison|intox|ingest|inject|snort|smok|narcan|naloxone|unrespons|found down|\bod\b')
) USING SAMPLE reservoir(20000 ROWS) REPEATABLE (17);
