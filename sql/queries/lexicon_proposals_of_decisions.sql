-- The term proposals made from given decisions (corrections), with their status.   $decision_ids
SELECT CAST(p.proposal_id AS VARCHAR) AS proposal_id, CAST(p.decision_id AS VARCHAR) AS decision_id, p.term, p.code, p.kind,
  CASE d.decision WHEN 'approve' THEN 'approved' WHEN 'reject' THEN 'rejected' ELSE 'pending' END AS status
FROM lexicon_proposals p
LEFT JOIN lexicon_proposal_decisions d USING (proposal_id)
WHERE list_contains(from_json($decision_ids, '["BIGINT"]'), p.decision_id)
ORDER BY p.proposal_id;
