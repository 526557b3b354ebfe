-- Conversion funnel: how browsing sessions turn into orders.
--
-- question: Of the sessions of the last N days, how many viewed a product, added to cart, started checkout and ordered?
-- grain:    one row per funnel stage, in stage order (step 1 to 5)
-- audience: aggregate
-- param:    days | integer | 30 | 1..3660 | sessions that started in the last N shop days, ending with as_of
-- param:    channel  | text    |       | direct, search, social, email, referral | filter: sessions that came from this channel (the referrer of their first page view)
-- param:    device   | text    |       | desktop, mobile, tablet, unknown | filter: sessions whose first page view was on this device
-- column:   step             | step     | the stage number: 1 sessions, 2 product view, 3 add to cart, 4 checkout started, 5 order
-- column:   stage            | text     | the stage's name
-- column:   sessions         | sessions | sessions that reached this stage and every stage before it
-- column:   pct_of_previous  | %        | step conversion: sessions here against the stage before, one decimal (step 1: 100); null when the stage before had none
-- column:   pct_of_top       | %        | cumulative conversion: sessions here against all sessions, one decimal; null when there were no sessions
--
-- One unit, one window: every stage counts sessions (page_views.session_id), and the same
-- sessions: those whose first page view falls in the window (from the start of the shop day
-- N-1 days before as_of's day, to as_of). Their events count up to as_of. A session counts at a
-- stage only if it reached every earlier stage, so each stage is a subset of the one before.
--   1 sessions      a session with a page view
--   2 product view  a page view of a product page (page_views.product_id set)
--   3 add to cart   a cart event 'add'
--   4 checkout started  a page view of /checkout (page_url '/checkout', with or without a
--                       query string: '/checkout?step=payment'; not other paths under it), or a
--                       cart event 'begin_checkout' (the ingest API's), whether or not an order
--                       follows: a session that abandons at checkout counts here, not at 5.
--                       Viewing the cart is not starting checkout. A /checkout view before the
--                       first 'add' counts from that add on (every earlier stage first).
--                       funnel_checkout_page() (R__33_rollup_funnel.sql) defines the page.
--   5 order         an order placed in the session (orders.session_id), whatever its status now:
--                   a later cancellation does not undo the conversion
--
-- The brief mixed units (all-time sessions, then customers of the last 30 days) and numbered
-- the stages with ROW_NUMBER() OVER (), whose order PostgreSQL does not promise.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -f conversion_funnel.sql
--       (-v device=mobile -v channel=search: the sessions that came from search on a phone)
--
-- Filters (docs/filters.md): the sessions of a channel or device, both applying together ('' or
-- left out: no filter), as session_landing() (R__44_order_facets.sql) defines them for the orders
-- too: the referrer and device of the session's first page view. A session without page views is
-- in no window, so `unknown` is no channel here.
--
-- Reads rollups.funnel_days (R__33_rollup_funnel.sql, by hour) for the stages the
-- window's sessions reached before the start of as_of's hour, and for that hour up to as_of either
-- its rows less the sessions that reached a stage after as_of (when nothing came past the hour:
-- "now") or the sessions that reached a stage since its start one by one, from
-- rollups.funnel_sessions (their first times): exact, and a few thousand rollup rows instead of 5
-- million page views (as of a past moment, every session active since its hour). With a filter it
-- calls funnel_traffic_stage_sums() (R__52_rollup_funnel_traffic.sql), which reads
-- rollups.funnel_traffic_hours (the same stages per hour of the sessions' first page views, keyed
-- by channel and device) for the hours no write has touched since they were computed, and the
-- sessions of the other hours and of as_of's hour one by one, with their landing. The two paths meet in `stage_counts`, which takes one of them. The
-- full-scan version is reference/conversion_funnel.sql, with the same filters.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif
\if :{?channel} \else \set channel '' \endif
\if :{?device} \else \set device '' \endif

with

params as (
    select
        :as_of::timestamptz                                                      as as_of,
        date_trunc('day', :as_of::timestamptz) - make_interval(days => :days::int - 1) as window_start,
        -- from here on, sessions are counted one by one: the start of as_of's hour
        shop_hour(:as_of::timestamptz)                                           as counted_from
),

-- a session is at stage k by as_of when its reach time k (the latest first time of stages 1..k)
-- is at most as_of; it is in the window when its first page view is at or after window_start

-- reached in an hour before as_of's (each hour over before the next begins), and in as_of's hour
-- (all of it: the hour's rows, read in the same pass)
hour_sums as (
    select rollups.funnel_days.stage,
           sum(rollups.funnel_days.sessions) filter (where rollups.funnel_days.reach_hour < params.counted_from)
               as before_hour,
           sum(rollups.funnel_days.sessions) filter (where rollups.funnel_days.reach_hour = params.counted_from)
               as in_hour
    from rollups.funnel_days, params
    where rollups.funnel_days.first_day >= params.window_start::date
      and rollups.funnel_days.reach_hour <= params.counted_from
    group by rollups.funnel_days.stage
),

reached_before as (
    select stage, before_hour as sessions from hour_sums
),

-- reached from counted_from up to as_of, one of two ways (each a subquery run only when taken):
-- when no session reached a stage past as_of's hour (the dashboard's "now"), that hour's rows of
-- rollups.funnel_days less the sessions that reached a stage after as_of (for "now", the few
-- written since); else, among the sessions whose last stage so far came from counted_from on,
-- those whose reach time k (the latest of its first times up to stage k; null when one is
-- missing) falls between counted_from and as_of. Counting the hour's sessions one by one cost
-- what the hour held, and more while writers kept changing them: 220 ms for "now" at scale 10
-- on a cluster under 500 events a second.
nothing_later as (
    -- (the latest stage reached, from the index's end: an exists over an open range scanned the table)
    select coalesce((select max(sessions.last_reached_at) from rollups.funnel_sessions sessions), '-infinity')
           < params.counted_from + interval '1 hour' as holds
    from params
),

reached_later as (
    select stage, count(*) as sessions
    from (
        select funnel_reach(sessions.first_seen_at, sessions.product_view_at, sessions.add_at,
                            sessions.checkout_at, sessions.order_at) as reach, params.as_of
        from rollups.funnel_sessions sessions, params
        where sessions.last_reached_at > params.as_of
          and sessions.last_reached_at < params.counted_from + interval '1 hour'
          and sessions.first_seen_at >= params.window_start
    ) as later
    cross join generate_series(1, 5) as stage
    where later.reach[stage] > later.as_of
    group by stage
),

reached_one_by_one as (
    select array[
        count(*) filter (where first_seen_at >= counted_from and first_seen_at <= as_of),
        count(*) filter (where product_view_at >= counted_from and product_view_at <= as_of),
        count(*) filter (where greatest(product_view_at, add_at) >= counted_from
                           and product_view_at <= as_of and add_at <= as_of),
        count(*) filter (where greatest(product_view_at, add_at, checkout_at) >= counted_from
                           and product_view_at <= as_of and add_at <= as_of and checkout_at <= as_of),
        count(*) filter (where greatest(product_view_at, add_at, checkout_at, order_at) >= counted_from
                           and product_view_at <= as_of and add_at <= as_of and checkout_at <= as_of
                           and order_at <= as_of)
    ] as sessions
    from rollups.funnel_sessions sessions, params
    where sessions.last_reached_at >= params.counted_from
      and sessions.first_seen_at >= params.window_start
),

reached_since as (
    select case
        when (select holds from nothing_later) then
            (select array_agg((coalesce(hour_sums.in_hour, 0) - coalesce(reached_later.sessions, 0))::bigint
                              order by stage)
             from generate_series(1, 5) as stage
             left join hour_sums using (stage)
             left join reached_later using (stage))
        else (select sessions from reached_one_by_one)
    end as sessions
),

stages as (
    select *
    from (values (1, 'sessions'), (2, 'product view'), (3, 'add to cart'), (4, 'checkout started'), (5, 'order'))
         as stages (step, stage)
),

-- without a filter: every session
all_sessions_counts as (
    select
        stages.step,
        stages.stage,
        coalesce(reached_before.sessions, 0)::bigint + reached_since.sessions[stages.step] as sessions
    from stages
    cross join reached_since
    left join reached_before on reached_before.stage = stages.step
),

-- with a filter: the sessions it names (funnel_traffic_stage_sums(), R__52_rollup_funnel_traffic.sql)
filtered_counts as (
    select stages.step, stages.stage, coalesce(sums.sessions, 0)::bigint as sessions
    from stages
    left join funnel_traffic_stage_sums((select window_start from params), (select as_of from params),
                                        :'channel', :'device') as sums
      on sums.stage = stages.step
),

-- One path or the other: the guard is a constant when the report runs, so the planner drops the
-- path not taken before planning it (each fenced, offset 0, as in revenue_summary.sql).
stage_counts as (
    select step, stage, sessions
    from (
        select 'all_sessions' as path, * from (select * from all_sessions_counts offset 0) as all_sessions
        union all
        select 'filtered', * from (select * from filtered_counts offset 0) as filtered
    ) as paths
    where paths.path = case when :'channel' || :'device' = '' then 'all_sessions' else 'filtered' end
),

final as (
    select
        step,
        stage,
        sessions,
        round(100.0 * sessions / nullif(lag(sessions, 1, sessions) over (order by step), 0), 1) as pct_of_previous,
        round(100.0 * sessions / nullif(first_value(sessions) over (order by step), 0), 1)      as pct_of_top
    from stage_counts
)

select * from final
order by step;
