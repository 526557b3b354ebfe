-- The generator writes rollup_funnel_sessions itself, as it writes each session's events (it has
-- the session's first times in hand; reading five million page views and a million cart events
-- back to find them was two thirds of the load's rollup rebuild). After such a load the funnel
-- days are derived from those session rows; every other family is rebuilt from the raw rows.
--
-- rebuild_funnel_rollups() (V6_2) is split in its two halves so both paths share the second:
-- rebuild_funnel_sessions() (raw rows -> sessions) and rebuild_funnel_days() (sessions -> days).

-- conversion_funnel reads as_of's own day's sessions from this index alone: with only the reach
-- time in it, the rows of a day's 17,000 sessions were scattered over 11,000 table pages (87 MB
-- read per report at scale 1); with their first times included, 121 index pages.
drop index idx_rollup_funnel_sessions_last_reached;
create index idx_rollup_funnel_sessions_last_reached on rollup_funnel_sessions (last_reached_at)
    include (first_seen_at, product_view_at, add_at, checkout_at, order_at);

-- run_rollup_families(verb) with a family to leave out (by name: 'funnel' for
-- rebuild_funnel_rollups()).
drop function run_rollup_families(text);
create function run_rollup_families(verb text, except_family text default null) returns void
language plpgsql as $$
declare
    family regproc;
begin
    for family in
        select oid::regproc from pg_proc
        where proname like verb || '\_%\_rollups' and pronargs = 0
          and pronamespace = 'public'::regnamespace
          and proname is distinct from format('%s_%s_rollups', verb, except_family)
        order by proname
    loop
        execute format('select %s()', family);
    end loop;
end
$$;

-- Every rollup after the generator's load, in the caller's transaction: the funnel's days from
-- the sessions it wrote, every other family from the raw rows. The triggers stay suspended (the
-- generator turns them on once it has built the clickstream's indexes meanwhile, which
-- set_rollup_triggers would wait for), and nothing locks the clickstream tables, for the same reason.
--
-- The rollups' folded and pending tables are emptied first, by one truncate rather than by each
-- family's delete: rows inserted into a table truncated in the same transaction skip the
-- write-ahead log (wal_level minimal, as the embedded server runs), which halves the cost of
-- inserting the 900,000 product pairs at scale 1. Readers wait for the commit instead of seeing
-- the old rollups (of the data being replaced).
create function rebuild_rollups_after_generate() returns void
language plpgsql as $$
begin
    execute (
        select 'truncate ' || string_agg(oid::regclass::text, ', ')
        from pg_class
        where relkind = 'r' and relnamespace = 'public'::regnamespace
          and (relname like 'rollup\_%\_folded' or relname like 'rollup\_%\_pending'));
    perform run_rollup_families('rebuild', except_family => 'funnel');
    perform rebuild_funnel_days();
end
$$;

create or replace function rebuild_funnel_rollups() returns void
language plpgsql as $$
begin
    lock table page_views, cart_events, orders in share row exclusive mode;
    perform rebuild_funnel_sessions();
    perform rebuild_funnel_days();
end
$$;

-- rollup_funnel_sessions from the raw rows (the caller holds the locks).
create function rebuild_funnel_sessions() returns void
language plpgsql
set work_mem = '256MB'
as $$
begin
    truncate rollup_funnel_sessions;
    -- built once after the insert: 2 million sessions inserted in session order into an index on
    -- their reach times cost more than twice the rest of the insert (measured at scale 1)
    drop index idx_rollup_funnel_sessions_last_reached;

    with views as (
        select session_id, min(viewed_at) as first_seen_at,
               min(viewed_at) filter (where product_id is not null) as product_view_at
        from page_views
        where session_id is not null
        group by session_id
    ),
    -- the checkout is the first 'view_cart' at or after the first 'add': each event knows the
    -- session's first add through a window, then one group per session
    carts as (
        select session_id, min(add_at) as add_at,
               min(event_at) filter (where action = 'view_cart' and event_at >= add_at) as checkout_at
        from (
            select session_id, action, event_at,
                   min(event_at) filter (where action = 'add') over (partition by session_id) as add_at
            from cart_events
            where session_id is not null
        ) as events
        group by session_id
    ),
    ordered as (
        select session_id, min(created_at) as order_at
        from orders
        where session_id is not null
        group by session_id
    )
    insert into rollup_funnel_sessions (session_id, first_seen_at, product_view_at, add_at, checkout_at, order_at)
    select session_id, views.first_seen_at, views.product_view_at, carts.add_at, carts.checkout_at, ordered.order_at
    from views
    full join carts using (session_id)
    full join ordered using (session_id)
    order by session_id;

    create index idx_rollup_funnel_sessions_last_reached on rollup_funnel_sessions (last_reached_at)
        include (first_seen_at, product_view_at, add_at, checkout_at, order_at);
end
$$;

-- rollup_funnel_days from rollup_funnel_sessions (the caller holds the locks).
create function rebuild_funnel_days() returns void
language plpgsql
set work_mem = '256MB'
as $$
begin
    delete from rollup_funnel_days_pending;
    delete from rollup_funnel_days_folded;

    -- funnel_reach() spelt out, per distinct (day of each stage) rather than per session: the
    -- 2 million sessions fall into a few thousand such rows, and expanding each session into its
    -- stages was ten times slower than the whole rest (measured at scale 1)
    insert into rollup_funnel_days_folded (first_day, stage, reach_day, sessions)
    select days.first_day, reach.stage, reach.reach_day, sum(days.sessions)
    from (
        select shop_day(first_seen_at) as first_day,
               shop_day(product_view_at) as product_view_day,
               shop_day(case when add_at is not null then greatest(product_view_at, add_at) end) as add_day,
               shop_day(case when add_at is not null and checkout_at is not null
                             then greatest(product_view_at, add_at, checkout_at) end) as checkout_day,
               shop_day(case when add_at is not null and checkout_at is not null and order_at is not null
                             then greatest(product_view_at, add_at, checkout_at, order_at) end) as order_day,
               count(*) as sessions
        from rollup_funnel_sessions
        where first_seen_at is not null
        group by 1, 2, 3, 4, 5
    ) as days
    cross join lateral (
        values (1, days.first_day), (2, days.product_view_day), (3, days.add_day), (4, days.checkout_day),
               (5, days.order_day)
    ) as reach (stage, reach_day)
    where reach.reach_day is not null
      and (reach.stage = 1 or days.product_view_day is not null)
    group by 1, 2, 3;
end
$$;
