-- The funnel_traffic rollup family (R__52_rollup_funnel_traffic.sql): conversion_funnel's stages per
-- shop hour of the sessions' first page views, keyed by where a session came from and on what
-- device (its landing: the first page view's channel and device, as the order filters define them),
-- so that a funnel filtered by channel or device sums a few thousand rows instead of looking up the
-- first page view of every session of its window (726,578 sessions in 30 days at scale 1).
--
-- Grain: one row per (shop hour of the sessions' first page view, channel, device, stage, shop hour
-- it reached that stage) with sessions, in three cuts: channel and device together, channel alone
-- (device '*') and device alone (channel '*'), so any one filter and both together read one cut.
create table rollups.funnel_traffic_hours (
    channel     text not null,
    device      text not null,
    first_hour  timestamptz not null,  -- shop_hour(first_seen_at)
    stage       smallint not null,     -- 1 sessions .. 5 order, as conversion_funnel's step
    reach_hour  timestamptz not null,  -- shop_hour(reach time of the stage)
    sessions    bigint not null,
    primary key (channel, device, first_hour, stage, reach_hour)
);

-- Hours whose rows no longer match the sessions: writers append one row per hour their statement
-- touched (never updating a row, so they never wait on one another); the fold moves them to
-- funnel_traffic_dirty_hours and computes the hours that have ended again. Reports read a marked
-- or dirty hour's sessions one by one.
create table rollups.funnel_traffic_marks (
    hour  timestamptz not null
);

create table rollups.funnel_traffic_dirty_hours (
    hour  timestamptz primary key
);
