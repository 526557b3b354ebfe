-- The shop's own pace in the hour of the week of a moment, for traffic tools (shopflow simulate,
-- the demo's live traffic): the browsing sessions started, the orders placed and the status
-- changes made in that hour of the same weekday in each of the 4 weeks before it, averaged.
-- The hour is the clock hour holding as_of, in the session's time zone (the shop's); a week
-- back is the same local hour across a clock change.
--
-- grain:  one row
-- params: 1 as_of
-- psql:   replace the ? with '2026-06-30 12:00'
with hours as (
    select date_trunc('hour', ?::timestamptz) - make_interval(weeks => w) as hour_start
    from generate_series(1, 4) w
)
select
    round((select count(distinct v.session_id) from hours h join page_views v
           on v.viewed_at >= h.hour_start and v.viewed_at < h.hour_start + interval '1 hour') / 4.0, 2)
        as sessions_per_hour,
    round((select count(*) from hours h join orders o
           on o.created_at >= h.hour_start and o.created_at < h.hour_start + interval '1 hour') / 4.0, 2)
        as orders_per_hour,
    -- moves of an order, not its placement (which has no from_status)
    round((select count(*) from hours h join order_status_changes c
           on c.changed_at >= h.hour_start and c.changed_at < h.hour_start + interval '1 hour'
           where c.from_status is not null) / 4.0, 2)
        as status_changes_per_hour
