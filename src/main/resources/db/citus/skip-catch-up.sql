-- `shopflow bench live` on a cluster, after a slice without rollup maintenance: the rows its
-- writers placed are passed over by the catch-up job (its watermarks moved past them, as
-- catch_up_rollups() would after applying them), so the next slice's job does not apply them on
-- its writers' time. The rollups miss those rows until the bench rebuilds them at its end, as on
-- one node, where the slice ran with the rollup triggers off. Locks as catch_up_rollups() does.
do $$
begin
    perform pg_advisory_xact_lock(hashtext('shopflow.catch_up_rollups'));
    perform lock_rollup_sources();
    perform wait_for_prepared_writes();
    update rollups.watermarks w set applied_id = s.last_id, applied_at = now()
    from rollup_source_ids() s
    where s.source = w.source and w.applied_id <> s.last_id;
end
$$
