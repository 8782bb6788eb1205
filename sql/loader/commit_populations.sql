-- Replaces, for every (county, year) the staged file covers, all its population rows (totals and
-- age/sex rows alike) with the file's, and records the load (population_version.sql changes with
-- it). Runs inside one transaction. Parameters: $source ('file:<name>'), $sha256 (of the file).
DELETE FROM populations p
USING (SELECT DISTINCT fips, year FROM staging_populations) s
WHERE p.fips = s.fips AND p.year = s.year;

INSERT INTO populations (fips, year, age_group, sex, population, source)
SELECT fips, year, age_group, sex, population, $source FROM staging_populations;

INSERT OR REPLACE INTO reference_data VALUES ('population-' || $source, $sha256, now());
