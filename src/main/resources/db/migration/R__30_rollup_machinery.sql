-- The rollup machinery every family shares: fold, rebuild, suspend and resume, and the time grains.
-- docs/rollups.md tells the design; each family's maintenance is in R__3x_rollup_<family>.sql.
--
-- How the rollups stay current
--   * Statement-level AFTER triggers with transition tables ("referencing new table as ...")
--     hand the changed rows of one statement, as arrays of the table's row type, to one
--     maintenance function per source table (rollup_orders_apply() for the order days). That
--     function is the only place that knows how a row contributes to a rollup: it groups the
--     changes by the rollup's key, with sign +1 for new rows and -1 for old rows (updates are old
--     out, new in; deletes are old out), and APPENDS them to the rollup's pending table. A status
--     change therefore moves an order between rollup keys in the same transaction as the change:
--     readers see the order before or after, never both or neither.
--   * Append, then fold. Most rollups are two tables: <rollup>_folded (one row per key) and
--     <rollup>_pending (changes not folded in yet, any number of rows per key), read together
--     through the view <rollup>, which reports sum by key. Writers only insert into pending
--     tables, so they never wait on one another for a rollup row: updating the folded rows in
--     place made every order placed today contend for the row (today, pending) while holding
--     its stock and coupon locks, and 16 concurrent writers deadlocked every second.
--     fold_rollups() moves the pending rows into the folded ones (one folder at a time, holding
--     no other lock, so it only ever waits, never deadlocks); the web server runs it every
--     second, `shopflow refresh` on demand. Until then reports read a few more rows, with the
--     same answer.
--   * One statement of 10,000 rows appends a few grouped rows, not 10,000.
--   * On a Citus cluster triggers cannot run, but the maintenance functions take plain arrays of
--     changed rows, so a job calls them with the rows changed since its last run
--     (catch_up_rollups(), R__50_rollup_catch_up_job.sql).
--   * Bulk loads (the generator's COPY) suspend the triggers (suspend_rollups()) and rebuild in
--     one pass at the end (rebuild_rollups(), also `shopflow refresh`).
--   * A family of rollups adds two functions, found by their names: rebuild_<family>_rollups()
--     and fold_<family>_rollups(); and its triggers are named <table>_rollups_<event> (suspended
--     and resumed together).
--
-- Time grains: shop_day(), shop_month() and shop_hour(), in the shop's time zone, are defined with
-- the rollup tables (the migration that creates schema rollups): the zone is fixed when the
-- database is created.

-- ============================================================
-- FOLD
-- ============================================================
-- The rollup families that have a <verb>_<family>_rollups() function, in the order they run: by
-- the family's name (a family that reads another's rollups is named after it: funnel before
-- funnel_days, order_drill before order_facets, product_sales before product_windows). Not by the
-- function's name, where funnel_days_rollups sorts before funnel_rollups.
create or replace function rollup_families(verb text) returns setof text
language sql stable as $$
    select family
    from (
        select substring(proname from length(verb) + 2 for length(proname) - length(verb) - length('__rollups'))
               as family
        from pg_proc
        where proname like verb || '\_%\_rollups' and pronargs = 0
          and pronamespace = 'public'::regnamespace
    ) as functions
    order by family collate "C"
$$;

-- Calls <verb>_<family>_rollups() of every rollup family but except_families', or of only_families
-- when given (a caller that runs the families one at a time, to say which is done).
drop function if exists run_rollup_families(text, text);
drop function if exists run_rollup_families(text, text[]);
create or replace function run_rollup_families(verb text, except_families text[] default '{}',
                                               only_families text[] default null) returns void
language plpgsql as $$
declare
    family text;
begin
    for family in
        select listed from rollup_families(verb) as listed
        where listed <> all (except_families)
          and (only_families is null or listed = any (only_families))
    loop
        execute format('select %I()', verb || '_' || family || '_rollups');
    end loop;
end
$$;

-- Moves every pending change into the folded rollups, family by family (fold_<family>_rollups()),
-- but except_families' (a Citus cluster's catch-up runs leave the RFM scoring to a folder beside
-- them). One folder at a time: a second caller returns at once (the running one, or the next,
-- folds what it would have). Rows appended after the folder's snapshot stay pending for the next fold.
drop function if exists fold_rollups();
create or replace function fold_rollups(except_families text[] default '{}') returns void
language plpgsql as $$
begin
    if pg_try_advisory_xact_lock(hashtext('shopflow.fold_rollups')) then
        perform run_rollup_families('fold', except_families);
    end if;
end
$$;

