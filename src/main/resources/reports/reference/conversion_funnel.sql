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
-- Filters: the window's sessions whose first page view (session_landing(), R__44_order_facets.sql)
-- has the channel and device named ('' or left out: no filter), checked by session_in_filters().

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif
\if :{?channel} \else \set channel '' \endif
\if :{?device} \else \set device '' \endif

with

params as (
    select
        :as_of::timestamptz                                                      as as_of,
        date_trunc('day', :as_of::timestamptz) - make_interval(days => :days::int - 1) as window_start
),

-- sessions with a page view in the window that had none before it: they started in the window
-- (materialized: the filter below then looks up each session once, not each of its page views,
-- which PostgreSQL would otherwise do, pushing the filter on session_id under the distinct)
started_sessions as materialized (
    select distinct page_views.session_id
    from page_views, params
    where page_views.session_id is not null
      and page_views.viewed_at >= params.window_start
      and page_views.viewed_at <= params.as_of
      and not exists (
          select 1
          from page_views earlier
          where earlier.session_id = page_views.session_id
            and earlier.viewed_at < params.window_start
      )
),

-- those the filters name
window_sessions as (
    select started_sessions.session_id
    from started_sessions
    where (:'channel' = '' and :'device' = '')
       or session_in_filters(started_sessions.session_id, :'channel', :'device')
),

product_view_sessions as (
    select distinct page_views.session_id
    from page_views
    join window_sessions using (session_id)
    cross join params
    where page_views.product_id is not null
      and page_views.viewed_at <= params.as_of
),

add_sessions as (
    select distinct cart_events.session_id
    from cart_events
    join window_sessions using (session_id)
    cross join params
    where cart_events.action = 'add'
      and cart_events.event_at <= params.as_of
),

-- checkout started: a /checkout page view or a 'begin_checkout' event, whenever it came
checkout_sessions as (
    select page_views.session_id
    from page_views
    join window_sessions using (session_id)
    cross join params
    where funnel_checkout_page(page_views.page_url)
      and page_views.viewed_at <= params.as_of
    union
    select cart_events.session_id
    from cart_events
    join window_sessions using (session_id)
    cross join params
    where cart_events.action = 'begin_checkout'
      and cart_events.event_at <= params.as_of
),

order_sessions as (
    select distinct orders.session_id
    from orders
    join window_sessions using (session_id)
    cross join params
    where orders.created_at <= params.as_of
),

session_stages as (
    select
        window_sessions.session_id,
        product_view_sessions.session_id is not null                          as viewed_product,
        add_sessions.session_id is not null                                   as added_to_cart,
        checkout_sessions.session_id is not null                              as checked_out,
        order_sessions.session_id is not null                                 as ordered
    from window_sessions
    left join product_view_sessions using (session_id)
    left join add_sessions using (session_id)
    left join checkout_sessions using (session_id)
    left join order_sessions using (session_id)
),

stage_counts as (
    select 1 as step, 'sessions' as stage, count(*) as sessions
    from session_stages
    union all
    select 2, 'product view', count(*) filter (where viewed_product)
    from session_stages
    union all
    select 3, 'add to cart', count(*) filter (where viewed_product and added_to_cart)
    from session_stages
    union all
    select 4, 'checkout started', count(*) filter (where viewed_product and added_to_cart and checked_out)
    from session_stages
    union all
    select 5, 'order', count(*) filter (where viewed_product and added_to_cart and checked_out and ordered)
    from session_stages
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
