-- Human codings (current, of current non-void certificates) the automated coder has not checked
-- yet at this coder and lexicon version. A correction made on a coding by this very coder and
-- lexicon needs no check: the coder has already seen that result and overruled it.
--   $coder, $lexicon_version, $terms (JSON list; [] = every certificate, otherwise only those whose
--   cause text contains a term, as lexicon_affected_certificates), $after (record id), $limit
SELECT d.record_id, strftime(timezone('UTC', d.coded_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS human_version
FROM coded_deaths d
JOIN certificates c ON c.record_id = d.record_id AND c.is_current AND NOT c.voided
LEFT JOIN review_decisions r ON r.source = 'deaths' AND r.record_id = d.record_id AND r.decision = 'correct' AND r.decided_at = d.coded_at
WHERE d.is_current AND d.coder LIKE 'human:%' AND d.record_id > $after
  AND NOT (d.lexicon_version = $lexicon_version AND coalesce(r.reviewed_coder, '') = $coder)
  AND NOT EXISTS (
    SELECT 1 FROM human_coding_checks k
    WHERE k.record_id = d.record_id AND k.human_coded_at = d.coded_at AND k.coder = $coder AND k.lexicon_version = $lexicon_version)
  AND (len(from_json($terms, '["VARCHAR"]')) = 0
    OR (list_bool_or(list_transform(from_json($terms, '["VARCHAR"]'),
          t -> contains(lower(strip_accents(concat_ws(' ', c.part1_a, c.part1_b, c.part1_c, c.part1_d, c.part2, c.how_injury))), split_part(t, ' ', 1))))
      AND list_bool_or(list_transform([c.part1_a, c.part1_b, c.part1_c, c.part1_d, c.part2, c.how_injury],
        line -> list_bool_or(list_transform(from_json($terms, '["VARCHAR"]'),
          t -> contains(' ' || trim(regexp_replace(lower(strip_accents(coalesce(line, ''))), '[^a-z0-9]+', ' ', 'g')) || ' ', ' ' || t || ' ')))))))
ORDER BY d.record_id
LIMIT $limit;
