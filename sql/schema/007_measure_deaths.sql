-- The deaths a measure counts, as every aggregate reads them: current, non-void certificate
-- versions with their current coding, one row per (measure, death). A table macro, so the rule
-- (overdose measures need a drug-overdose underlying cause; a measure's codes any multiple cause)
-- is written once.
CREATE MACRO measure_deaths(measure_key) AS TABLE
  SELECT c.record_id, c.death_date, c.residence_county_fips, d.underlying_cause, d.record_axis
  FROM certificates c
  JOIN coded_deaths d ON d.record_id = c.record_id AND d.is_current
  CROSS JOIN (SELECT overdose_only, codes FROM death_measures WHERE measure = measure_key) m
  WHERE c.is_current AND NOT c.voided
    AND (NOT m.overdose_only OR d.is_drug_overdose)
    AND (len(m.codes) = 0 OR list_has_any(d.record_axis, m.codes));
