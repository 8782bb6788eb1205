-- Content hashes over typed columns, so a batch can be staged as typed columns
-- (pipeline/ingest/staging-csv.ts) instead of one JSON text per record. The hash is what makes a
-- resent record change nothing: stored records get the same expression here, once.
CREATE MACRO ed_visit_content_hash(visit_id, facility_id, visit_datetime, age, sex, patient_county_fips,
    chief_complaint, triage_note, discharge_diagnoses, chief_complaint_history) AS
  hash(visit_id, facility_id, visit_datetime, age, sex, patient_county_fips, chief_complaint, triage_note,
    discharge_diagnoses, chief_complaint_history::VARCHAR);

CREATE MACRO certificate_content_hash(certificate_id, jurisdiction, death_date, age, sex, residence_county_fips,
    occurrence_county_fips, manner, part1_a, part1_b, part1_c, part1_d, part2, how_injury, interval_a, interval_b,
    interval_c, interval_d, injury_date, injury_place, race, hispanic, autopsy, tobacco, pregnancy, voided) AS
  hash(certificate_id, jurisdiction, death_date, age, sex, residence_county_fips, occurrence_county_fips, manner,
    part1_a, part1_b, part1_c, part1_d, part2, how_injury, interval_a, interval_b, interval_c, interval_d,
    injury_date, injury_place, race, hispanic, autopsy, tobacco, pregnancy, voided);

UPDATE ed_visits SET content_hash = ed_visit_content_hash(visit_id, facility_id, visit_datetime, age, sex, patient_county_fips,
  chief_complaint, triage_note, discharge_diagnoses, chief_complaint_history);

UPDATE certificates SET content_hash = certificate_content_hash(certificate_id, jurisdiction, death_date, age, sex,
  residence_county_fips, occurrence_county_fips, manner, part1_a, part1_b, part1_c, part1_d, part2, how_injury,
  interval_a, interval_b, interval_c, interval_d, injury_date, injury_place, race, hispanic, autopsy, tobacco, pregnancy, voided);
