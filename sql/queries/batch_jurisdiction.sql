-- Whose a batch is: its jurisdiction (NULL when it was loaded for none), or no row when there is
-- no such batch. Read before anything of the batch is shown, to decide who may see it.
--   $batch_id
SELECT batch_id, jurisdiction FROM batches WHERE batch_id = $batch_id;
