-- The catch-up job asks the workers once, not twice, when no write is left prepared (issue 8).
--
-- wait_for_prepared_writes() (V9_6) lists the transactions prepared on the workers, then lists them
-- again until none of the first list is left: at least two rounds of run_command_on_workers, each
-- a new connection to every worker, while the run holds the source tables' lock and writers wait
-- (about 88 ms a round measured on a busy 2-core machine; a run took 500 ms). The usual answer of
-- the first round is that nothing is prepared, and then there is nothing to wait for.
--
-- Objects: replaces wait_for_prepared_writes() (V9_6).

create or replace function wait_for_prepared_writes() returns void
language plpgsql as $$
declare
    before text[];
    still text[];
    started timestamptz := clock_timestamp();
begin
    if to_regproc('pg_catalog.run_command_on_workers') is null then
        return;
    end if;
    before := prepared_on_workers();
    still := before;
    while cardinality(still) > 0 loop
        if clock_timestamp() - started > interval '10 seconds' then
            raise exception 'transactions prepared on the workers are still not committed after 10 s: %', still
                using hint = 'select recover_prepared_transactions() on the coordinator commits those of committed transactions';
        end if;
        perform pg_sleep(0.002);
        still := array(select unnest(prepared_on_workers()) intersect select unnest(before));
    end loop;
end
$$;
