-- conversion_funnel counts one by one an hour's sessions at most, not a day's (issue 7).
--
-- conversion_funnel sums the window's days reached before as_of's day from rollup_funnel_days and
-- counted the sessions reached on as_of's own day one by one, from the index on last_reached_at:
-- up to a whole day's sessions (17,000 at scale 1, 170,000 at scale 10: 100 ms there, its p95
-- target). rollup_funnel_days now also says in which hour each stage was reached (reach_hour, the
-- start of that hour), so the report sums every stage reached before the start of as_of's hour
-- from it, and counts one by one only the sessions reached since: an hour's at most, for "now".
-- (reach_day is now the shop day of reach_hour: the same day, but in a zone whose clocks are not a
-- whole number of hours from UTC's, where an hour may straddle midnight; the report reads hours.)
--
-- A writer appends the same rows as before (a statement's sessions almost always reach their
-- stages within one hour), keyed by the hour as well; the folded table holds more rows (a day's
-- sessions fall in up to 24 hours), and the report sums a few thousand of them for a 30-day window
-- instead of a few hundred.

-- The start of the hour a moment falls in: whole hours from a shop midnight (2000-01-01), so the
-- shop's hours where its clocks are whole hours from UTC's (everywhere but a few zones).
create function shop_hour(moment timestamptz) returns timestamptz
language sql immutable parallel safe
return date_bin(interval '1 hour', moment, timestamp '2000-01-01 00:00' at time zone '${shop_time_zone}');

-- ============================================================
-- TABLES (rebuilt from the sessions below)
-- ============================================================
delete from rollup_funnel_days_pending;
delete from rollup_funnel_days_folded;
alter table rollup_funnel_days_folded drop constraint rollup_funnel_days_folded_pkey;
alter table rollup_funnel_days_folded add column reach_hour timestamptz not null;  -- shop_hour(reach time)
alter table rollup_funnel_days_folded add primary key (first_day, stage, reach_day, reach_hour);
alter table rollup_funnel_days_pending add column reach_hour timestamptz not null;

create or replace view rollup_funnel_days as
select first_day, stage, reach_day, sessions, reach_hour from rollup_funnel_days_folded
union all
select first_day, stage, reach_day, sessions, reach_hour from rollup_funnel_days_pending;

-- ============================================================
-- MAINTENANCE, FOLD, REBUILD: as V6_2 and V8_9, keyed by the hour too
-- ============================================================
create or replace function rollup_funnel_merge(proposal rollup_funnel_sessions[], replace_views boolean,
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

    insert into rollup_funnel_days_pending (first_day, stage, reach_day, reach_hour, sessions)
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

create or replace function fold_funnel_rollups() returns void
language plpgsql as $$
begin
    with moved as (
        delete from rollup_funnel_days_pending returning *
    )
    insert into rollup_funnel_days_folded as rollup (first_day, stage, reach_day, reach_hour, sessions)
    select first_day, stage, reach_day, reach_hour, sum(sessions)
    from moved
    group by first_day, stage, reach_day, reach_hour
    order by first_day, stage, reach_day, reach_hour
    on conflict (first_day, stage, reach_day, reach_hour) do update
        set sessions = rollup.sessions + excluded.sessions;
end
$$;

-- rollup_funnel_days from rollup_funnel_sessions (the caller holds the locks).
create or replace function rebuild_funnel_days() returns void
language plpgsql
set work_mem = '256MB'
as $$
begin
    delete from rollup_funnel_days_pending;
    delete from rollup_funnel_days_folded;

    -- per distinct (hour of each stage), as V8_9 per distinct day; then each stage's row (its day
    -- from its hour: one time zone conversion per row, not per session and stage)
    insert into rollup_funnel_days_folded (first_day, stage, reach_day, reach_hour, sessions)
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
        from rollup_funnel_sessions
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

-- the rows of the hours
select rebuild_funnel_days();
