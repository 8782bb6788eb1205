-- Every county with a population estimate (any year), and its state: the rows of the tables the
-- small-number suppression protects (a county without deaths is a row of zeros; a reader knows it).
SELECT DISTINCT fips AS county, substr(fips, 1, 2) AS state
FROM populations
WHERE age_group = 'all' AND sex = 'all'
ORDER BY county;
