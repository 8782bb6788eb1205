-- One ED visit version as a coder reviews it.   $record_id
SELECT CAST(record_id AS VARCHAR) AS record_id, facility_id, visit_id, version, is_current,
  strftime(visit_datetime, '%Y-%m-%dT%H:%M:%S') AS visit_datetime, age, sex, patient_county_fips,
  chief_complaint, triage_note, discharge_diagnoses,
  strftime(timezone('UTC', loaded_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS loaded_at, batch_id
FROM ed_visits
WHERE record_id = $record_id;
