-- A string that changes whenever population estimates are loaded: the committed Census totals
-- (reference_data 'county-population') and each file `vigil populations load` loaded. Cheap (a
-- tiny table), so the aggregates can check it per request and re-read populations only on change.
-- aggregate_cache_status.sql reads the same with a cache status: keep the two expressions alike.
SELECT coalesce(string_agg(name || '@' || sha256 || '@' || CAST(loaded_at AS VARCHAR), ';' ORDER BY name), '') AS version
FROM reference_data
WHERE name = 'county-population' OR name LIKE 'population-file:%';