-- ============================================================
-- REBUILD, SUSPEND
-- ============================================================
-- Recomputes every rollup from the raw tables, in the caller's transaction: readers keep
-- seeing the old rollups until it commits, then the new ones (never a half-built table, as
-- delete + insert is MVCC-safe where truncate is not). Each family of rollups has its own
-- rebuild_<family>_rollups() function, found here by that name, so a file adding rollups
-- adds its rebuild function and nothing else. Each one first locks its source tables against
-- writers (lock_for_rebuild(): readers are not blocked; a second rebuild of the same rollups
-- waits its turn), so no write can fall between the recount and the commit. Also turns the
-- triggers back on after suspend_rollups(). With only_families, those families alone: a caller
-- that says which family is done calls it once per family of rollup_families('rebuild'), in
-- that order, in one transaction (`shopflow refresh`, `import`, `restore`).
drop function if exists rebuild_rollups();
create or replace function rebuild_rollups(only_families text[] default null) returns void
language plpgsql as $$
begin
    perform set_rollup_triggers(true);
    perform run_rollup_families('rebuild', only_families => only_families);
end
$$;

-- Before a rebuild reads its sources: holds them against writers in share mode (readers go on,
-- and so do other rebuilds, so that the parts of a whole shop's rebuild run side by side on
-- several connections), then waits for any other rebuild of the same rollups (named by
-- `rollups`), which would otherwise insert its rows a second time. Share mode conflicts with
-- every writer's row exclusive lock, as share row exclusive did, but not with itself.
drop function if exists lock_for_rebuild(text, regclass[]);
create or replace function lock_for_rebuild(rollups text, sources text[]) returns void
language plpgsql as $$
begin
    execute format('lock table %s in share mode',
                   (select string_agg(source::regclass::text, ', ' order by position)
                    from unnest(sources) with ordinality as listed(source, position)));
    perform pg_advisory_xact_lock(hashtext('shopflow.rebuild.' || rollups));
end
$$;

-- Every rollup after the generator's load, in the caller's transaction, but the parts that
-- rollup_rebuild_parts() (R__51_rollup_rebuild_parts.sql) runs beside it on connections of their
-- own (the product sales and windows, the funnel's traffic, the order facets and drill rows): the funnel's days from the sessions it
-- wrote, every other family from the raw rows. The
-- triggers stay suspended (the
-- generator turns them on once it has built the clickstream's indexes meanwhile, which
-- set_rollup_triggers would wait for), and nothing locks the clickstream tables, for the same reason.
--
-- The generator empties the rollups' folded and pending tables first and drops their secondary
-- indexes, built again after the rows (rollups/empty_rollups.sql, restore_rollup_indexes.sql, as an
-- import into an empty shop does): rows inserted into a table truncated in the same transaction
-- skip the write-ahead log (wal_level minimal, as the embedded server runs), which halves the cost
-- of inserting the product pairs, and one index build is cheaper than millions of inserts into it.
create or replace function rebuild_rollups_after_generate() returns void
language plpgsql as $$
begin
    perform run_rollup_families('rebuild',
                                except_families => array['funnel', 'funnel_days', 'funnel_traffic', 'order_drill',
                                                         'order_facets', 'product_sales', 'product_windows']);
    perform rebuild_funnel_days(); -- not its family's rebuild, which locks the clickstream
end
$$;

-- Every rollup table, comma-separated, for the VACUUM (ANALYZE) a loader runs once its rebuild has
-- committed (Rollups.vacuumAndAnalyze(); a command no function can run): fresh statistics, so
-- reports plan on the rebuilt sizes (gathered inside the rebuild they would not see the new
-- rows), and the rebuilt pages marked visible to all, so a count over an index reads the index
-- alone. Autovacuum could not be left to it: when it came during the rebuild, another part's
-- transaction still open, it marked nothing and did not come back (its count of inserted rows
-- reset): kpi_days at scale 10 on a Citus cluster, 14 counts of a day's first orders, took 80 ms
-- median with the heap read for each row, 28-30 ms vacuumed.
drop function if exists analyze_rollups();
create or replace function rollup_table_list() returns text
language sql stable as $$
    select string_agg(oid::regclass::text, ', ' order by relname)
    from pg_class
    where relkind = 'r' and relnamespace = 'rollups'::regnamespace
$$;

-- For bulk loads: stops rollup maintenance until rebuild_rollups() (which the loader must call
-- in the end; `shopflow verify` shows the drift meanwhile). Other triggers stay on.
create or replace function suspend_rollups() returns void
language plpgsql as $$
begin
    perform set_rollup_triggers(false);
end
$$;

-- Turns every rollup trigger (named <table>_rollups_<event>) on or off.
create or replace function set_rollup_triggers(enabled boolean) returns void
language plpgsql as $$
declare
    t record;
begin
    for t in
        select tgrelid::regclass as table_name, tgname
        from pg_trigger
        where tgname like '%\_rollups\_%' and not tgisinternal
          and (tgenabled = 'D') = enabled
    loop
        execute format('alter table %s %s trigger %I', t.table_name,
                       case when enabled then 'enable' else 'disable' end, t.tgname);
    end loop;
end
$$;

-- ============================================================
-- WHAT COUNTS
-- ============================================================
-- Only sales count in the product, customer, cohort, category and risk rollups: orders whose
-- current status is not cancelled or refunded, as the reports' reference SQL says.
create or replace function counts_as_sale(status varchar) returns boolean
language sql immutable parallel safe
return status not in ('cancelled', 'refunded');
