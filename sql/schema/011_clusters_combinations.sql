-- What the detection job found besides per-series alerts: space-time clusters and ED-death
-- concordance signals, each under the run that found them; and the drug classes the drug
-- combination answers group overdose records by.

-- One row per detection run (the run_id of its alerts, clusters and concordance signals), so the
-- latest run is known even when it found no cluster, and what it skipped is on record.
CREATE TABLE detection_runs (
  run_id       VARCHAR PRIMARY KEY,
  computed_at  TIMESTAMPTZ NOT NULL,
  -- The last day each source was analysed through (the day before its newest record + 1), or null without data.
  deaths_through DATE,
  ed_through     DATE,
  -- Series tested and skipped per source and level (county series too sparse to test are counted
  -- here only), scans run and their settings: the job's summary.
  summary      JSON NOT NULL
);

-- Significant clusters of the prospective space-time permutation scan (Kulldorff 2005, as
-- SaTScan): a circle of counties around a centre × the last days up to the run's analysis day.
CREATE TABLE clusters (
  run_id        VARCHAR NOT NULL,
  source        VARCHAR NOT NULL CHECK (source IN ('deaths', 'ed')),
  -- A death measure (death_measures.measure) or an ED syndrome id.
  measure       VARCHAR NOT NULL,
  method        VARCHAR NOT NULL,
  -- 1 = the most likely cluster, then the secondary ones in decreasing log likelihood ratio.
  rank          INTEGER NOT NULL,
  centre        VARCHAR NOT NULL,
  -- Member county FIPS codes, nearest the centre first (counties with a case in the study period),
  -- and their states (FIPS), for filtering.
  counties      VARCHAR[] NOT NULL,
  states        VARCHAR[] NOT NULL,
  radius_km     DOUBLE NOT NULL,
  start_date    DATE NOT NULL,
  end_date      DATE NOT NULL,
  days          INTEGER NOT NULL,
  observed      INTEGER NOT NULL,
  expected      DOUBLE NOT NULL,
  -- SaTScan's relative risk: (c / μ) / ((C − c) / (C − μ)), risk inside over risk outside.
  relative_risk DOUBLE,
  llr           DOUBLE NOT NULL,
  p_value       DOUBLE NOT NULL,
  -- 1 / (p × analyses a day), in days, as SaTScan reports it for daily prospective analyses.
  recurrence_interval_days DOUBLE NOT NULL,
  study_start   DATE NOT NULL,
  total_cases   INTEGER NOT NULL,
  replicates    INTEGER NOT NULL,
  seed          INTEGER NOT NULL
);

-- ED alerts followed by rising deaths of the matching drug class in the same place
-- (pipeline/stats/concordance/README.md): one row per ED alert episode evaluated.
CREATE TABLE concordance_signals (
  run_id            VARCHAR NOT NULL,
  syndrome          VARCHAR NOT NULL,
  death_measure     VARCHAR NOT NULL,
  level             VARCHAR NOT NULL CHECK (level IN ('county', 'state', 'nation')),
  geography         VARCHAR NOT NULL,
  ed_first_day      DATE NOT NULL,
  ed_last_day       DATE NOT NULL,
  ed_alert_days     INTEGER NOT NULL,
  ed_min_p          DOUBLE,
  ed_visits         INTEGER NOT NULL,
  -- Death weeks compared: [window_start, window_end) against the baseline weeks before window_start.
  window_start      DATE NOT NULL,
  window_end        DATE NOT NULL,
  window_weeks      INTEGER NOT NULL,
  deaths_observed   INTEGER NOT NULL,
  deaths_expected   DOUBLE,
  baseline_weeks    INTEGER NOT NULL,
  baseline_deaths   INTEGER NOT NULL,
  rate_ratio        DOUBLE,
  p_value           DOUBLE,
  -- alert (p < 0.01), warning (p < 0.05), none, pending (no complete death week yet in the window),
  -- insufficient (too few baseline weeks).
  status            VARCHAR NOT NULL CHECK (status IN ('alert', 'warning', 'none', 'pending', 'insufficient')),
  note              VARCHAR
);

-- Drug classes for drug combinations (DOMAIN.md, "Drug-overdose deaths"), by WHO ICD-10 multiple
-- cause code: death record axis codes and the ED visits' death-side classes (the one bridge) alike.
-- 'other_drug' has no codes of its own: any other T36-T50 code but T50.9 (drug_class_of).
CREATE TABLE drug_classes (
  class      VARCHAR PRIMARY KEY,
  label      VARCHAR NOT NULL,
  sort_order INTEGER NOT NULL,
  codes      VARCHAR[] NOT NULL
);

INSERT INTO drug_classes VALUES
  ('synthetic_opioid',      'Fentanyl and other synthetic opioids (T40.4)',   1, ['T40.4']),
  ('heroin',                'Heroin (T40.1)',                                 2, ['T40.1']),
  ('natural_semisynthetic', 'Natural and semi-synthetic opioids (T40.2)',     3, ['T40.2']),
  ('methadone',             'Methadone (T40.3)',                              4, ['T40.3']),
  ('other_opioid',          'Opium and unspecified narcotics (T40.0, T40.6)', 5, ['T40.0', 'T40.6']),
  ('cocaine',               'Cocaine (T40.5)',                                6, ['T40.5']),
  ('psychostimulant',       'Psychostimulants such as methamphetamine (T43.6)', 7, ['T43.6']),
  ('benzodiazepine',        'Benzodiazepines (T42.4)',                        8, ['T42.4']),
  ('cannabis',              'Cannabis (T40.7)',                               9, ['T40.7']),
  ('antidepressant',        'Antidepressants (T43.0-T43.2)',                 10, ['T43.0', 'T43.1', 'T43.2']),
  ('xylazine',              'Xylazine and other alpha-2 agonists (T46.5)',   11, ['T46.5']),
  ('alcohol',               'Alcohol (T51.0)',                               12, ['T51.0']),
  ('other_drug',            'Other specified drugs (other T36-T50 codes)',   13, []);

-- The class of one WHO code, or NULL (not a drug, or the unspecified T50.9).
CREATE MACRO drug_class_of(code) AS coalesce(
  (SELECT d.class FROM drug_classes d WHERE list_contains(d.codes, code)),
  CASE WHEN regexp_matches(code, '^T(3[6-9]|4[0-9]|50)') AND code <> 'T50.9' THEN 'other_drug' END
);

-- Overdose records with their WHO drug codes, one row per record, for the combination queries:
-- deaths as measure_deaths('all_overdose') counts them (current, non-void, drug-overdose underlying
-- cause; by county of residence), ED visits whose current coding has a drug poisoning (T36-T50,
-- through the CM → WHO bridge; by the patient's county). `codes` are the record axis / the visit's
-- death-side classes.
CREATE MACRO overdose_drug_records(source_key) AS TABLE
  SELECT d.record_id, d.residence_county_fips AS county_fips, d.death_date AS day, d.record_axis AS codes
  FROM measure_deaths('all_overdose') d
  WHERE source_key = 'deaths'
  UNION ALL
  SELECT e.record_id, e.patient_county_fips AS county_fips, CAST(e.visit_datetime AS DATE) AS day, c.drug_classes AS codes
  FROM ed_visits e
  JOIN coded_ed_visits c ON c.record_id = e.record_id AND c.is_current
  WHERE source_key = 'ed' AND e.is_current
    AND len(list_filter(c.drug_classes, x -> regexp_matches(x, '^T(3[6-9]|4[0-9]|50)'))) > 0;
