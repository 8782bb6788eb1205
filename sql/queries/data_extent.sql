-- The months with current certificates, when data last arrived (ISO 8601, UTC), and whether any
-- of it is the synthetic demo data set (the dashboard must say so).
SELECT
  strftime(min(c.death_date), '%Y-%m') AS first_month,
  strftime(max(c.death_date), '%Y-%m') AS last_month,
  strftime(timezone('UTC', max(c.loaded_at)), '%Y-%m-%dT%H:%M:%S.%gZ') AS data_as_of,
  CAST(count(*) AS INTEGER) AS certificates,
  coalesce(bool_or(b.source = 'demo'), false) AS synthetic
FROM certificates c
LEFT JOIN batches b ON b.batch_id = c.batch_id
WHERE c.is_current AND NOT c.voided;
