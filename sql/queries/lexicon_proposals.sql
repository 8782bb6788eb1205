-- Term proposals with their status, newest first.
--   $status        'pending' | 'approved' | 'rejected' | 'all'
--   $proposal_id   one proposal; 0 = every one
SELECT CAST(p.proposal_id AS VARCHAR) AS proposal_id, p.term, p.written, p.code, p.kind, p.drug_name, p.comment, p.origin,
  CAST(p.decision_id AS VARCHAR) AS decision_id, list_transform(p.evidence_record_ids, x -> CAST(x AS VARCHAR)) AS evidence_record_ids,
  p.proposed_by, p.proposed_role, strftime(timezone('UTC', p.proposed_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS proposed_at,
  CASE d.decision WHEN 'approve' THEN 'approved' WHEN 'reject' THEN 'rejected' ELSE 'pending' END AS status,
  d.decided_by, strftime(timezone('UTC', d.decided_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS decided_at, d.comment AS decision_comment,
  d.lexicon_version
FROM lexicon_proposals p
LEFT JOIN lexicon_proposal_decisions d USING (proposal_id)
WHERE ($proposal_id = 0 OR p.proposal_id = $proposal_id)
  AND ($status = 'all' OR $status = CASE d.decision WHEN 'approve' THEN 'approved' WHEN 'reject' THEN 'rejected' ELSE 'pending' END)
ORDER BY p.proposed_at DESC, p.proposal_id DESC;
