-- What `shopflow distribute` sets up on the schema's definitions that applying a migration again
-- undoes: run at the end of distribute, and after every migration, in the migration's own
-- transaction (shopflow.db.CitusDefinitions), so that a later ShopFlow version's changed
-- repeatable migrations (R__*.sql) re-apply on an existing cluster and leave it as distribute left
-- it (docs/scale-out.md, "Upgrading a cluster"). Each step changes only what differs, so running it
-- again changes nothing; without Citus, or before the shop is distributed, it changes nothing
-- (distribute will).
--
-- A file that creates a function, a trigger or a view needs nothing for the cluster: whatever of
-- it the cluster must not keep, or keeps differently, is put right here, by name.
do $$
declare
    t record;
begin
    if not exists (select 1 from pg_extension where extname = 'citus') then
        return;
    end if;

    -- Triggers on the shop's Citus tables: Citus cannot run the rollup triggers on shards (they read
    -- statement transition tables), and on a cluster a job keeps the rollups instead
    -- (catch_up_rollups()); distribute drops them before it distributes the tables. A repeatable that
    -- creates them again (create or replace trigger) is let through by the migration's
    -- citus.enable_unsafe_triggers (shopflow.db.CitusDefinitions, before the migration), and they go
    -- here, before the transaction commits: no other transaction ever sees them. The coordinator's
    -- own tables (the rollups, the job's copies) keep theirs.
    perform set_config('citus.enable_unsafe_triggers', 'on', true);
    for t in
        select g.tgname, g.tgrelid::regclass as rel
        from pg_trigger g
        join pg_dist_partition p on p.logicalrelid = g.tgrelid
        where not g.tgisinternal
        order by 2::text, 1
    loop
        execute format('drop trigger %I on %s', t.tgname, t.rel);
    end loop;

    if not exists (select 1 from pg_dist_partition where logicalrelid = to_regclass('public.orders')) then
        return;
    end if;

    -- Function settings the cluster needs (create or replace function drops a function's settings):
    --   * the order writers read shards (an order's lines, its stock movements) and then update
    --     reference tables that distributed tables point at (coupon counts; stock on a cluster
    --     distributed before stock was): Citus allows that
    --     in one transaction only over one connection per worker, which multi_shard_modify_mode
    --     sequential makes them use;
    --   * place_order() locks `orders` on the coordinator for the rollup job's watermarks (R__20);
    --     Citus sends a lock on a distributed table to every worker too, which made every order a
    --     transaction on every node, committed in two phases. The job's lock is the coordinator's, so
    --     the order's lock stays there (no DDL propagation): an order commits on its own worker alone;
    --     and the job's, taken between writes, stays there too (every writer locks there first);
    --   * a rebuild of the rollups reads every raw row through the coordinator, where the rollups
    --     live: the funnel's sessions alone are some 7 million rows at scale 10, over Citus's default
    --     cap of 1 GB on a subquery's rows pulled to the coordinator ("the intermediate result size
    --     exceeds citus.max_intermediate_result_size"), which failed `generate --scale 10` there. The
    --     rebuild needs them all: no cap for it (distribute calls it; refresh calls rebuild_rollups()
    --     once per family), nor for the parts a generate rebuilds side by side (rollup_rebuild_parts());
    --   * the functions the reports call read (every stable PL/pgSQL function of the schema), and
    --     Citus may run them inside one of its own tasks: a report it cannot plan whole it runs in
    --     parts (each CTE on its own), and a part that reads only earlier parts' results, reference
    --     tables and the coordinator's rollups goes as a task to the coordinator's own placement. A
    --     function called there that reads a distributed table stopped the report with "cannot
    --     execute a distributed query from a query on a shard", depending on the plan: top_products
    --     under EXPLAIN ANALYZE in psql, shop_vitals in psql at scale 10. Citus refuses such nesting
    --     by default because a function pushed to a worker's shard would not see its caller's
    --     uncommitted writes; these run on the coordinator, in a read's transaction, with nothing
    --     uncommitted to see.
    for t in
        select f.signature, f.setting, f.value
        from (values ('public.order_transition(int, text)', 'citus.multi_shard_modify_mode', 'sequential'),
                     ('public.place_order(int, jsonb, text, text, text, text, text)', 'citus.multi_shard_modify_mode',
                      'sequential'),
                     ('public.place_order(int, jsonb, text, text, text, text, text)', 'citus.enable_ddl_propagation',
                      'off'),
                     ('public.lock_rollup_sources_between_writes(interval)', 'citus.enable_ddl_propagation', 'off'),
                     ('public.rebuild_rollups_marking_watermarks()', 'citus.max_intermediate_result_size', '-1'),
                     ('public.rebuild_rollups(text[])', 'citus.max_intermediate_result_size', '-1')
              union all
              select 'public.' || parts.rebuild || '()', 'citus.max_intermediate_result_size', '-1'
              from rollup_rebuild_parts() as parts
              union all
              select r.oid::regprocedure::text, 'citus.allow_nested_distributed_execution', 'on'
              from pg_proc r
              where r.pronamespace = 'public'::regnamespace
                and r.provolatile = 's'
                and r.prolang = (select oid from pg_language where lanname = 'plpgsql'))
             as f (signature, setting, value)
        join pg_proc p on p.oid = to_regprocedure(f.signature)
        where not coalesce(f.setting || '=' || f.value = any (p.proconfig), false)
    loop
        execute format('alter function %s set %s = %L', t.signature, t.setting, t.value);
    end loop;
end
$$;
