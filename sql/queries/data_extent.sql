-- The months with current certificates, and when data last arrived (ISO 8601, UTC).
SELECT
  strftime(min(death_date), '%Y-%m') AS first_month,
  strftime(max(death_date), '%Y-%m') AS last_month,
  strftime(timezone('UTC', max(loaded_at)), '%Y-%m-%dT%H:%M:%S.%gZ') AS data_as_of,
  CAST(count(*) AS INTEGER) AS certificates
FROM certificates
WHERE is_current AND NOT voided;
