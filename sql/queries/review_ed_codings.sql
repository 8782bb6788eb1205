-- Every coding of one ED visit version, newest first (see review_death_codings).   $record_id
SELECT strftime(timezone('UTC', coded_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS version, coder, lexicon_version, syndrome_set, is_current,
  codes, CAST(drugs AS VARCHAR) AS drugs, drug_classes, syndromes, negated, intent, review_required, review_reasons
FROM coded_ed_visits
WHERE record_id = $record_id
ORDER BY coded_at DESC, is_current DESC;
