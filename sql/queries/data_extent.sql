-- The months with current certificates, and when data last arrived.
SELECT
  strftime(min(death_date), '%Y-%m') AS first_month,
  strftime(max(death_date), '%Y-%m') AS last_month,
  CAST(max(loaded_at) AS VARCHAR) AS data_as_of,
  CAST(count(*) AS INTEGER) AS certificates
FROM certificates
WHERE is_current AND NOT voided;
