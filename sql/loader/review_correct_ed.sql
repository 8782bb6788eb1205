-- A coder corrects an ED visit's codes: the decision, then the corrected coding as the new current
-- version; the coding it replaces stays, retired. Runs in one transaction with its audit row.
-- Parameters: as review_accept, plus the corrected coding ($coder, $lexicon_version,
-- $syndrome_set, $codes, $drugs (JSON text), $drug_classes, $syndromes, $negated, $intent).
INSERT INTO review_decisions (decision_id, source, record_id, decision, reviewer, reviewer_role, comment, decided_at,
  reviewed_coder, reviewed_lexicon_version, reviewed_coded_at, review_reasons, reviewed_underlying_cause, reviewed_codes,
  decided_underlying_cause, decided_codes)
VALUES ($decision_id, 'ed', $record_id, 'correct', $reviewer, $reviewer_role, $comment, now(),
  $reviewed_coder, $reviewed_lexicon_version, CAST($reviewed_version AS TIMESTAMPTZ), from_json($review_reasons, '["VARCHAR"]'),
  NULL, from_json($reviewed_codes, '["VARCHAR"]'), NULL, from_json($codes, '["VARCHAR"]'));

UPDATE coded_ed_visits SET is_current = false WHERE record_id = $record_id AND is_current;

INSERT INTO coded_ed_visits (record_id, coder, lexicon_version, syndrome_set, coded_at, is_current, codes, drugs,
  drug_classes, syndromes, negated, intent, review_required, review_reasons)
VALUES ($record_id, $coder, $lexicon_version, $syndrome_set, now(), true, from_json($codes, '["VARCHAR"]'), CAST($drugs AS JSON),
  from_json($drug_classes, '["VARCHAR"]'), from_json($syndromes, '["VARCHAR"]'), from_json($negated, '["VARCHAR"]'), $intent, false, []::VARCHAR[]);
