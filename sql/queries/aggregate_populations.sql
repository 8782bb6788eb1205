-- Census population estimates rolled up to a geography level, per year and stratum, for the rates
-- of the aggregates (the caller takes each period's year, or the latest estimate before it).
--   $geography  'county' | 'state' | 'nation'
--   $kind       'all' (totals) | 'age_group' | 'sex' | 'age_sex' (stratum 'age|sex')
-- Age groups are the NCHS groups the loader accepts ('<1', '1-4', ... '85+', or '0-4').
SELECT geography_of(fips, $geography) AS geography, CAST(year AS INTEGER) AS year,
  CASE $kind WHEN 'age_group' THEN age_group WHEN 'sex' THEN sex WHEN 'age_sex' THEN age_group || '|' || sex ELSE 'all' END AS stratum,
  CAST(sum(population) AS DOUBLE) AS population
FROM populations
WHERE CASE $kind
    WHEN 'age_group' THEN age_group <> 'all' AND sex = 'all'
    WHEN 'sex' THEN age_group = 'all' AND sex <> 'all'
    WHEN 'age_sex' THEN age_group <> 'all' AND sex <> 'all'
    ELSE age_group = 'all' AND sex = 'all'
  END
GROUP BY ALL
ORDER BY geography, stratum, year;
