-- A human-coded ED visit evaluated against new syndrome definitions: a new version of the human
-- coding with the new syndromes and syndrome set, everything else (the coder's codes, drugs,
-- intent, the coder's name) as it was. Syndromes are evaluated on the visit's text and submitted
-- diagnoses, not on the codes, so this is not a machine overwriting a human decision; the earlier
-- version stays, retired. Parameters: $coded_at, $syndrome_set.
CREATE OR REPLACE TEMP TABLE refreshed_ed_human AS
SELECT c.* REPLACE (CAST($coded_at AS TIMESTAMPTZ) AS coded_at, $syndrome_set AS syndrome_set, from_json(s.syndromes, '["VARCHAR"]') AS syndromes)
FROM coded_ed_visits c
JOIN staging_ed_human_syndromes s ON s.record_id = c.record_id
WHERE c.is_current AND c.coder LIKE 'human:%';

UPDATE coded_ed_visits c SET is_current = false
FROM refreshed_ed_human r
WHERE c.is_current AND c.record_id = r.record_id;

INSERT INTO coded_ed_visits SELECT * FROM refreshed_ed_human;
