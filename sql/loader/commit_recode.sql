-- Moves re-coded results into coded_deaths. Runs inside one transaction per chunk of records.
-- The previous result is kept (is_current = false): no coding decision is ever lost.
-- Parameters: $coded_at, $coder, $lexicon_version.
CREATE OR REPLACE TEMP TABLE staged_recode AS
SELECT record_id, is_drug_overdose, unnest(from_json(coded, '{
    "underlying_cause": "VARCHAR", "record_axis": ["VARCHAR"], "entity_axis": "JSON", "drugs": "JSON",
    "intent": "VARCHAR", "review": {"required": "BOOLEAN", "reasons": ["VARCHAR"]}, "trace": "JSON"}'))
FROM staging_recode;

-- A coder's correction committed while this chunk was being coded wins: its record is left out
-- (a human coding is never retired by the machine; the recode checks it instead).
DELETE FROM staged_recode WHERE record_id IN (SELECT record_id FROM coded_deaths WHERE is_current AND coder LIKE 'human:%');

UPDATE coded_deaths d SET is_current = false
FROM staged_recode s
WHERE d.is_current AND d.record_id = s.record_id;

INSERT INTO coded_deaths
SELECT record_id, $coder, $lexicon_version, $coded_at, true,
  underlying_cause, is_drug_overdose, record_axis, entity_axis, drugs, intent, review.required, review.reasons, trace
FROM staged_recode;
