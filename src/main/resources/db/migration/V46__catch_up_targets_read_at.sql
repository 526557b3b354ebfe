-- When the catch-up job's run that applied the rollups up to the watermarks read its targets (under
-- the sources' lock, every writer in flight committed): every row committed before that moment is
-- in the rollups. A caller of catch_up_rollups() that arrived before it has nothing left to apply,
-- so it does not start a run of its own (R__50_rollup_catch_up_job.sql). Null until a run or a
-- rebuild sets it.
alter table rollups.watermarks add column targets_read_at timestamptz;
