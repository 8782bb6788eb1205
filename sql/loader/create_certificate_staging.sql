-- Per-batch staging, filled by the Appender before the batch's transaction opens. Temporary: a
-- crash leaves nothing behind. Coded fields arrive as JSON text and are typed on the way in.
CREATE OR REPLACE TEMP TABLE staging_certificates (
  line                   INTEGER NOT NULL,
  certificate_id         VARCHAR NOT NULL,
  jurisdiction           VARCHAR NOT NULL,
  death_date             VARCHAR,
  age                    INTEGER,
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
  injury_date            VARCHAR,
  injury_place           VARCHAR,
  race                   VARCHAR,
  hispanic               VARCHAR,
  autopsy                VARCHAR,
  tobacco                VARCHAR,
  pregnancy              VARCHAR,
  underlying_cause       VARCHAR,
  is_drug_overdose       BOOLEAN NOT NULL,
  record_axis            VARCHAR NOT NULL,
  entity_axis            VARCHAR NOT NULL,
  drugs                  VARCHAR NOT NULL,
  intent                 VARCHAR,
  review_required        BOOLEAN NOT NULL,
  review_reasons         VARCHAR NOT NULL,
  trace                  VARCHAR NOT NULL
);

CREATE OR REPLACE TEMP TABLE staging_errors (
  line      INTEGER,
  record_id VARCHAR,
  field     VARCHAR,
  message   VARCHAR NOT NULL
);
