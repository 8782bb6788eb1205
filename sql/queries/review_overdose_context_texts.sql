-- Free text in or near overdose context, for the emerging-substances list: current certificates
-- (cause lines) and ED visits (chief complaint, triage note) dated in [$from, $to), that are coded
-- as a drug overdose or whose text has a poisoning or overdose word (a broad first cut; the exact
-- cues are applied per field by pipeline/review/emerging.ts).
SELECT 'deaths' AS source, CAST(c.record_id AS VARCHAR) AS record_id, strftime(c.death_date, '%Y-%m-%d') AS day,
  d.is_drug_overdose AS overdose,
  [c.part1_a, c.part1_b, c.part1_c, c.part1_d, c.part2, c.how_injury] AS texts
FROM certificates c
JOIN coded_deaths d ON d.record_id = c.record_id AND d.is_current
WHERE c.is_current AND NOT c.voided
  AND c.death_date >= CAST($from AS DATE) AND c.death_date < CAST($to AS DATE)
  AND (d.is_drug_overdose OR regexp_matches(lower(concat_ws(' ', c.part1_a, c.part1_b, c.part1_c, c.part1_d, c.part2, c.how_injury)),
    'tox|overdos|poison|intox|ingest|inject|snort|smok|narcan|naloxone|\bod\b'))
UNION ALL
SELECT 'ed', CAST(e.record_id AS VARCHAR), strftime(e.visit_datetime, '%Y-%m-%d'),
  len(list_filter(v.drug_classes, x -> x < 'T51')) > 0 OR list_contains(v.syndromes, 'all_drug'),
  [e.chief_complaint, e.triage_note]
FROM ed_visits e
JOIN coded_ed_visits v ON v.record_id = e.record_id AND v.is_current
WHERE e.is_current
  AND e.visit_datetime >= CAST($from AS DATE) AND e.visit_datetime < CAST($to AS DATE)
  AND (len(list_filter(v.drug_classes, x -> x < 'T51')) > 0 OR list_contains(v.syndromes, 'all_drug')
    OR regexp_matches(lower(concat_ws(' ', e.chief_complaint, e.triage_note)), 'tox|overdos|poison|intox|ingest|inject|snort|smok|narcan|naloxone|unrespons|found down|\bod\b'));
