-- How many human codings one recode chunk checked, and how many of them the automated coder
-- disagrees with.   $coder, $lexicon_version, $checked_at
SELECT CAST(count(*) AS INTEGER) AS checked, CAST(count(*) FILTER (WHERE NOT agrees) AS INTEGER) AS disagreements
FROM human_coding_checks
WHERE coder = $coder AND lexicon_version = $lexicon_version AND checked_at = CAST($checked_at AS TIMESTAMPTZ);
