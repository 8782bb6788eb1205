-- The approved terms in force: the latest approval of each term (a later one replaces an earlier
-- one), laid over the committed lexicon by pipeline/coding/lexicon/overlay.ts.
SELECT term, code, kind, drug_name, CAST(proposal_id AS VARCHAR) AS proposal_id,
  strftime(timezone('UTC', added_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS added_at, added_by
FROM lexicon_overlay_terms
QUALIFY row_number() OVER (PARTITION BY term ORDER BY added_at DESC, proposal_id DESC) = 1
ORDER BY term;
