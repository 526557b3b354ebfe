-- Funnel and cohort rollups: conversion_funnel and retention_cohorts from rollups, exact as of
-- any moment and kept current per write like V6's order rollups (append to <rollup>_pending,
-- fold into <rollup>_folded, read through the view <rollup>).
--
-- CONVERSION FUNNEL
--   A session's place in the funnel is a handful of "first times": its first page view, first
--   product page view, first 'add', first 'view_cart' at or after that add (checkout), first
--   order. Whether it had reached stage k by as_of is then "reach time k <= as_of", where reach
--   time k is the latest of the first times of stages 1..k (a stage counts only after every
--   stage before it). rollup_funnel_sessions holds those first times, one row per session.
--   The shared figures are rollup_funnel_days: sessions per (shop day of the first page view,
--   stage, shop day the stage was reached). A report sums the window's days reached before
--   as_of's day from it, and counts the sessions reached on as_of's own day from
--   rollup_funnel_sessions (index on last_reached_at: the sessions active that day).
--
--   Why a session row is updated in place while shared rows are not: a session is one shopper's,
--   its events come from one browser, so two writers almost never touch the same session row;
--   the day rows are what every writer would share, and those are append-only (pending).
--   A first time is a min(), which a -1 cannot undo (a deleted event may have been the first),
--   and a checkout depends on the first add, which an earlier add arriving late moves. So the
--   session row is locked (select ... for update, in session order) and its new first times are
--   computed from the locked row and the statement's rows (page views: least of both, the
--   ingest's hot path, no raw read), or read again from the raw rows of the session (cart
--   events, orders, any update or delete; idx_cart_session, idx_orders_session). The row's old
--   and new reach times give the -1/+1 appended to rollup_funnel_days_pending.
--
-- RETENTION COHORTS
--   Counted orders are those not cancelled or refunded (current status). Writers only append
--   counted orders per (customer, month) to rollup_customer_months_pending, +1/-1 like V6's
--   order rollup: no reads, no locks (orders of one customer placed concurrently must not
--   wait on one another: they hold stock and coupon locks). A customer's cohort (the month of
--   their first counted order) can move when an order is cancelled or refunded, so the pairs
--   (cohort month, month ordered in) are derived by the one folder: fold_cohort_rollups() folds
--   the pending months and moves each customer it touched from their old pairs to their new
--   ones in rollup_cohort_months_folded (customers per pair; (c, c) is the cohort's size).
--   A report takes those pairs, less the old pairs and plus the current pairs of the few
--   customers with pending rows (cohort_pairs()), so it is exact before any fold.
--   As of as_of: pairs whose activity month is before as_of's month are exact (every order of
--   those months was placed before as_of, and the cohort month is at most the activity month).
--   as_of's own month is the rollup's, less the customers whose counted orders that month all
--   came after as_of (none for the dashboard's "now").

-- The shop month a moment falls in (first day), as shop_day() in V6.
create function shop_month(moment timestamptz) returns date
language sql immutable parallel safe
return date_trunc('month', moment at time zone '${shop_time_zone}')::date;

-- ============================================================
-- FUNNEL: TABLES
-- ============================================================
-- Grain: one row per session seen in page_views, cart_events or orders (session_id not null).
-- First times over all its rows; reached_at: the latest first time of stages 1..k, null if the
-- session has not reached stage k (in every-stage-before order).
create table rollup_funnel_sessions (
    session_id       varchar(100) primary key,
    first_seen_at    timestamptz,   -- min(page_views.viewed_at)
    product_view_at  timestamptz,   -- min(page_views.viewed_at) of product pages
    add_at           timestamptz,   -- min(cart_events.event_at) of 'add'
    checkout_at      timestamptz,   -- min(cart_events.event_at) of 'view_cart' at or after add_at
    order_at         timestamptz,   -- min(orders.created_at), any status
    -- the last stage reached, when: the sessions a report reads for as_of's own day
    last_reached_at  timestamptz generated always as (
        case when first_seen_at is null then null
             when product_view_at is null then first_seen_at
             when add_at is null then product_view_at
             when checkout_at is null then greatest(product_view_at, add_at)
             when order_at is null then greatest(product_view_at, add_at, checkout_at)
             else greatest(product_view_at, add_at, checkout_at, order_at)
        end) stored
);
create index idx_rollup_funnel_sessions_last_reached on rollup_funnel_sessions (last_reached_at);

-- The five reach times of a session (stage 1..5), null where not reached.
create function funnel_reach(first_seen_at timestamptz, product_view_at timestamptz, add_at timestamptz,
                             checkout_at timestamptz, order_at timestamptz) returns timestamptz[]
language sql immutable parallel safe
return array[
    first_seen_at,
    case when first_seen_at is not null then product_view_at end,
    case when first_seen_at is not null then greatest(product_view_at, add_at)
         + case when product_view_at is null or add_at is null then null else interval '0' end end,
    case when first_seen_at is not null then greatest(product_view_at, add_at, checkout_at)
         + case when product_view_at is null or add_at is null or checkout_at is null then null else interval '0' end end,
    case when first_seen_at is not null then greatest(product_view_at, add_at, checkout_at, order_at)
         + case when product_view_at is null or add_at is null or checkout_at is null or order_at is null
                then null else interval '0' end end
];

-- Grain: one row per (shop day of the session's first page view, stage, shop day it reached
-- that stage). A row whose sessions reach 0 stays, with 0.
create table rollup_funnel_days_folded (
    first_day  date not null,       -- shop_day(first_seen_at)
    stage      smallint not null,   -- 1 sessions .. 5 order, as conversion_funnel's step
    reach_day  date not null,       -- shop_day(reach time of the stage)
    sessions   bigint not null,
    primary key (first_day, stage, reach_day)
);
create table rollup_funnel_days_pending (like rollup_funnel_days_folded);
create index idx_rollup_funnel_days_pending_first_day on rollup_funnel_days_pending (first_day);

create view rollup_funnel_days as
select first_day, stage, reach_day, sessions from rollup_funnel_days_folded
union all
select first_day, stage, reach_day, sessions from rollup_funnel_days_pending;

-- ============================================================
-- FUNNEL: MAINTENANCE
-- ============================================================
-- Proposed first times for some sessions. replace_*: the session's view (first_seen_at,
-- product_view_at), cart (add_at, checkout_at) or order (order_at) times are read again from
-- the raw rows, once its row is locked (the proposal then only names the sessions); otherwise
-- the new time is the least of the row's and the proposal's (a null proposal keeps the row's).
-- Sessions without a row get one. Appends the day deltas.
-- (PL/pgSQL for its cached plans, see rollup_orders_apply in V6.)
create function rollup_funnel_merge(proposal rollup_funnel_sessions[], replace_views boolean,
                                    replace_carts boolean, replace_orders boolean) returns void
language plpgsql as $$
declare
    rereading boolean := replace_views or replace_carts or replace_orders;
    created varchar[] := '{}';
    before rollup_funnel_sessions[];
    after rollup_funnel_sessions[] := '{}';
begin
    if rereading then
        -- rows for new sessions, empty: the raw rows are read below, once every row is locked
        insert into rollup_funnel_sessions (session_id)
        select p.session_id from unnest(proposal) p
        order by p.session_id
        on conflict (session_id) do nothing;
    else
        -- new sessions: the proposal is all there is (no row, so no event of theirs before)
        with inserted as (
            insert into rollup_funnel_sessions (session_id, first_seen_at, product_view_at, add_at, checkout_at, order_at)
            select p.session_id, p.first_seen_at, p.product_view_at, p.add_at, p.checkout_at, p.order_at
            from unnest(proposal) p
            order by p.session_id
            on conflict (session_id) do nothing
            returning *
        )
        select coalesce(array_agg(row(inserted.*)::rollup_funnel_sessions), '{}') into after from inserted;
        select coalesce(array_agg(session_id), '{}') into created from unnest(after);
    end if;

    -- existing sessions: lock them in session order (a concurrent writer of the same session
    -- waits here, then reads what the first one committed)
    select coalesce(array_agg(s order by s.session_id), '{}') into before
    from (
        select * from rollup_funnel_sessions
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
               case when replace_carts then p.checkout_at else least(o.checkout_at, p.checkout_at) end as checkout_at,
               case when replace_orders then p.order_at else least(o.order_at, p.order_at) end as order_at
        from unnest(before) o
        join unnest(proposal) p using (session_id)
    ),
    updated as (
        update rollup_funnel_sessions s
        set first_seen_at = c.first_seen_at, product_view_at = c.product_view_at, add_at = c.add_at,
            checkout_at = c.checkout_at, order_at = c.order_at
        from changed c
        where s.session_id = c.session_id
          and (s.first_seen_at, s.product_view_at, s.add_at, s.checkout_at, s.order_at)
              is distinct from (c.first_seen_at, c.product_view_at, c.add_at, c.checkout_at, c.order_at)
        returning s.*
    )
    select after || coalesce(array_agg(row(updated.*)::rollup_funnel_sessions), '{}') into after from updated;

    insert into rollup_funnel_days_pending (first_day, stage, reach_day, sessions)
    select shop_day(delta.first_seen_at), reach.stage, shop_day(reach.reach_at), sum(delta.sign)::bigint
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
    group by 1, 2, 3
    having sum(delta.sign) <> 0;
end
$$;

-- The first times of these sessions as the raw rows hold them now (every column replaced).
create function funnel_sessions_from_raw(sessions varchar[], with_views boolean, with_carts boolean, with_orders boolean)
returns rollup_funnel_sessions[]
language plpgsql stable as $$
begin
    return (
        select coalesce(array_agg(row(s.session_id, v.first_seen_at, v.product_view_at, c.add_at, c.checkout_at,
                                      o.order_at, null)::rollup_funnel_sessions), '{}')
        from unnest(sessions) as s (session_id)
        left join lateral (
            select min(page_views.viewed_at) as first_seen_at,
                   min(page_views.viewed_at) filter (where page_views.product_id is not null) as product_view_at
            from page_views
            where with_views and page_views.session_id = s.session_id
        ) as v on true
        left join lateral (
            select a.add_at,
                   (select min(cart_events.event_at) from cart_events
                    where cart_events.session_id = s.session_id and cart_events.action = 'view_cart'
                      and cart_events.event_at >= a.add_at) as checkout_at
            from (select min(cart_events.event_at) as add_at from cart_events
                  where with_carts and cart_events.session_id = s.session_id and cart_events.action = 'add') as a
        ) as c on true
        left join lateral (
            select min(orders.created_at) as order_at from orders
            where with_orders and orders.session_id = s.session_id
        ) as o on true
    );
end
$$;

-- Sessions by name only, for rollup_funnel_merge to read again.
create function funnel_sessions_named(sessions varchar[]) returns rollup_funnel_sessions[]
language sql immutable parallel safe
return array(select row(s, null, null, null, null, null, null)::rollup_funnel_sessions from unnest(sessions) s);

-- Page views inserted (the ingest's COPY): least of the row's and the statement's first times.
create function page_views_rollups_funnel_inserted() returns trigger
language plpgsql as $$
begin
    perform rollup_funnel_merge(array(
        select row(session_id, min(viewed_at), min(viewed_at) filter (where product_id is not null),
                   null, null, null, null)::rollup_funnel_sessions
        from new_views
        where session_id is not null
        group by session_id), false, false, false);
    return null;
end
$$;

-- Page views changed or deleted: the touched sessions' view times read again.
create function page_views_rollups_funnel_changed() returns trigger
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

-- Cart events, any change: the touched sessions' cart times read again (a late earlier 'add'
-- moves the checkout; the session's few cart events through idx_cart_session).
create function cart_events_rollups_funnel_changed() returns trigger
language plpgsql as $$
declare
    touched varchar[];
begin
    if tg_op = 'INSERT' then
        touched := array(select distinct session_id from new_events where session_id is not null);
    elsif tg_op = 'UPDATE' then
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
create function orders_rollups_funnel_changed() returns trigger
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

create function funnel_rollups_truncated() returns trigger
language plpgsql as $$
begin
    perform rebuild_funnel_rollups();
    return null;
end
$$;

create trigger page_views_rollups_insert after insert on page_views
    referencing new table as new_views
    for each statement execute function page_views_rollups_funnel_inserted();
create trigger page_views_rollups_update after update on page_views
    referencing old table as old_views new table as new_views
    for each statement execute function page_views_rollups_funnel_changed();
create trigger page_views_rollups_delete after delete on page_views
    referencing old table as old_views
    for each statement execute function page_views_rollups_funnel_changed();
create trigger page_views_rollups_truncate after truncate on page_views
    for each statement execute function funnel_rollups_truncated();

create trigger cart_events_rollups_insert after insert on cart_events
    referencing new table as new_events
    for each statement execute function cart_events_rollups_funnel_changed();
create trigger cart_events_rollups_update after update on cart_events
    referencing old table as old_events new table as new_events
    for each statement execute function cart_events_rollups_funnel_changed();
create trigger cart_events_rollups_delete after delete on cart_events
    referencing old table as old_events
    for each statement execute function cart_events_rollups_funnel_changed();
create trigger cart_events_rollups_truncate after truncate on cart_events
    for each statement execute function funnel_rollups_truncated();

create trigger orders_rollups_funnel_insert after insert on orders
    referencing new table as new_orders
    for each statement execute function orders_rollups_funnel_changed();
create trigger orders_rollups_funnel_update after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_rollups_funnel_changed();
create trigger orders_rollups_funnel_delete after delete on orders
    referencing old table as old_orders
    for each statement execute function orders_rollups_funnel_changed();
create trigger orders_rollups_funnel_truncate after truncate on orders
    for each statement execute function funnel_rollups_truncated();

-- ============================================================
-- COHORTS: TABLES
-- ============================================================
-- Grain: one row per (customer, shop month) with counted orders ever: their number (0 once
-- all are cancelled, refunded or deleted; the row stays).
create table rollup_customer_months_folded (
    customer_id  int not null,
    month        date not null,     -- shop_month(orders.created_at)
    orders       bigint not null,   -- counted orders
    primary key (customer_id, month)
);
create table rollup_customer_months_pending (like rollup_customer_months_folded);
create index idx_rollup_customer_months_pending_customer on rollup_customer_months_pending (customer_id);

create view rollup_customer_months as
select customer_id, month, orders from rollup_customer_months_folded
union all
select customer_id, month, orders from rollup_customer_months_pending;

-- Grain: one row per (cohort month, activity month): customers whose first counted order was
-- placed in the cohort month and who had a counted order in the activity month, as of the last
-- fold (rollup_customer_months_folded). Written by the folder and the rebuild only.
create table rollup_cohort_months_folded (
    cohort_month    date not null,   -- shop_month(first counted order)
    activity_month  date not null,   -- shop_month(a counted order)
    customers       bigint not null,
    primary key (cohort_month, activity_month)
);

-- ============================================================
-- COHORTS: MAINTENANCE
-- ============================================================
-- One customer's counted orders in one month.
create type customer_month as (
    customer_id  int,
    month        date,
    orders       bigint
);

-- The (cohort month, activity month) pairs of customers given their counted orders per month
-- (several rows per (customer, month) are summed), one row per customer and month ordered in.
create function cohort_pairs(months customer_month[]) returns table (cohort_month date, activity_month date)
language sql immutable parallel safe
begin atomic
    select min(m.month) over (partition by m.customer_id), m.month
    from (
        select customer_id, month, sum(orders) as orders
        from unnest(months)
        group by customer_id, month
    ) as m
    where m.orders > 0;
end;

-- Orders changed: counted orders per (customer, month), +1 for new rows and -1 for old ones.
create function rollup_cohorts_apply(added orders[], removed orders[]) returns void
language plpgsql as $$
begin
    insert into rollup_customer_months_pending (customer_id, month, orders)
    select customer_id, month, sum(sign)
    from (
        select customer_id, shop_month(created_at) as month, 1 as sign
        from unnest(added) where status not in ('cancelled', 'refunded')
        union all
        select customer_id, shop_month(created_at), -1
        from unnest(removed) where status not in ('cancelled', 'refunded')
    ) as delta
    group by customer_id, month
    having sum(sign) <> 0;
end
$$;

create function orders_rollups_cohorts_changed() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform rollup_cohorts_apply(array(select n::orders from new_orders n), '{}');
    elsif tg_op = 'UPDATE' then
        perform rollup_cohorts_apply(array(select n::orders from new_orders n), array(select o::orders from old_orders o));
    else
        perform rollup_cohorts_apply('{}', array(select o::orders from old_orders o));
    end if;
    return null;
end
$$;

create function orders_rollups_cohorts_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollup_customer_months_folded;
    delete from rollup_customer_months_pending;
    delete from rollup_cohort_months_folded;
    return null;
end
$$;

create trigger orders_rollups_cohorts_insert after insert on orders
    referencing new table as new_orders
    for each statement execute function orders_rollups_cohorts_changed();
create trigger orders_rollups_cohorts_update after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_rollups_cohorts_changed();
create trigger orders_rollups_cohorts_delete after delete on orders
    referencing old table as old_orders
    for each statement execute function orders_rollups_cohorts_changed();
create trigger orders_rollups_cohorts_truncate after truncate on orders
    for each statement execute function orders_rollups_cohorts_truncated();

-- ============================================================
-- FOLD, REBUILD
-- ============================================================
create function fold_funnel_rollups() returns void
language plpgsql as $$
begin
    with moved as (
        delete from rollup_funnel_days_pending returning *
    )
    insert into rollup_funnel_days_folded as rollup (first_day, stage, reach_day, sessions)
    select first_day, stage, reach_day, sum(sessions)
    from moved
    group by first_day, stage, reach_day
    order by first_day, stage, reach_day
    on conflict (first_day, stage, reach_day) do update
        set sessions = rollup.sessions + excluded.sessions;
end
$$;

-- Folds the pending customer months and moves every customer they touch from their pairs
-- before to their pairs after. One folder at a time (fold_rollups()), so nothing moves under it.
create function fold_cohort_rollups() returns void
language plpgsql as $$
declare
    moved customer_month[];
    touched int[];
    before customer_month[];
begin
    with deleted as (
        delete from rollup_customer_months_pending returning *
    )
    select coalesce(array_agg(row(customer_id, month, orders)::customer_month), '{}') into moved from deleted;
    touched := array(select distinct customer_id from unnest(moved));
    before := array(select row(customer_id, month, orders)::customer_month
                    from rollup_customer_months_folded where customer_id = any (touched));

    insert into rollup_customer_months_folded as rollup (customer_id, month, orders)
    select customer_id, month, sum(orders)
    from unnest(moved)
    group by customer_id, month
    order by customer_id, month
    on conflict (customer_id, month) do update
        set orders = rollup.orders + excluded.orders;

    insert into rollup_cohort_months_folded as rollup (cohort_month, activity_month, customers)
    select cohort_month, activity_month, sum(sign)
    from (
        select cohort_month, activity_month, 1 as sign
        from cohort_pairs(before || moved)
        union all
        select cohort_month, activity_month, -1
        from cohort_pairs(before)
    ) as delta
    group by 1, 2
    having sum(sign) <> 0
    order by 1, 2
    on conflict (cohort_month, activity_month) do update
        set customers = rollup.customers + excluded.customers;
end
$$;

-- One pass over each source table, grouped by session: 5 million page views at scale 1, so
-- the largest rebuild of all (work_mem so that its 2 million sessions are grouped in memory).
-- Sessions are inserted in session order (appends to the primary key). The session table is
-- emptied with truncate, not delete: inserting 2 million rows over 2 million deleted ones with
-- the same keys made every primary key insert visit the dead row (minutes at scale 1), and a
-- table truncated in the same transaction is written without WAL. The price: a report reading
-- it waits for the rebuild's commit (truncate's exclusive lock) instead of reading the old rows.
create function rebuild_funnel_rollups() returns void
language plpgsql
set work_mem = '256MB'
as $$
begin
    lock table page_views, cart_events, orders in share row exclusive mode;

    delete from rollup_funnel_days_pending;
    delete from rollup_funnel_days_folded;
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
    ),
    sessions as (
        insert into rollup_funnel_sessions (session_id, first_seen_at, product_view_at, add_at, checkout_at, order_at)
        select session_id, views.first_seen_at, views.product_view_at, carts.add_at, carts.checkout_at, ordered.order_at
        from views
        full join carts using (session_id)
        full join ordered using (session_id)
        order by session_id
        returning *
    )
    -- funnel_reach() spelt out: plain expressions cost a fraction of an array per session
    insert into rollup_funnel_days_folded (first_day, stage, reach_day, sessions)
    select shop_day(sessions.first_seen_at), reach.stage, shop_day(reach.reach_at), count(*)
    from sessions
    cross join lateral (
        values
            (1, sessions.first_seen_at),
            (2, sessions.product_view_at),
            (3, case when sessions.add_at is not null
                     then greatest(sessions.product_view_at, sessions.add_at) end),
            (4, case when sessions.add_at is not null and sessions.checkout_at is not null
                     then greatest(sessions.product_view_at, sessions.add_at, sessions.checkout_at) end),
            (5, case when sessions.add_at is not null and sessions.checkout_at is not null and sessions.order_at is not null
                     then greatest(sessions.product_view_at, sessions.add_at, sessions.checkout_at, sessions.order_at) end)
    ) as reach (stage, reach_at)
    where sessions.first_seen_at is not null
      and reach.reach_at is not null
      and (reach.stage = 1 or sessions.product_view_at is not null)
    group by 1, 2, 3;

    create index idx_rollup_funnel_sessions_last_reached on rollup_funnel_sessions (last_reached_at);
end
$$;

create function rebuild_cohort_rollups() returns void
language plpgsql
set work_mem = '256MB'
as $$
begin
    lock table orders in share row exclusive mode;

    delete from rollup_customer_months_pending;
    delete from rollup_customer_months_folded;
    delete from rollup_cohort_months_folded;

    insert into rollup_customer_months_folded (customer_id, month, orders)
    select customer_id, shop_month(created_at), count(*)
    from orders
    where status not in ('cancelled', 'refunded')
    group by 1, 2;

    with cohorts as (
        select customer_id, min(month) as cohort_month
        from rollup_customer_months_folded
        group by customer_id
    )
    insert into rollup_cohort_months_folded (cohort_month, activity_month, customers)
    select cohorts.cohort_month, customer_months.month, count(*)
    from rollup_customer_months_folded customer_months
    join cohorts using (customer_id)
    group by 1, 2;
end
$$;
