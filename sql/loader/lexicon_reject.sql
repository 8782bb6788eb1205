-- An admin rejects a term proposal. One transaction with its audit row.
-- Parameters: $proposal_id, $decided_by, $decided_role, $comment.
INSERT INTO lexicon_proposal_decisions (proposal_id, decision, decided_by, decided_role, decided_at, comment, lexicon_version)
VALUES ($proposal_id, 'reject', $decided_by, $decided_role, now(), $comment, NULL);
