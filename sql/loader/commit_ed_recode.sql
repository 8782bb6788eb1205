-- Moves re-coded ED results into coded_ed_visits, in one transaction per chunk. The previous
-- result is kept (is_current = false). Parameters: $coded_at, $coder, $lexicon_version, $syndrome_set.
CREATE OR REPLACE TEMP TABLE staged_ed_recode AS
SELECT record_id, unnest(from_json(coded, '{
    "codes": ["VARCHAR"], "drugs": "JSON", "drug_classes": ["VARCHAR"], "syndromes": ["VARCHAR"],
    "negated": ["VARCHAR"], "intent": "VARCHAR", "review": {"required": "BOOLEAN", "reasons": ["VARCHAR"]}}'))
FROM staging_ed_recode;

UPDATE coded_ed_visits c SET is_current = false
FROM staged_ed_recode s
WHERE c.is_current AND c.record_id = s.record_id;

INSERT INTO coded_ed_visits
SELECT record_id, $coder, $lexicon_version, $syndrome_set, $coded_at, true,
  codes, drugs, drug_classes, syndromes, negated, intent, review.required, review.reasons
FROM staged_ed_recode;
