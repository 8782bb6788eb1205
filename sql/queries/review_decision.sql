-- One decision, for a term proposal made from it.   $decision_id
SELECT CAST(decision_id AS VARCHAR) AS decision_id, source, CAST(record_id AS VARCHAR) AS record_id, decision, reviewer
FROM review_decisions
WHERE decision_id = $decision_id;
