-- The counties and states alerting now: status 'alert' (ESSENCE red, p < 0.01) for any measure,
-- source and method in the latest detection run. The review queue puts their records first.
-- (The nation's series are left out: every record is in the nation.)
SELECT DISTINCT level, geography
FROM alerts
WHERE run_id = (SELECT run_id FROM alerts ORDER BY computed_at DESC LIMIT 1)
  AND status = 'alert' AND level IN ('county', 'state')
ORDER BY level, geography;
