-- Each county FIPS with a population estimate and the last year it has one: which codes are current
-- (Connecticut's planning regions from 2020, its legacy counties until 2019; Alaska's 2019 split).
SELECT fips, CAST(max(year) AS INTEGER) AS last_year
FROM populations
WHERE age_group = 'all' AND sex = 'all'
GROUP BY fips
ORDER BY fips;
