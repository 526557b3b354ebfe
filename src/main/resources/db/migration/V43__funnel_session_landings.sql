-- Each session's landing kept on its row of rollups.funnel_sessions: the channel and device of its
-- first page view (the earliest viewed_at, then the lowest view_id), as session_landing()
-- (R__44_order_facets.sql) defines them; null for a session without page views. The funnel's
-- filters (conversion_funnel and kpi_tiles with channel= or device=) read the sessions of the hours
-- not in their rollup, and of as_of's own hour, from the indexes below, instead of looking up each
-- session's first page view (scale 10: 7,868 sessions in half an hour, 111 ms per window). Kept by
-- rollup_funnel_merge() (R__33_rollup_funnel.sql), the rebuild and the generator, which writes the
-- session rows itself.
alter table rollups.funnel_sessions
    add column landing_channel text,   -- order_channel(referrer) of the first page view
    add column landing_device  text;   -- coalesce(device_type, 'unknown') of the first page view

-- An existing shop's landings, set-wise: the first page view of every session in one pass over
-- page_views in session order, and the channel of each distinct referrer once (a few referrers,
-- where the regular expressions per session would be most of the time). The sessions are then
-- written again with them: copied aside, the table emptied with truncate and filled in session
-- order, as rebuild_funnel_sessions() (R__33_rollup_funnel.sql) does. An update of every row left
-- the table twice its size, half of it dead rows, and conversion_funnel took 1.5 s (scale 1, load
-- 15) until autovacuum had passed; rows inserted into a table truncated in the same transaction
-- skip the write-ahead log. Its secondary indexes are
-- built once afterwards, with the landing included. Temporary tables, so that the join is of
-- local tables on a Citus cluster too (page_views is distributed there, the rollups are not).
-- (A new database has no sessions, nor yet the functions the fill calls: repeatable migrations
-- run after the versioned ones.) The sessions and their hours do not change: the trigger that marks
-- the hours written for the funnel_traffic rollup (R__52_rollup_funnel_traffic.sql) is held off, so
-- its rows stay read from it.
drop index rollups.idx_rollup_funnel_sessions_last_reached;
drop index rollups.idx_rollup_funnel_sessions_first_seen;

do $$
declare
    marking boolean := exists (select 1 from pg_trigger
                               where tgrelid = 'rollups.funnel_sessions'::regclass
                                 and tgname = 'funnel_sessions_rollups_insert' and tgenabled <> 'D');
begin
    if not exists (select 1 from rollups.funnel_sessions) then
        return;
    end if;

    create temporary table funnel_session_landings as
    with first_views as (
        select distinct on (pv.session_id) pv.session_id, pv.referrer,
               coalesce(pv.device_type::text, 'unknown') as device
        from page_views pv
        where pv.session_id is not null
        order by pv.session_id, pv.viewed_at, pv.view_id
    ),
    channels as (
        select referrer, order_channel(referrer) as channel
        from (select distinct referrer from first_views) as referrers
    )
    select f.session_id, coalesce(c.channel, order_channel(null)) as channel, f.device
    from first_views f
    left join channels c on c.referrer = f.referrer;

    create temporary table funnel_sessions_landed as
    select s.session_id, s.first_seen_at, s.product_view_at, s.add_at, s.checkout_at, s.order_at,
           l.channel as landing_channel, l.device as landing_device
    from rollups.funnel_sessions s
    left join funnel_session_landings l using (session_id);

    if marking then
        alter table rollups.funnel_sessions disable trigger funnel_sessions_rollups_insert;
    end if;
    truncate rollups.funnel_sessions;
    insert into rollups.funnel_sessions (session_id, first_seen_at, product_view_at, add_at, checkout_at, order_at,
                                         landing_channel, landing_device)
    select session_id, first_seen_at, product_view_at, add_at, checkout_at, order_at, landing_channel, landing_device
    from funnel_sessions_landed
    order by session_id;
    if marking then
        alter table rollups.funnel_sessions enable trigger funnel_sessions_rollups_insert;
    end if;

    drop table funnel_sessions_landed;
    drop table funnel_session_landings;
end
$$;

-- The sessions whose last stage came at or after a moment (as_of's hour, for "now"), with every
-- first time and the landing: a filtered funnel reads them from this index alone.
create index idx_rollup_funnel_sessions_last_reached on rollups.funnel_sessions (last_reached_at)
    include (first_seen_at, product_view_at, add_at, checkout_at, order_at, landing_channel, landing_device);
-- The sessions first seen in a shop hour (keyed by the hour first, so only a query naming the hour
-- uses it; see the index's first version), with every first time and the landing: the hours a
-- filtered funnel or tile reads session by session are read from this index alone.
create index idx_rollup_funnel_sessions_first_seen on rollups.funnel_sessions (shop_hour(first_seen_at), first_seen_at)
    include (product_view_at, add_at, checkout_at, order_at, landing_channel, landing_device);

analyze rollups.funnel_sessions;
