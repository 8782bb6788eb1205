-- The death measures the aggregates answer, in display order.
SELECT measure AS key, label FROM death_measures ORDER BY sort_order;
