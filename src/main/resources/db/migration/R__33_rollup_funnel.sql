-- The funnel family: conversion_funnel from rollups.funnel_sessions and rollups.funnel_days,
-- exact as of any moment.
--
-- A session's place in the funnel is a handful of "first times": its first page view, first
-- product page view, first 'add', first checkout started (a page view of /checkout, with or
-- without a query string, or a cart event 'begin_checkout': funnel_checkout_page()), first
-- order. Whether it had reached stage k by as_of is then "reach time k <= as_of", where reach
-- time k is the latest of the first times of stages 1..k (a stage counts only after every
-- stage before it). rollups.funnel_sessions holds those first times, one row per session, and the
-- session's landing (the channel and device of its first page view, session_landing(),
-- R__44_order_facets.sql), which the funnel's filters read (R__52_rollup_funnel_traffic.sql).
-- The shared figures are rollups.funnel_days: sessions per (shop day of the first page view,
-- stage, shop day and shop hour the stage was reached). A report sums every stage reached
-- before the start of as_of's hour from it, and counts one by one only the sessions reached
-- since, from rollups.funnel_sessions (index on last_reached_at): an hour's at most, for "now".
-- Kept per day only, a day's sessions were counted one by one (17,000 at scale 1, 170,000 at
-- scale 10: 100 ms there, the report's p95 target). The folded table holds more rows by the
-- hour (a day's sessions fall in up to 24 hours), and the report sums a few thousand of them
-- for a 30-day window instead of a few hundred. (reach_day is the shop day of reach_hour: the
-- same day, but in a zone whose clocks are not a whole number of hours from UTC's, where an
-- hour may straddle midnight; the report reads hours.)
--
-- Why a session row is updated in place while shared rows are not: a session is one shopper's,
-- its events come from one browser, so two writers almost never touch the same session row;
-- the day rows are what every writer would share, and those are append-only (pending).
-- A first time is a min(), which a -1 cannot undo (a deleted event may have been the first).
-- So the session row is locked (select ... for update, in session order) and its new first
-- times are computed from the locked row and the statement's rows (page views and cart events
-- inserted: least of both, the ingest's hot path, no raw read), or read again from the raw
-- rows of the session (orders, any update or delete; idx_pageviews_session, idx_cart_session,
-- idx_orders_session). The checkout's first time is the least of two tables' (a /checkout page
-- view, a 'begin_checkout' event), so re-reading either table re-reads both for it. The row's
-- old and new reach times give the -1/+1 appended to rollups.funnel_days_pending.
-- (Checkout started used to be a 'view_cart' at or after the first add; it does not depend on
-- the add any more: a /checkout view before any add reaches the stage when the add comes, by
-- the reach-time rule, like any stage reached out of order.)
--
-- The generator writes rollups.funnel_sessions itself as it writes each session's events (it has
-- the session's first times in hand; reading five million page views and a million cart events
-- back was two thirds of the load's rollup rebuild): after a load only the days are derived. So the
-- two halves are two families, rebuilt in this order by name: funnel (rebuild_funnel_rollups(): the
-- sessions from the raw rows) and funnel_days (rebuild_funnel_days_rollups(): the days from the
-- sessions), and a rebuild after a load leaves out the first (on a Citus cluster too, where reading
-- the page views back through the coordinator was a third of the load's rebuild).

-- ============================================================
-- SESSIONS AND DAYS
-- ============================================================
-- What reports read: sum by key.
create or replace view rollups.funnel_days as
select first_day, stage, reach_day, sessions, reach_hour from rollups.funnel_days_folded
union all
select first_day, stage, reach_day, sessions, reach_hour from rollups.funnel_days_pending;

-- The funnel's checkout page: /checkout, with or without a query string (/checkout?step=payment),
-- not other paths under it. A page view of it is a checkout started, as is a cart event
-- 'begin_checkout' (the ingest API's, for a shop whose checkout is not a page of its own).
create or replace function funnel_checkout_page(page_url text) returns boolean
language sql immutable parallel safe
return page_url = '/checkout' or page_url like '/checkout?%';

-- The five reach times of a session (stage 1..5), null where not reached. Each stage's time is the
-- latest of its stages' first times, null unless all of them are there. Written with immutable
-- operators only, so PostgreSQL inlines it into the calling query: a body that adds an interval to
-- a timestamptz (stable) is not inlined into an immutable function's callers, and each call then
-- runs as a query of its own (the reach of a scale-1 shop's 1.97 million sessions: 24.8 s called,
-- 1.1 s inlined).
create or replace function funnel_reach(first_seen_at timestamptz, product_view_at timestamptz, add_at timestamptz,
                             checkout_at timestamptz, order_at timestamptz) returns timestamptz[]
language sql immutable parallel safe
return array[
    first_seen_at,
    case when first_seen_at is not null then product_view_at end,
    case when first_seen_at is not null and product_view_at is not null and add_at is not null
         then greatest(product_view_at, add_at) end,
    case when first_seen_at is not null and product_view_at is not null and add_at is not null
              and checkout_at is not null
         then greatest(product_view_at, add_at, checkout_at) end,
    case when first_seen_at is not null and product_view_at is not null and add_at is not null
              and checkout_at is not null and order_at is not null
         then greatest(product_view_at, add_at, checkout_at, order_at) end
];

-- The first times of these sessions as the raw rows hold them now (the columns of the tables
-- named: views first_seen_at, product_view_at and the landing, carts add_at, orders order_at;
-- checkout_at, from views and carts, when either is named).
create or replace function funnel_sessions_from_raw(sessions varchar[], with_views boolean, with_carts boolean, with_orders boolean)
returns rollups.funnel_sessions[]
language plpgsql stable as $$
begin
    return (
        select coalesce(array_agg(row(s.session_id, v.first_seen_at, v.product_view_at, c.add_at,
                                      least(v.checkout_at, c.checkout_at), o.order_at, null,
                                      l.channel, l.device)::rollups.funnel_sessions), '{}')
        from unnest(sessions) as s (session_id)
        left join lateral (
            select min(page_views.viewed_at) as first_seen_at,
                   min(page_views.viewed_at) filter (where page_views.product_id is not null) as product_view_at,
                   min(page_views.viewed_at) filter (where funnel_checkout_page(page_views.page_url)) as checkout_at
            from page_views
            where (with_views or with_carts) and page_views.session_id = s.session_id
        ) as v on true
        left join lateral (
            select landing.channel, landing.device from session_landing(s.session_id) as landing
            where with_views or with_carts
        ) as l on true
        left join lateral (
            select min(cart_events.event_at) filter (where cart_events.action = 'add') as add_at,
                   min(cart_events.event_at) filter (where cart_events.action = 'begin_checkout') as checkout_at
            from cart_events
            where (with_views or with_carts) and cart_events.session_id = s.session_id
        ) as c on true
        left join lateral (
            select min(orders.created_at) as order_at from orders
            where with_orders and orders.session_id = s.session_id
        ) as o on true
    );
end
$$;

-- Sessions by name only, for rollup_funnel_merge to read again.
create or replace function funnel_sessions_named(sessions varchar[]) returns rollups.funnel_sessions[]
language sql immutable parallel safe
return array(select row(s, null, null, null, null, null, null, null, null)::rollups.funnel_sessions from unnest(sessions) s);

-- ============================================================
-- MAINTENANCE
-- ============================================================
-- Proposed first times for some sessions. replace_*: the session's view (first_seen_at,
-- product_view_at), cart (add_at) or order (order_at) times are read again from the raw rows,
-- once its row is locked (the proposal then only names the sessions), and its checkout_at with
-- either of the first two; otherwise
-- the new time is the least of the row's and the proposal's (a null proposal keeps the row's).
-- The landing (landing_channel, landing_device: session_landing(), R__44_order_facets.sql) goes
-- with the first page view: read again with the view times; else the proposal's when its first
-- page view is earlier than the row's (a late page view with an earlier time moves the landing),
-- the row's when later, and looked up when both are the same moment (the first view is then the
-- one with the lowest view_id, which the proposal does not carry).
-- Sessions without a row get one. Appends the hour deltas.
-- (PL/pgSQL for its cached plans, see rollup_orders_apply().)
create or replace function rollup_funnel_merge(proposal rollups.funnel_sessions[], replace_views boolean,
                                    replace_carts boolean, replace_orders boolean) returns void
language plpgsql as $$
declare
    rereading boolean := replace_views or replace_carts or replace_orders;
    created varchar[] := '{}';
    before rollups.funnel_sessions[];
    after rollups.funnel_sessions[] := '{}';
begin
    if rereading then
        -- rows for new sessions, empty: the raw rows are read below, once every row is locked
        insert into rollups.funnel_sessions (session_id)
        select p.session_id from unnest(proposal) p
        order by p.session_id
        on conflict (session_id) do nothing;
    else
        -- new sessions: the proposal is all there is (no row, so no event of theirs before)
        with inserted as (
            insert into rollups.funnel_sessions (session_id, first_seen_at, product_view_at, add_at, checkout_at, order_at,
                                                 landing_channel, landing_device)
            select p.session_id, p.first_seen_at, p.product_view_at, p.add_at, p.checkout_at, p.order_at,
                   p.landing_channel, p.landing_device
            from unnest(proposal) p
            order by p.session_id
            on conflict (session_id) do nothing
            returning *
        )
        select coalesce(array_agg(row(inserted.*)::rollups.funnel_sessions), '{}') into after from inserted;
        select coalesce(array_agg(session_id), '{}') into created from unnest(after);
    end if;

    -- existing sessions: lock them in session order (a concurrent writer of the same session
    -- waits here, then reads what the first one committed)
    select coalesce(array_agg(s order by s.session_id), '{}') into before
    from (
        select * from rollups.funnel_sessions
        where session_id = any (array(select p.session_id from unnest(proposal) p))
          and not session_id = any (created)
        order by session_id
        for update
    ) as s;

    if rereading then
        -- after the lock: a writer of the same session that went first has committed its rows
        proposal := funnel_sessions_from_raw(array(select b.session_id from unnest(before) b),
                                             replace_views, replace_carts, replace_orders);
    end if;

    with changed as (
        select o.session_id,
               case when replace_views then p.first_seen_at else least(o.first_seen_at, p.first_seen_at) end as first_seen_at,
               case when replace_views then p.product_view_at else least(o.product_view_at, p.product_view_at) end as product_view_at,
               case when replace_carts then p.add_at else least(o.add_at, p.add_at) end as add_at,
               case when replace_views or replace_carts then p.checkout_at
                    else least(o.checkout_at, p.checkout_at) end as checkout_at,
               case when replace_orders then p.order_at else least(o.order_at, p.order_at) end as order_at,
               case when replace_views then p.landing_channel
                    when p.first_seen_at is null then o.landing_channel
                    when o.first_seen_at is null or p.first_seen_at < o.first_seen_at then p.landing_channel
                    when p.first_seen_at = o.first_seen_at then tie.landing[1]
                    else o.landing_channel end as landing_channel,
               case when replace_views then p.landing_device
                    when p.first_seen_at is null then o.landing_device
                    when o.first_seen_at is null or p.first_seen_at < o.first_seen_at then p.landing_device
                    when p.first_seen_at = o.first_seen_at then tie.landing[2]
                    else o.landing_device end as landing_device
        from unnest(before) o
        join unnest(proposal) p using (session_id)
        -- a first page view at the row's first time: which of them is first, from the raw rows (only
        -- then: a condition beside the lookup was a join filter after it, a probe per session)
        cross join lateral (
            select case when not replace_views and p.first_seen_at = o.first_seen_at
                        then (select array[l.channel, l.device] from session_landing(o.session_id) as l) end as landing
            offset 0
        ) as tie
    ),
    updated as (
        update rollups.funnel_sessions s
        set first_seen_at = c.first_seen_at, product_view_at = c.product_view_at, add_at = c.add_at,
            checkout_at = c.checkout_at, order_at = c.order_at, landing_channel = c.landing_channel,
            landing_device = c.landing_device
        from changed c
        where s.session_id = c.session_id
          and (s.first_seen_at, s.product_view_at, s.add_at, s.checkout_at, s.order_at, s.landing_channel, s.landing_device)
              is distinct from (c.first_seen_at, c.product_view_at, c.add_at, c.checkout_at, c.order_at, c.landing_channel,
                                c.landing_device)
        returning s.*
    )
    select after || coalesce(array_agg(row(updated.*)::rollups.funnel_sessions), '{}') into after from updated;

    insert into rollups.funnel_days_pending (first_day, stage, reach_day, reach_hour, sessions)
    select shop_day(delta.first_seen_at), reach.stage, shop_day(shop_hour(reach.reach_at)), shop_hour(reach.reach_at),
           sum(delta.sign)::bigint
    from (
        select a.*, 1 as sign from unnest(after) a
        union all
        select b.*, -1 from unnest(before) b
        where b.session_id = any (array(select a.session_id from unnest(after) a))
    ) as delta
    cross join lateral unnest(funnel_reach(delta.first_seen_at, delta.product_view_at, delta.add_at,
                                           delta.checkout_at, delta.order_at))
                       with ordinality as reach (reach_at, stage)
    where reach.reach_at is not null
    group by 1, 2, 3, 4
    having sum(delta.sign) <> 0;
end
$$;

-- Page views inserted (the ingest's COPY): least of the row's and the statement's first times, and
-- the landing of the statement's first view of each session (by viewed_at, then view_id; its
-- channel computed for that view only).
create or replace function page_views_rollups_funnel_inserted() returns trigger
language plpgsql as $$
begin
    perform rollup_funnel_merge(array(
        select row(v.session_id, v.first_seen_at, v.product_view_at, null, v.checkout_at, null, null,
                   order_channel(v.landing_referrer), v.landing_device)::rollups.funnel_sessions
        from (
            select session_id, min(viewed_at) as first_seen_at,
                   min(viewed_at) filter (where product_id is not null) as product_view_at,
                   min(viewed_at) filter (where funnel_checkout_page(page_url)) as checkout_at,
                   (array_agg(referrer order by viewed_at, view_id))[1] as landing_referrer,
                   (array_agg(coalesce(device_type::text, 'unknown') order by viewed_at, view_id))[1] as landing_device
            from new_views
            where session_id is not null
            group by session_id
        ) as v), false, false, false);
    return null;
end
$$;

-- Page views changed or deleted: the touched sessions' view times read again.
create or replace function page_views_rollups_funnel_changed() returns trigger
language plpgsql as $$
declare
    touched varchar[];
begin
    if tg_op = 'UPDATE' then
        touched := array(select session_id from new_views where session_id is not null
                         union select session_id from old_views where session_id is not null);
    else
        touched := array(select distinct session_id from old_views where session_id is not null);
    end if;
    perform rollup_funnel_merge(funnel_sessions_named(touched), true, false, false);
    return null;
end
$$;

-- Cart events inserted (the ingest's COPY): least of the row's and the statement's first times,
-- as for page views (no first time depends on another any more).
create or replace function cart_events_rollups_funnel_inserted() returns trigger
language plpgsql as $$
begin
    perform rollup_funnel_merge(array(
        select row(session_id, null, null, min(event_at) filter (where action = 'add'),
                   min(event_at) filter (where action = 'begin_checkout'), null, null, null, null)::rollups.funnel_sessions
        from new_events
        where session_id is not null
        group by session_id), false, false, false);
    return null;
end
$$;

-- Cart events changed or deleted: the touched sessions' cart times read again (a deleted event
-- may have been a first; the session's few cart events through idx_cart_session).
create or replace function cart_events_rollups_funnel_changed() returns trigger
language plpgsql as $$
declare
    touched varchar[];
begin
    if tg_op = 'UPDATE' then
        touched := array(select session_id from new_events where session_id is not null
                         union select session_id from old_events where session_id is not null);
    else
        touched := array(select distinct session_id from old_events where session_id is not null);
    end if;
    perform rollup_funnel_merge(funnel_sessions_named(touched), false, true, false);
    return null;
end
$$;

-- Orders with a session: that session's first order read again (only status changes, the usual
-- update, touch no session).
create or replace function orders_rollups_funnel_changed() returns trigger
language plpgsql as $$
declare
    touched varchar[];
begin
    if tg_op = 'INSERT' then
        touched := array(select distinct session_id from new_orders where session_id is not null);
    elsif tg_op = 'UPDATE' then
        touched := array(
            select unnest(array[n.session_id, o.session_id])
            from new_orders n
            join old_orders o using (order_id)
            where (n.session_id, n.created_at) is distinct from (o.session_id, o.created_at)
            except select null);
    else
        touched := array(select distinct session_id from old_orders where session_id is not null);
    end if;
    if cardinality(touched) > 0 then
        perform rollup_funnel_merge(funnel_sessions_named(touched), false, false, true);
    end if;
    return null;
end
$$;

create or replace function funnel_rollups_truncated() returns trigger
language plpgsql as $$
begin
    perform rebuild_funnel_rollups();
    perform rebuild_funnel_days_rollups();
    return null;
end
$$;

create or replace trigger page_views_rollups_insert after insert on page_views
    referencing new table as new_views
    for each statement execute function page_views_rollups_funnel_inserted();

create or replace trigger page_views_rollups_update after update on page_views
    referencing old table as old_views new table as new_views
    for each statement execute function page_views_rollups_funnel_changed();

create or replace trigger page_views_rollups_delete after delete on page_views
    referencing old table as old_views
    for each statement execute function page_views_rollups_funnel_changed();

create or replace trigger page_views_rollups_truncate after truncate on page_views
    for each statement execute function funnel_rollups_truncated();

create or replace trigger cart_events_rollups_insert after insert on cart_events
    referencing new table as new_events
    for each statement execute function cart_events_rollups_funnel_inserted();

create or replace trigger cart_events_rollups_update after update on cart_events
    referencing old table as old_events new table as new_events
    for each statement execute function cart_events_rollups_funnel_changed();

create or replace trigger cart_events_rollups_delete after delete on cart_events
    referencing old table as old_events
    for each statement execute function cart_events_rollups_funnel_changed();

create or replace trigger cart_events_rollups_truncate after truncate on cart_events
    for each statement execute function funnel_rollups_truncated();

create or replace trigger orders_rollups_funnel_insert after insert on orders
    referencing new table as new_orders
    for each statement execute function orders_rollups_funnel_changed();

create or replace trigger orders_rollups_funnel_update after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_rollups_funnel_changed();

create or replace trigger orders_rollups_funnel_delete after delete on orders
    referencing old table as old_orders
    for each statement execute function orders_rollups_funnel_changed();

create or replace trigger orders_rollups_funnel_truncate after truncate on orders
    for each statement execute function funnel_rollups_truncated();

-- ============================================================
-- FOLD
-- ============================================================
drop function if exists fold_funnel_rollups(); -- the days' fold, named for their family
create or replace function fold_funnel_days_rollups() returns void
language plpgsql as $$
begin
    with moved as (
        delete from rollups.funnel_days_pending returning *
    )
    insert into rollups.funnel_days_folded as rollup (first_day, stage, reach_day, reach_hour, sessions)
    select first_day, stage, reach_day, reach_hour, sum(sessions)
    from moved
    group by first_day, stage, reach_day, reach_hour
    order by first_day, stage, reach_day, reach_hour
    on conflict (first_day, stage, reach_day, reach_hour) do update
        set sessions = rollup.sessions + excluded.sessions;
end
$$;

-- ============================================================
-- REBUILD
-- ============================================================
-- The sessions from the raw rows (the family funnel); their days are the next family's.
create or replace function rebuild_funnel_rollups() returns void
language plpgsql as $$
begin
    perform lock_for_rebuild('funnel', array['page_views', 'cart_events', 'orders']);
    perform rebuild_funnel_sessions();
end
$$;

-- The days from the sessions (the family funnel_days), after them: the sessions' sources are held
-- against writers as for the sessions, which their triggers keep from those rows.
create or replace function rebuild_funnel_days_rollups() returns void
language plpgsql as $$
begin
    perform lock_for_rebuild('funnel_days', array['page_views', 'cart_events', 'orders']);
    perform rebuild_funnel_days();
end
$$;

-- rollups.funnel_sessions from the raw rows (the caller holds the locks). One pass over each
-- source table, grouped by session: 5 million page views at scale 1, so the largest rebuild of
-- all (work_mem so that its 2 million sessions are grouped in memory). Sessions are inserted in
-- session order (appends to the primary key). The session table is emptied with truncate, not
-- delete: inserting 2 million rows over 2 million deleted ones with the same keys made every
-- primary key insert visit the dead row (minutes at scale 1), and a table truncated in the same
-- transaction is written without WAL. The price: a report reading it waits for the rebuild's
-- commit (truncate's exclusive lock) instead of reading the old rows.
create or replace function rebuild_funnel_sessions() returns void
language plpgsql
set work_mem = '256MB'
as $$
begin
    truncate rollups.funnel_sessions;
    -- built once after the insert: 2 million sessions inserted in session order into an index on
    -- their reach times cost more than twice the rest of the insert (measured at scale 1); the index
    -- on the first hour too, since it holds the first times and the landing
    drop index rollups.idx_rollup_funnel_sessions_last_reached;
    drop index rollups.idx_rollup_funnel_sessions_first_seen;

    with views as (
        select session_id, min(viewed_at) as first_seen_at,
               min(viewed_at) filter (where product_id is not null) as product_view_at,
               min(viewed_at) filter (where funnel_checkout_page(page_url)) as checkout_at
        from page_views
        where session_id is not null
        group by session_id
    ),
    carts as (
        select session_id, min(event_at) filter (where action = 'add') as add_at,
               min(event_at) filter (where action = 'begin_checkout') as checkout_at
        from cart_events
        where session_id is not null
        group by session_id
    ),
    ordered as (
        select session_id, min(created_at) as order_at
        from orders
        where session_id is not null
        group by session_id
    ),
    -- the landings: each session's first page view (session_landing()'s row) in one pass in session
    -- order, and the channel of each distinct referrer once, not of each session
    first_views as (
        select distinct on (session_id) session_id, referrer, coalesce(device_type::text, 'unknown') as device
        from page_views
        where session_id is not null
        order by session_id, viewed_at, view_id
    ),
    channels as (
        select referrer, order_channel(referrer) as channel
        from (select distinct referrer from first_views) as referrers
    ),
    landings as (
        select f.session_id, coalesce(c.channel, order_channel(null)) as channel, f.device
        from first_views f
        left join channels c on c.referrer = f.referrer
    )
    insert into rollups.funnel_sessions (session_id, first_seen_at, product_view_at, add_at, checkout_at, order_at,
                                         landing_channel, landing_device)
    select session_id, views.first_seen_at, views.product_view_at, carts.add_at,
           least(views.checkout_at, carts.checkout_at), ordered.order_at, landings.channel, landings.device
    from views
    left join landings using (session_id)
    full join carts using (session_id)
    full join ordered using (session_id)
    order by session_id;

    create index idx_rollup_funnel_sessions_last_reached on rollups.funnel_sessions (last_reached_at)
        include (first_seen_at, product_view_at, add_at, checkout_at, order_at, landing_channel, landing_device);
    create index idx_rollup_funnel_sessions_first_seen on rollups.funnel_sessions (shop_hour(first_seen_at), first_seen_at)
        include (product_view_at, add_at, checkout_at, order_at, landing_channel, landing_device);
end
$$;

-- rollups.funnel_days from rollups.funnel_sessions (the caller holds the locks).
create or replace function rebuild_funnel_days() returns void
language plpgsql
set work_mem = '256MB'
as $$
begin
    delete from rollups.funnel_days_pending;
    delete from rollups.funnel_days_folded;

    -- per distinct (hour of each stage); then each stage's row (its day
    -- from its hour: one time zone conversion per row, not per session and stage)
    insert into rollups.funnel_days_folded (first_day, stage, reach_day, reach_hour, sessions)
    select hours.first_day, reach.stage, shop_day(reach.reach_hour), reach.reach_hour, sum(hours.sessions)
    from (
        select shop_day(first_seen_at) as first_day,
               shop_hour(first_seen_at) as first_hour,
               shop_hour(product_view_at) as product_view_hour,
               shop_hour(case when add_at is not null then greatest(product_view_at, add_at) end) as add_hour,
               shop_hour(case when add_at is not null and checkout_at is not null
                              then greatest(product_view_at, add_at, checkout_at) end) as checkout_hour,
               shop_hour(case when add_at is not null and checkout_at is not null and order_at is not null
                              then greatest(product_view_at, add_at, checkout_at, order_at) end) as order_hour,
               count(*) as sessions
        from rollups.funnel_sessions
        where first_seen_at is not null
        group by 1, 2, 3, 4, 5, 6
    ) as hours
    cross join lateral (
        values (1, hours.first_hour), (2, hours.product_view_hour), (3, hours.add_hour), (4, hours.checkout_hour),
               (5, hours.order_hour)
    ) as reach (stage, reach_hour)
    where reach.reach_hour is not null
      and (reach.stage = 1 or hours.product_view_hour is not null)
    group by 1, 2, 3, 4;
end
$$;
