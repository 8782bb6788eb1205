-- Resident population estimates (totals) by geography and year for the areas of one report: a
-- report needs the populations of areas and months without deaths, for which the aggregates
-- (rows with deaths, or withheld ones) carry none.
--   $level   'county' | 'state' | 'nation': the geography_of level the counties are summed to
--   $prefix  county FIPS prefix of the areas: '' every county, '39' Ohio's, '39035' one county
SELECT
  geography_of(fips, $level) AS geography,
  CAST(year AS INTEGER) AS year,
  CAST(sum(population) AS DOUBLE) AS population
FROM populations
WHERE age_group = 'all' AND sex = 'all'
  AND starts_with(fips, $prefix)
GROUP BY 1, 2
ORDER BY 1, 2;
