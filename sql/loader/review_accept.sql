-- A coder accepts a coding as it is: the decision only; the coding stays current.
-- Runs in the decision's transaction (pipeline/review/decisions.ts), which also writes its audit row.
-- Parameters: $decision_id, $source, $record_id, $reviewer, $reviewer_role, $comment, the coding
-- reviewed ($reviewed_coder, $reviewed_lexicon_version, $reviewed_version, $review_reasons,
-- $reviewed_underlying_cause, $reviewed_codes).
INSERT INTO review_decisions (decision_id, source, record_id, decision, reviewer, reviewer_role, comment, decided_at,
  reviewed_coder, reviewed_lexicon_version, reviewed_coded_at, review_reasons, reviewed_underlying_cause, reviewed_codes,
  decided_underlying_cause, decided_codes)
VALUES ($decision_id, $source, $record_id, 'accept', $reviewer, $reviewer_role, $comment, now(),
  $reviewed_coder, $reviewed_lexicon_version, CAST($reviewed_version AS TIMESTAMPTZ), from_json($review_reasons, '["VARCHAR"]'),
  $reviewed_underlying_cause, from_json($reviewed_codes, '["VARCHAR"]'), $reviewed_underlying_cause, from_json($reviewed_codes, '["VARCHAR"]'));
