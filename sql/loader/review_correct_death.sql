-- A coder corrects a certificate's coding: the decision, then the corrected coding as the new
-- current version. The coding it replaces stays, retired (is_current = false): no decision lost.
-- Runs in one transaction with the decision's audit row (pipeline/review/decisions.ts).
-- Parameters: as review_accept, plus the corrected coding ($coder 'human:<token id>',
-- $lexicon_version, $underlying_cause, $is_drug_overdose, $record_axis, $entity_axis, $drugs,
-- $intent, $trace; JSON as text).
INSERT INTO review_decisions (decision_id, source, record_id, decision, reviewer, reviewer_role, comment, decided_at,
  reviewed_coder, reviewed_lexicon_version, reviewed_coded_at, review_reasons, reviewed_underlying_cause, reviewed_codes,
  decided_underlying_cause, decided_codes)
VALUES ($decision_id, 'deaths', $record_id, 'correct', $reviewer, $reviewer_role, $comment, now(),
  $reviewed_coder, $reviewed_lexicon_version, CAST($reviewed_version AS TIMESTAMPTZ), from_json($review_reasons, '["VARCHAR"]'),
  $reviewed_underlying_cause, from_json($reviewed_codes, '["VARCHAR"]'), $underlying_cause, from_json($record_axis, '["VARCHAR"]'));

UPDATE coded_deaths SET is_current = false WHERE record_id = $record_id AND is_current;

INSERT INTO coded_deaths (record_id, coder, lexicon_version, coded_at, is_current, underlying_cause, is_drug_overdose,
  record_axis, entity_axis, drugs, intent, review_required, review_reasons, trace)
VALUES ($record_id, $coder, $lexicon_version, now(), true, $underlying_cause, $is_drug_overdose,
  from_json($record_axis, '["VARCHAR"]'), CAST($entity_axis AS JSON), CAST($drugs AS JSON), $intent, false, []::VARCHAR[], CAST($trace AS JSON));
