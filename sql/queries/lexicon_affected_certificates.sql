-- Certificates an approved term may change: current, non-void versions whose current coding is
-- automated and was not made by this coder and lexicon yet, with a cause line (Part I, Part II,
-- how the injury occurred) containing one of the terms as whole words after the coders'
-- normalisation (normaliseText: lower case, no accents, non-alphanumerics as one space).
-- Misspelled forms the matcher would correct are not found here; the nightly recode codes them.
--   $terms (JSON list of normalised terms), $coder, $lexicon_version, $after (record id), $limit
SELECT d.record_id, d.underlying_cause AS previous_cause
FROM coded_deaths d
JOIN certificates c ON c.record_id = d.record_id AND c.is_current AND NOT c.voided
WHERE d.is_current AND d.coder LIKE 'vigil-death-coder/%'
  AND (d.coder <> $coder OR d.lexicon_version <> $lexicon_version)
  AND d.record_id > $after
  -- A cheap first cut: the term's first word appears in the lower-cased text (normalising only
  -- turns other characters into spaces, so a normalised word is always there as written).
  AND list_bool_or(list_transform(from_json($terms, '["VARCHAR"]'),
        t -> contains(lower(strip_accents(concat_ws(' ', c.part1_a, c.part1_b, c.part1_c, c.part1_d, c.part2, c.how_injury))), split_part(t, ' ', 1))))
  AND list_bool_or(list_transform([c.part1_a, c.part1_b, c.part1_c, c.part1_d, c.part2, c.how_injury],
        line -> list_bool_or(list_transform(from_json($terms, '["VARCHAR"]'),
          t -> contains(' ' || trim(regexp_replace(lower(strip_accents(coalesce(line, ''))), '[^a-z0-9]+', ' ', 'g')) || ' ', ' ' || t || ' ')))))
ORDER BY d.record_id
LIMIT $limit;
