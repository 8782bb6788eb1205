-- Death measures the aggregates answer, as NCHS defines them (DOMAIN.md, "Drug-overdose deaths").
-- overdose_only: the underlying cause must be a drug overdose (X40-X44, X60-X64, X85, Y10-Y14).
-- codes: multiple-cause T-codes of which at least one must be on the record axis; empty = any.
CREATE TABLE death_measures (
  measure       VARCHAR PRIMARY KEY,
  label         VARCHAR NOT NULL,
  sort_order    INTEGER NOT NULL,
  overdose_only BOOLEAN NOT NULL,
  codes         VARCHAR[] NOT NULL
);

INSERT INTO death_measures VALUES
  ('all_overdose',          'All drug overdose deaths',                              1, true,  []),
  ('any_opioid',            'Any opioid (T40.0-T40.4, T40.6)',                       2, true,  ['T40.0', 'T40.1', 'T40.2', 'T40.3', 'T40.4', 'T40.6']),
  ('synthetic_opioid',      'Synthetic opioids other than methadone (T40.4)',        3, true,  ['T40.4']),
  ('heroin',                'Heroin (T40.1)',                                        4, true,  ['T40.1']),
  ('natural_semisynthetic', 'Natural and semi-synthetic opioids (T40.2)',            5, true,  ['T40.2']),
  ('methadone',             'Methadone (T40.3)',                                     6, true,  ['T40.3']),
  ('cocaine',               'Cocaine (T40.5)',                                       7, true,  ['T40.5']),
  ('psychostimulant',       'Psychostimulants with abuse potential (T43.6)',         8, true,  ['T43.6']),
  ('benzodiazepine',        'Benzodiazepines (T42.4)',                               9, true,  ['T42.4']),
  ('all_deaths',            'All deaths',                                           10, false, []);
