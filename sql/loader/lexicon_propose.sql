-- A coder proposes a term for the death lexicon. Runs in one transaction with its audit row.
-- Parameters: $proposal_id, $term, $written, $code, $kind, $drug_name, $comment, $origin,
-- $decision_id, $evidence_record_ids (JSON list), $proposed_by, $proposed_role.
INSERT INTO lexicon_proposals (proposal_id, term, written, code, kind, drug_name, comment, origin, decision_id,
  evidence_record_ids, proposed_by, proposed_role, proposed_at)
VALUES ($proposal_id, $term, $written, $code, $kind, $drug_name, $comment, $origin, $decision_id,
  from_json($evidence_record_ids, '["BIGINT"]'), $proposed_by, $proposed_role, now());
