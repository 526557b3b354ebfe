-- A generate run's data is complete.
-- params: 1 row counts per table (text), 2 run_id
update generator.runs
set status = 'complete', finished_at = clock_timestamp(), row_counts = ?
where run_id = ?
