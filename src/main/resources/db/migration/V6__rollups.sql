-- Rollups: summary tables kept exact in the same transaction as every write (issue 7).
--
-- How they stay current
--   * Statement-level AFTER triggers with transition tables ("referencing new table as ...")
--     hand the changed rows of one statement, as arrays of the table's row type, to one
--     maintenance function per source table (rollup_orders_apply below). That function is the
--     only place that knows how a row contributes to a rollup: it groups the changes by the
--     rollup's key, with sign +1 for new rows and -1 for old rows (updates are old out, new in;
--     deletes are old out), and APPENDS them to the rollup's pending table. A status change
--     therefore moves an order between rollup keys in the same transaction as the change:
--     readers see the order before or after, never both or neither.
--   * Append, then fold. Every rollup is two tables: <rollup>_folded (one row per key) and
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
--   * Citus (issue 8): triggers on distributed tables are limited, but the maintenance
--     functions take plain arrays of changed rows, so a batch job can call them with the rows
--     changed since its last run; append-then-fold is Citus's own rollup pattern.
--   * Bulk loads (the generator's COPY) suspend the triggers (suspend_rollups()) and rebuild in
--     one pass at the end (rebuild_rollups(), also `shopflow refresh`).
--   * A family of rollups adds three functions, found by their names: rebuild_<family>_rollups(),
--     fold_<family>_rollups(), and its triggers named <table>_rollups_<event> (suspended and
--     resumed together).
--
-- Time grain
--   Order rollups are per shop day (shop_day(): the calendar day in the shop's time zone, the
--   one V1 makes the database's default, ${shop_time_zone} here). Reports sum the complete days
--   before as_of's day from the rollup and read the raw orders of as_of's own day (hundreds,
--   through idx_orders_created_revenue), so every "as of" is exact to the microsecond. A session cutting
--   days in another zone than the shop's would see drift (`shopflow verify` says so).

-- The shop day a moment falls in.
create function shop_day(moment timestamptz) returns date
language sql immutable parallel safe
return (moment at time zone '${shop_time_zone}')::date;

-- ============================================================
-- ORDERS PER DAY AND STATUS (revenue_summary, daily_revenue)
-- ============================================================
-- Grain: one row per (shop day the order was placed, its current status).
-- A row whose orders reach 0 (every order moved to another status) stays, with zeros.
create table rollup_order_days_folded (
    day      date not null,               -- shop_day(orders.created_at)
    status   varchar(20) not null,        -- orders.status, current
    orders   bigint not null,             -- number of orders
    revenue  numeric(16, 2) not null,     -- sum of orders.total_amount, GBP
    primary key (day, status)
);

-- Changes not folded in yet: same columns, several rows per key, no key (writers only append).
create table rollup_order_days_pending (like rollup_order_days_folded);
create index idx_rollup_order_days_pending_day on rollup_order_days_pending (day);

-- What reports read: sum by (day, status) for the exact figures.
create view rollup_order_days as
select day, status, orders, revenue from rollup_order_days_folded
union all
select day, status, orders, revenue from rollup_order_days_pending;

-- Reports read the raw orders of as_of's own day: this index answers that from the index alone
-- (no heap visit for rows the visibility map knows, e.g. everything the generator loaded).
create index idx_orders_created_revenue on orders (created_at) include (status, total_amount);

-- Applies changed orders to every order rollup: added rows count +1, removed rows -1.
-- PL/pgSQL rather than SQL: its statements' plans are cached per session, where a SQL function
-- called from a trigger is planned again on every call (milliseconds per order on a busy machine).
create function rollup_orders_apply(added orders[], removed orders[]) returns void
language plpgsql as $$
begin
    insert into rollup_order_days_pending (day, status, orders, revenue)
    select shop_day(delta.created_at), delta.status, sum(delta.sign)::bigint, sum(delta.sign * delta.total_amount)
    from (
        select created_at, status, total_amount, 1 as sign from unnest(added)
        union all
        select created_at, status, total_amount, -1 as sign from unnest(removed)
    ) as delta
    group by 1, 2
    having sum(delta.sign) <> 0 or sum(delta.sign * delta.total_amount) <> 0;
end
$$;

create function orders_rollups_inserted() returns trigger
language plpgsql as $$
begin
    perform rollup_orders_apply(array(select n::orders from new_orders n), '{}');
    return null;
end
$$;

create function orders_rollups_updated() returns trigger
language plpgsql as $$
begin
    perform rollup_orders_apply(array(select n::orders from new_orders n), array(select o::orders from old_orders o));
    return null;
end
$$;

create function orders_rollups_deleted() returns trigger
language plpgsql as $$
begin
    perform rollup_orders_apply('{}', array(select o::orders from old_orders o));
    return null;
end
$$;

create function orders_rollups_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollup_order_days_folded;
    delete from rollup_order_days_pending;
    return null;
end
$$;

create trigger orders_rollups_insert after insert on orders
    referencing new table as new_orders
    for each statement execute function orders_rollups_inserted();
create trigger orders_rollups_update after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_rollups_updated();
create trigger orders_rollups_delete after delete on orders
    referencing old table as old_orders
    for each statement execute function orders_rollups_deleted();
create trigger orders_rollups_truncate after truncate on orders
    for each statement execute function orders_rollups_truncated();

-- ============================================================
-- FOLD
-- ============================================================
-- Calls <verb>_<family>_rollups() of every rollup family, in name order.
create function run_rollup_families(verb text) returns void
language plpgsql as $$
declare
    family regproc;
begin
    for family in
        select oid::regproc from pg_proc
        where proname like verb || '\_%\_rollups' and pronargs = 0
          and pronamespace = 'public'::regnamespace
        order by proname
    loop
        execute format('select %s()', family);
    end loop;
end
$$;

-- Moves every pending change into the folded rollups, family by family (fold_<family>_rollups()).
-- One folder at a time: a second caller returns at once (the running one, or the next, folds
-- what it would have). Rows appended after the folder's snapshot stay pending for the next fold.
create function fold_rollups() returns void
language plpgsql as $$
begin
    if pg_try_advisory_xact_lock(hashtext('shopflow.fold_rollups')) then
        perform run_rollup_families('fold');
    end if;
end
$$;

create function fold_order_rollups() returns void
language plpgsql as $$
begin
    with moved as (
        delete from rollup_order_days_pending returning *
    )
    insert into rollup_order_days_folded as rollup (day, status, orders, revenue)
    select day, status, sum(orders), sum(revenue)
    from moved
    group by day, status
    order by day, status
    on conflict (day, status) do update
        set orders = rollup.orders + excluded.orders,
            revenue = rollup.revenue + excluded.revenue;
end
$$;

-- ============================================================
-- REBUILD, SUSPEND
-- ============================================================
-- Recomputes every rollup from the raw tables, in the caller's transaction: readers keep
-- seeing the old rollups until it commits, then the new ones (never a half-built table, as
-- delete + insert is MVCC-safe where truncate is not). Each family of rollups has its own
-- rebuild_<family>_rollups() function, found here by that name, so a migration adding rollups
-- adds its rebuild function and nothing else. Each one first locks its source tables against
-- writers (share row exclusive: readers are not blocked; a second rebuild waits its turn), so no
-- write can fall between the recount and the commit. Also turns the triggers back on after
-- suspend_rollups().
create function rebuild_rollups() returns void
language plpgsql as $$
begin
    perform set_rollup_triggers(true);
    perform run_rollup_families('rebuild');
end
$$;

create function rebuild_order_rollups() returns void
language plpgsql as $$
begin
    lock table orders in share row exclusive mode;

    delete from rollup_order_days_pending;
    delete from rollup_order_days_folded;
    insert into rollup_order_days_folded (day, status, orders, revenue)
    select shop_day(created_at), status, count(*), sum(total_amount)
    from orders
    group by 1, 2;
end
$$;

-- Fresh statistics for every rollup table, so reports plan on the rebuilt sizes. Run it after
-- the rebuild has committed: statistics gathered inside it would not see the new rows.
create function analyze_rollups() returns void
language plpgsql as $$
declare
    rollup regclass;
begin
    for rollup in
        select oid::regclass from pg_class
        where relname like 'rollup\_%' and relkind = 'r' and relnamespace = 'public'::regnamespace
    loop
        execute format('analyze %s', rollup);
    end loop;
end
$$;

-- For bulk loads: stops rollup maintenance until rebuild_rollups() (which the loader must call
-- in the end; `shopflow verify` shows the drift meanwhile). Other triggers stay on.
create function suspend_rollups() returns void
language plpgsql as $$
begin
    perform set_rollup_triggers(false);
end
$$;

create function set_rollup_triggers(enabled boolean) returns void
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
