-- An admin approves a term: the decision, the term into the overlay (replacing an earlier approval
-- of the same term), and the lexicon version this makes. One transaction with its audit row; the
-- recode of the certificates the term affects follows it (pipeline/review/proposals.ts).
-- Parameters: $proposal_id, $decided_by, $decided_role, $comment, $lexicon_version, $base_version, $overlay_terms.
INSERT INTO lexicon_proposal_decisions (proposal_id, decision, decided_by, decided_role, decided_at, comment, lexicon_version)
VALUES ($proposal_id, 'approve', $decided_by, $decided_role, now(), $comment, $lexicon_version);

INSERT INTO lexicon_overlay_terms (term, code, kind, drug_name, proposal_id, added_at, added_by)
SELECT term, code, kind, drug_name, proposal_id, now(), $decided_by FROM lexicon_proposals WHERE proposal_id = $proposal_id;

-- The same terms again (a term approved back to an earlier code) are the same version.
INSERT OR IGNORE INTO lexicon_versions (lexicon_version, base_version, overlay_terms, created_at, proposal_id)
VALUES ($lexicon_version, $base_version, $overlay_terms, now(), $proposal_id);
