-- The bulk CSV paths (pipeline/ingest/csv-bulk-read.ts), first step: DuckDB reads the batch's raw
-- file itself. Placeholders, filled by the module: {{table}} the table read into, {{read_csv}} the
-- read_csv call over $raw_path (every column as text, named c0, c1, ...), {{fields}} the columns
-- picked from it by the header's positions, {{breaks}} the line breaks inside the row's fields
-- (all of them, read or not), as csv.ts counts them. Runs with preserve_insertion_order on, so a
-- row's rowid is its place in the file.
CREATE OR REPLACE TEMP TABLE {{table}} AS
SELECT {{fields}}, {{breaks}} AS breaks
FROM {{read_csv}};
