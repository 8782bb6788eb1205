-- The geography a county FIPS code counts under at a level: the county itself, its state (the
-- first two digits), or the nation. One macro, so every aggregate rolls up the same way.
CREATE MACRO geography_of(fips, level) AS CASE level WHEN 'county' THEN fips WHEN 'state' THEN substr(fips, 1, 2) ELSE 'US' END;
