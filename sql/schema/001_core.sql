-- Core tables: batches with their raw files, versioned certificates, coded results, ED visits,
-- populations, job runs. Big tables carry no index: DuckDB appends fastest without one, and the
-- queries that need a key scan columnar data quickly. Identity rules live in the loader SQL.

-- One uploaded or ingested file. The raw bytes are kept on disk at raw_path with their checksum,
-- so a batch can be re-run from what was actually received.
CREATE TABLE batches (
  batch_id          VARCHAR PRIMARY KEY,
  kind              VARCHAR NOT NULL CHECK (kind IN ('deaths', 'ed')),
  format            VARCHAR NOT NULL,
  file_name         VARCHAR NOT NULL,
  raw_path          VARCHAR NOT NULL,
  sha256            VARCHAR NOT NULL,
  bytes             BIGINT NOT NULL,
  source            VARCHAR NOT NULL CHECK (source IN ('upload', 'cli', 'inbox', 'demo')),
  jurisdiction      VARCHAR,
  status            VARCHAR NOT NULL CHECK (status IN ('received', 'processing', 'loaded', 'failed', 'rejected')),
  received_at       TIMESTAMPTZ NOT NULL,
  finished_at       TIMESTAMPTZ,
  records_read      INTEGER,
  records_loaded    INTEGER,
  records_unchanged INTEGER,
  records_rejected  INTEGER,
  error             VARCHAR
);

-- Per-record problems found while reading a batch: the line and field a person must fix.
CREATE TABLE batch_errors (
  batch_id  VARCHAR NOT NULL,
  line      INTEGER,
  record_id VARCHAR,
  field     VARCHAR,
  message   VARCHAR NOT NULL
);

CREATE SEQUENCE record_id_seq START 1;

-- Every version of every certificate. Identity is (jurisdiction, certificate_id); an amended or
-- replacement record is a new version and the old one is kept with is_current = false.
CREATE TABLE certificates (
  record_id              BIGINT NOT NULL,
  jurisdiction           VARCHAR NOT NULL,
  certificate_id         VARCHAR NOT NULL,
  version                INTEGER NOT NULL,
  is_current             BOOLEAN NOT NULL,
  voided                 BOOLEAN NOT NULL DEFAULT false,
  content_hash           UBIGINT NOT NULL,
  batch_id               VARCHAR NOT NULL,
  source_line            INTEGER,
  loaded_at              TIMESTAMPTZ NOT NULL,
  death_date             DATE,
  age                    SMALLINT,
  sex                    VARCHAR,
  residence_county_fips  VARCHAR,
  occurrence_county_fips VARCHAR,
  manner                 VARCHAR,
  part1_a                VARCHAR,
  part1_b                VARCHAR,
  part1_c                VARCHAR,
  part1_d                VARCHAR,
  part2                  VARCHAR,
  how_injury             VARCHAR,
  interval_a             VARCHAR,
  interval_b             VARCHAR,
  interval_c             VARCHAR,
  interval_d             VARCHAR,
  injury_date            DATE,
  injury_place           VARCHAR,
  race                   VARCHAR,
  hispanic               VARCHAR,
  autopsy                VARCHAR,
  tobacco                VARCHAR,
  pregnancy              VARCHAR
);

-- What a coder decided for one certificate version. Recoding or a human correction adds a row
-- and retires the previous one (is_current), so no decision is ever lost.
CREATE TABLE coded_deaths (
  record_id         BIGINT NOT NULL,
  coder             VARCHAR NOT NULL,
  lexicon_version   VARCHAR NOT NULL,
  coded_at          TIMESTAMPTZ NOT NULL,
  is_current        BOOLEAN NOT NULL,
  underlying_cause  VARCHAR,
  is_drug_overdose  BOOLEAN NOT NULL,
  record_axis       VARCHAR[] NOT NULL,
  entity_axis       JSON NOT NULL,
  drugs             JSON NOT NULL,
  intent            VARCHAR,
  review_required   BOOLEAN NOT NULL,
  review_reasons    VARCHAR[] NOT NULL,
  trace             JSON NOT NULL
);

-- ED visits, versioned like certificates; identity is (facility_id, visit_id).
CREATE TABLE ed_visits (
  record_id            BIGINT NOT NULL,
  facility_id          VARCHAR NOT NULL,
  visit_id             VARCHAR NOT NULL,
  version              INTEGER NOT NULL,
  is_current           BOOLEAN NOT NULL,
  content_hash         UBIGINT NOT NULL,
  batch_id             VARCHAR NOT NULL,
  source_line          INTEGER,
  loaded_at            TIMESTAMPTZ NOT NULL,
  visit_datetime       TIMESTAMP NOT NULL,
  age                  SMALLINT,
  sex                  VARCHAR,
  patient_county_fips  VARCHAR,
  chief_complaint      VARCHAR,
  triage_note          VARCHAR,
  discharge_diagnoses  VARCHAR[] NOT NULL
);

-- Census population estimates. age_group and sex are 'all' where the source gives totals only.
CREATE TABLE populations (
  fips       VARCHAR NOT NULL,
  year       SMALLINT NOT NULL,
  age_group  VARCHAR NOT NULL DEFAULT 'all',
  sex        VARCHAR NOT NULL DEFAULT 'all',
  population BIGINT NOT NULL,
  source     VARCHAR NOT NULL,
  PRIMARY KEY (fips, year, age_group, sex)
);

-- Every run of a scheduled or manual job, successful or not.
CREATE TABLE job_runs (
  run_id      VARCHAR PRIMARY KEY,
  job         VARCHAR NOT NULL,
  trigger     VARCHAR NOT NULL,
  started_at  TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ,
  status      VARCHAR NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  summary     JSON,
  error       VARCHAR
);
