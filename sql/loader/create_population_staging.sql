-- Age-specific (or total) population estimates from a file, checked and completed by
-- pipeline/cli/populations.ts, waiting for their transaction (commit_populations.sql).
CREATE OR REPLACE TEMP TABLE staging_populations (
  fips       VARCHAR NOT NULL,
  year       SMALLINT NOT NULL,
  age_group  VARCHAR NOT NULL,
  sex        VARCHAR NOT NULL,
  population BIGINT NOT NULL
);
