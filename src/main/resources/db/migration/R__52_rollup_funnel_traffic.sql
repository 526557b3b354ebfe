-- The funnel_traffic rollup family: conversion_funnel's stages per shop hour of the sessions' first
-- page views, keyed by their landing's channel and device (session_landing(), R__44_order_facets.sql,
-- the order filters' definition), for the funnel with filters (docs/filters.md). Read by
-- funnel_traffic_stage_sums(), which the report calls only with a filter.
--
-- How the hours stay exact: an hour's rows are computed from the sessions (rollups.funnel_sessions,
-- kept by R__33_rollup_funnel.sql, with their landings), never added to. Every write that can change
-- an hour's figures appends that hour to rollups.funnel_traffic_marks from a statement trigger (one
-- insert per statement, no row updated: writers never wait on one another):
--   funnel_sessions written    the hours of the old and new first page views of the sessions whose
--                              first times changed (every funnel write reaches the raw tables
--                              through them: page views, cart events, orders)
--   page_views written         the hours of the views written (a view that becomes its session's
--                              landing without changing its first time, when two views share it,
--                              changes the session's landing_channel and landing_device, which
--                              marks the hour above too)
-- The fold moves the marks to rollups.funnel_traffic_dirty_hours and computes the dirty hours that
-- have ended again. A report reads an hour from the rollup only when it is neither marked nor dirty
-- in its own snapshot; the sessions of every other hour of its window it reads from
-- rollups.funnel_sessions (the index on their first hour holds their first times and landing). The
-- marks are deleted by the fold in one statement and the hours computed in a later one, so a write
-- committed between them is in the hours computed and its mark stays for the next fold.
-- On a Citus cluster the rollup is not kept (the fold drops the marks, the rebuild leaves it empty):
-- the filtered funnel reads every session of its window from rollups.funnel_sessions there (not run
-- on a cluster).

