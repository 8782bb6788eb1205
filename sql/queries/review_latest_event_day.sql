-- The newest date of death and ED visit day among current records: the emerging-substances
-- periods end the day after, so days whose records have not arrived are not counted as silence.
SELECT strftime(greatest(
    (SELECT max(death_date) FROM certificates WHERE is_current),
    (SELECT max(CAST(visit_datetime AS DATE)) FROM ed_visits WHERE is_current)), '%Y-%m-%d') AS latest_day;
