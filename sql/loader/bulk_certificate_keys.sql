-- The bulk certificate template path, second step (after bulk_certificate_values is written): what
-- the death coder reads of each row (the manner and the cause texts: Part I a-d, Part II, how the
-- injury occurred), each distinct combination once, numbered from 1, among the rows whose manner
-- is valid and whose cause texts the validator takes as they are; with the hash of the key's
-- columns, on which the rows are joined to their key (bulk_certificate_stage.sql).
CREATE OR REPLACE TEMP TABLE bulk_certificate_keys AS
SELECT row_number() OVER () AS key_id, hash(manner, part1_a, part1_b, part1_c, part1_d, part2, how_injury) AS cause_hash, *
FROM (
  SELECT DISTINCT r.manner, r.part1_a, r.part1_b, r.part1_c, r.part1_d, r.part2, r.how_injury
  FROM bulk_certificate_rows r
  SEMI JOIN bulk_certificate_values m ON m.field = 'manner' AND m.raw = r.manner
  WHERE bulk_text_as_read(r.part1_a, {{max_text}}) AND bulk_text_as_read(r.part1_b, {{max_text}})
    AND bulk_text_as_read(r.part1_c, {{max_text}}) AND bulk_text_as_read(r.part1_d, {{max_text}})
    AND bulk_text_as_read(r.part2, {{max_text}}) AND bulk_text_as_read(r.how_injury, {{max_text}})
);

-- The keys as the module codes them, written to a CSV file its coding workers read in chunks
-- ({{keys_file}}, a path in the staging folder): key id, the manner as the validator reads it,
-- and the cause texts (a blank one empty), sorted by the texts: the chunks a worker codes then
-- hold keys that share their lines, which the coder's memo of lines extracts once (the keys of
-- 1M generated certificates in hash order took two workers 11.0 s, sorted 8.4). Runs with
-- preserve_insertion_order on, so the file is in that order.
COPY (
  SELECT k.key_id, m.value AS manner, nullif(k.part1_a, '') AS part1_a, nullif(k.part1_b, '') AS part1_b, nullif(k.part1_c, '') AS part1_c,
    nullif(k.part1_d, '') AS part1_d, nullif(k.part2, '') AS part2, nullif(k.how_injury, '') AS how_injury
  FROM bulk_certificate_keys k
  JOIN bulk_certificate_values m ON m.field = 'manner' AND m.raw = k.manner
  ORDER BY k.part1_a, k.part1_b, k.part1_c, k.part1_d, k.part2, k.how_injury, k.manner
) TO '{{keys_file}}' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"', NEW_LINE '\n');