-- The rollup rows of the sessions first seen in the given shop hours (every hour when null: the
-- rebuild's), from rollups.funnel_sessions and the landings kept on them: each cut's sums. Sessions
-- are counted per distinct landing and hour of each stage first, then each stage's row is taken from
-- those (as rebuild_funnel_days() does: one time zone conversion per stage and session, not per
-- grouping). The landings were looked up here once per session (their first page views: 5.5 s of
-- a rebuild at scale 1 by index probes, or a pass over page_views in session order, most of the
-- traffic hours' 18 s of a scale-1 generate).
create or replace function funnel_traffic_hour_rows(hours timestamptz[])
returns setof rollups.funnel_traffic_hours
language sql stable as $$
    with session_hours as (
        select s.landing_channel as channel, s.landing_device as device, shop_hour(s.first_seen_at) as first_hour,
               shop_hour(r.reach[2]) as product_view_hour, shop_hour(r.reach[3]) as add_hour,
               shop_hour(r.reach[4]) as checkout_hour, shop_hour(r.reach[5]) as order_hour,
               count(*) as sessions
        from rollups.funnel_sessions s
        -- once per session (offset 0): flattened, the reach was computed again for each of its four
        -- uses, 40 of the 56 s of a rebuild at scale 1
        cross join lateral (
            select funnel_reach(s.first_seen_at, s.product_view_at, s.add_at, s.checkout_at, s.order_at) as reach
            offset 0
        ) as r
        where s.first_seen_at is not null
          and (hours is null or shop_hour(s.first_seen_at) = any (hours))
        group by 1, 2, 3, 4, 5, 6, 7
    )
    select
        case when grouping(h.channel) = 1 then '*' else h.channel end,
        case when grouping(h.device) = 1 then '*' else h.device end,
        h.first_hour,
        reach.stage::smallint,
        reach.reach_hour,
        sum(h.sessions)::bigint
    from session_hours h
    cross join lateral (
        values (1, h.first_hour), (2, h.product_view_hour), (3, h.add_hour), (4, h.checkout_hour), (5, h.order_hour)
    ) as reach (stage, reach_hour)
    where reach.reach_hour is not null
    group by grouping sets (
        (h.first_hour, h.channel, h.device, reach.stage, reach.reach_hour),
        (h.first_hour, h.channel, reach.stage, reach.reach_hour),
        (h.first_hour, h.device, reach.stage, reach.reach_hour)
    )
$$;

drop function if exists funnel_traffic_every_hour_rows();

-- Whether a session's landing has the channel and device named ('' for a filter not given): the
-- reference SQL's filter. A plpgsql function rather than a subquery in the reference, as
-- order_in_filters() is, so that a Citus coordinator plans it without filters as before.
create or replace function session_in_filters(session_id varchar, channel text, device text) returns boolean
language plpgsql stable as $$
begin
    if channel = '' and device = '' then
        return true;
    end if;
    return exists (
        select 1
        from session_landing(session_in_filters.session_id) as l
        where (session_in_filters.channel = '' or l.channel = session_in_filters.channel)
          and (session_in_filters.device = '' or l.device = session_in_filters.device));
end
$$;

-- Appends hours to the marks (null and repeated hours dropped).
create or replace function funnel_traffic_mark(hours timestamptz[]) returns void
language plpgsql as $$
begin
    insert into rollups.funnel_traffic_marks (hour)
    select distinct h from unnest(hours) as h where h is not null;
end
$$;

-- ============================================================
-- TRIGGERS
-- ============================================================
-- Sessions written by the funnel's maintenance: the hours of their first page views, before and after.
create or replace function funnel_sessions_rollups_traffic_written() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform funnel_traffic_mark(array(select distinct shop_hour(first_seen_at) from new_sessions));
    elsif tg_op = 'UPDATE' then
        perform funnel_traffic_mark(array(
            select shop_hour(first_seen_at) from new_sessions union select shop_hour(first_seen_at) from old_sessions));
    else
        perform funnel_traffic_mark(array(select distinct shop_hour(first_seen_at) from old_sessions));
    end if;
    return null;
end
$$;

create or replace trigger funnel_sessions_rollups_insert after insert on rollups.funnel_sessions
    referencing new table as new_sessions
    for each statement execute function funnel_sessions_rollups_traffic_written();

create or replace trigger funnel_sessions_rollups_update after update on rollups.funnel_sessions
    referencing old table as old_sessions new table as new_sessions
    for each statement execute function funnel_sessions_rollups_traffic_written();

create or replace trigger funnel_sessions_rollups_delete after delete on rollups.funnel_sessions
    referencing old table as old_sessions
    for each statement execute function funnel_sessions_rollups_traffic_written();

-- Page views written: their hours (a view sharing its session's first time may become its landing).
create or replace function page_views_rollups_traffic_written() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform funnel_traffic_mark(array(select distinct shop_hour(viewed_at) from new_views));
    elsif tg_op = 'UPDATE' then
        perform funnel_traffic_mark(array(
            select shop_hour(viewed_at) from new_views union select shop_hour(viewed_at) from old_views));
    else
        perform funnel_traffic_mark(array(select distinct shop_hour(viewed_at) from old_views));
    end if;
    return null;
end
$$;

create or replace trigger page_views_rollups_insert_traffic after insert on page_views
    referencing new table as new_views
    for each statement execute function page_views_rollups_traffic_written();

create or replace trigger page_views_rollups_update_traffic after update on page_views
    referencing old table as old_views new table as new_views
    for each statement execute function page_views_rollups_traffic_written();

create or replace trigger page_views_rollups_delete_traffic after delete on page_views
    referencing old table as old_views
    for each statement execute function page_views_rollups_traffic_written();

-- ============================================================
-- FOLD
-- ============================================================
-- The marks to dirty hours (one statement), then the dirty hours that have ended computed again (a
-- later statement, a later snapshot: a write committed in between is in them, and its mark stays).
-- The hour in progress stays dirty: reports read its sessions anyway.
create or replace function fold_funnel_traffic_rollups() returns void
language plpgsql as $$
declare
    ended timestamptz[];
begin
    -- On a Citus cluster the rollup is not kept (the session tables' triggers stay on the
    -- coordinator's rollup table, so marks come; the landings are on the workers): dropped
    if rollups_kept_by_job() then
        delete from rollups.funnel_traffic_marks;
        return;
    end if;
    with moved as (
        delete from rollups.funnel_traffic_marks returning hour
    )
    insert into rollups.funnel_traffic_dirty_hours (hour)
    select distinct hour from moved
    on conflict (hour) do nothing;

    ended := array(select hour from rollups.funnel_traffic_dirty_hours where hour < shop_hour(now()) order by hour);
    if cardinality(ended) = 0 then
        return;
    end if;
    delete from rollups.funnel_traffic_hours where first_hour = any (ended);
    insert into rollups.funnel_traffic_hours select * from funnel_traffic_hour_rows(ended);
    delete from rollups.funnel_traffic_dirty_hours where hour = any (ended);
end
$$;

-- ============================================================
-- REBUILD
-- ============================================================
-- Every hour from the sessions. Named to run after rebuild_funnel_rollups() (families rebuild in
-- name order), which rebuilds the sessions first.
create or replace function rebuild_funnel_traffic_rollups() returns void
language plpgsql
set work_mem = '256MB'
as $$
begin
    delete from rollups.funnel_traffic_marks;
    delete from rollups.funnel_traffic_dirty_hours;
    delete from rollups.funnel_traffic_hours;
    -- on a Citus cluster it stays empty: the filtered funnel reads every session there
    if rollups_kept_by_job() then
        return;
    end if;
    perform lock_for_rebuild('funnel_traffic', array['page_views', 'cart_events', 'orders']);
    insert into rollups.funnel_traffic_hours select * from funnel_traffic_hour_rows(null);
end
$$;

-- ============================================================
-- READ
-- ============================================================
-- conversion_funnel's stage counts of the sessions the filters name ('' for a filter not given):
-- the sessions first seen from window_start up to as_of, each stage reached up to as_of. Reached
-- before as_of's hour: the rollup's rows of the hours no write has touched since they were computed,
-- in the cut of the filters, and the sessions of the other hours from rollups.funnel_sessions (by
-- the index on their first hour, which holds their first times and landing); reached since the
-- start of as_of's hour: the sessions whose last stage came then or later (for "now", an hour's),
-- as the report without filters reads them (the index on the last stage's time, which holds the
-- landing too): no page view is read.
--
-- Without a filter it returns nothing at once: the report's other path answers. plpgsql, not an
-- inlined SQL function, for the reason order_facet_day_sums() gives (R__48_order_facet_sums.sql):
-- the path not taken costs nothing to plan.
create or replace function funnel_traffic_stage_sums(window_start timestamptz, as_of timestamptz,
                                                     want_channel text, want_device text)
returns table (stage int, sessions bigint)
language plpgsql stable as $$
#variable_conflict use_column
declare
    counted_from timestamptz := shop_hour(as_of);
begin
    if want_channel = '' and want_device = '' then
        return;
    end if;
    return query
    with

    -- the hours before as_of's whose sessions are read from rollups.funnel_sessions: written since they were
    -- computed, and every hour on a Citus cluster (the rollup is not kept there)
    raw_hours as (
        select m.hour from rollups.funnel_traffic_marks m where m.hour >= window_start and m.hour < counted_from
        union
        select d.hour from rollups.funnel_traffic_dirty_hours d where d.hour >= window_start and d.hour < counted_from
        union
        select generate_series(window_start, counted_from - interval '1 hour', interval '1 hour')
        where rollups_kept_by_job()
    ),

    rollup_rows as (
        select f.stage::int as stage, sum(f.sessions)::bigint as sessions
        from rollups.funnel_traffic_hours f
        where f.channel = case when want_channel = '' then '*' else want_channel end
          and f.device = case when want_device = '' then '*' else want_device end
          and f.first_hour >= window_start and f.first_hour < counted_from
          and f.reach_hour < counted_from
          and f.first_hour not in (select raw_hours.hour from raw_hours)
        group by f.stage
    ),

    -- the sessions of those hours (through the index on their first hour), reached before as_of's hour
    raw_rows as (
        select reach.stage::int as stage, count(*) as sessions
        from raw_hours
        join rollups.funnel_sessions s on shop_hour(s.first_seen_at) = raw_hours.hour
        cross join lateral unnest(funnel_reach(s.first_seen_at, s.product_view_at, s.add_at, s.checkout_at, s.order_at))
                           with ordinality as reach (reach_at, stage)
        where (want_channel = '' or s.landing_channel = want_channel)
          and (want_device = '' or s.landing_device = want_device)
          and reach.reach_at < counted_from
        group by reach.stage
    ),

    -- reached from the start of as_of's hour up to as_of (the index on the last stage's time)
    since_rows as (
        select reach.stage::int as stage, count(*) as sessions
        from rollups.funnel_sessions s
        cross join lateral unnest(funnel_reach(s.first_seen_at, s.product_view_at, s.add_at, s.checkout_at, s.order_at))
                           with ordinality as reach (reach_at, stage)
        where s.last_reached_at >= counted_from
          and s.first_seen_at >= window_start
          and (want_channel = '' or s.landing_channel = want_channel)
          and (want_device = '' or s.landing_device = want_device)
          and reach.reach_at >= counted_from and reach.reach_at <= as_of
        group by reach.stage
    )

    select r.stage, sum(r.sessions)::bigint
    from (
        select * from rollup_rows
        union all
        select * from raw_rows
        union all
        select * from since_rows
    ) as r
    group by r.stage;
end
$$;

-- A database migrated to this rollup has its hours computed here once (not on a cluster, where it is
-- not kept), rather than read session by session until a rebuild.
do $$
begin
    if not rollups_kept_by_job()
       and not exists (select 1 from rollups.funnel_traffic_hours)
       and exists (select 1 from rollups.funnel_sessions where first_seen_at is not null) then
        insert into rollups.funnel_traffic_hours select * from funnel_traffic_hour_rows(null);
        analyze rollups.funnel_traffic_hours;
    end if;
end
$$;
