-- The lexicon versions approvals produced, newest first.
SELECT lexicon_version, base_version, overlay_terms, strftime(timezone('UTC', created_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS created_at,
  CAST(proposal_id AS VARCHAR) AS proposal_id
FROM lexicon_versions
ORDER BY created_at DESC, lexicon_version;
