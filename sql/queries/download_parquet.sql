-- Writes the rows of a download, staged as newline-delimited JSON, to a Parquet file (server/downloads.ts).
-- Both paths are temporary files the server made; nothing here comes from a request.
--   $source   the NDJSON file of rows
--   $columns  STRUCT of column name → DuckDB type, in column order
--   $target   the Parquet file to write
COPY (SELECT * FROM read_json($source, columns = $columns, format = 'newline_delimited')) TO $target (FORMAT parquet);
