-- MMWR weeks (CDC): Sunday to Saturday; week 1 is the first week with at least four days in the
-- calendar year, i.e. the week holding January 4, so the MMWR year of a week is the year of its
-- Wednesday and some years have a week 53.
CREATE MACRO mmwr_week_start(d) AS CAST(d AS DATE) - CAST(dayofweek(CAST(d AS DATE)) AS INTEGER);
CREATE MACRO mmwr_year(d) AS year(mmwr_week_start(d) + 3);
CREATE MACRO mmwr_week(d) AS CAST((mmwr_week_start(d) - mmwr_week_start(make_date(mmwr_year(d), 1, 4))) // 7 + 1 AS INTEGER);

-- What the detection job found, per run: for each series (source, measure, geography) the status
-- of its most recent periods by each method, with the numbers behind it. The latest run is what
-- the API shows; earlier runs stay for comparison.
CREATE TABLE alerts (
  run_id        VARCHAR NOT NULL,
  computed_at   TIMESTAMPTZ NOT NULL,
  source        VARCHAR NOT NULL CHECK (source IN ('deaths', 'ed')),
  measure       VARCHAR NOT NULL,
  level         VARCHAR NOT NULL CHECK (level IN ('county', 'state', 'nation')),
  geography     VARCHAR NOT NULL,
  -- The day (ED) or the MMWR week's Sunday (deaths) the figure is for.
  period        DATE NOT NULL,
  period_unit   VARCHAR NOT NULL CHECK (period_unit IN ('day', 'week')),
  method        VARCHAR NOT NULL,
  observed      DOUBLE NOT NULL,
  expected      DOUBLE,
  threshold     DOUBLE,
  p_value       DOUBLE,
  -- ESSENCE colours: alert (red, p < 0.01), warning (yellow, p < 0.05), none (blue), insufficient (grey).
  status        VARCHAR NOT NULL CHECK (status IN ('alert', 'warning', 'none', 'insufficient')),
  note          VARCHAR
);
