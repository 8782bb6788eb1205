-- The active ED syndrome definitions (one version per id), the syndromes aggregates can count.
SELECT id, name FROM syndrome_definitions WHERE active ORDER BY id;
