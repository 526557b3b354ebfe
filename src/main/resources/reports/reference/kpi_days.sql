-- KPI days, the reference: each day counted from the raw rows, as reference/kpi_tiles.sql counts a window.
--
-- question: What were net sales, orders, average order value, conversion rate, returns rate and the shares of orders by new and by returning customers on each of the last N days?
-- grain:    one row per shop day, oldest first; days without sales show zero orders and null ratios
-- audience: aggregate
-- param:    days                   | integer | 14      | 1..366 | number of days, ending with as_of's day
-- param:    channel  | text    |       | direct, search, social, email, referral, unknown | filter: orders whose session came from this channel (the referrer of its first page view; unknown: no session or no page views), and sessions from it
-- param:    device   | text    |       | desktop, mobile, tablet, unknown | filter: orders whose session's first page view was on this device, and sessions whose first page view was
-- param:    country  | text    |       | any     | filter: orders shipped to this country (ISO code, e.g. GB; unknown: no shipping address); no sessions
-- param:    region   | text    |       | any     | filter: orders shipped to this region (the address's state or county, e.g. Greater London); no sessions
-- param:    customer | text    |       | new, returning | filter: new (the customer's first order) or returning customers' orders; no sessions
-- param:    coupon   | text    |       | yes, no | filter: orders with or without a coupon (an order discount); no sessions
-- column:   day                    | date    | the shop day (Europe/London)
-- column:   orders                 | orders  | orders placed that day up to as_of, whatever their status at as_of
-- column:   net_sales              | GBP     | the sales model's net sales: gross sales - discounts - returns made that day
-- column:   average_order_value    | GBP     | net_sales / orders, 2 decimals; null without orders
-- column:   sessions               | sessions | sessions whose first page view was that day, up to as_of; null with a filter sessions do not have (country, region, customer, coupon)
-- column:   conversion_rate        | %       | of them, those that reached the funnel's order stage by the day's end (or as_of), 2 decimals; null without sessions
-- column:   returns_rate           | %       | returns made that day per gross sales less discounts of the orders placed, 1 decimal; null without sales
-- column:   new_customer_share     | %       | orders that were their customer's first per order placed, 1 decimal; null without orders
-- column:   repeat_customer_share  | %       | orders by customers who had ordered before per order placed, 1 decimal; null without orders
-- column:   complete               | boolean | false for as_of's own day, not over yet at as_of
--
-- Filters (docs/filters.md), as the report takes them: the orders whose dimensions (the view
-- order_facets) the filters name, checked one by one by order_in_filters(); the sessions whose
-- landing has the channel and device named, by session_in_filters(); no sessions (null) with a
-- filter sessions do not have (country, region, customer, coupon).
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=14 -v device=mobile -f reference/kpi_days.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 14 \endif
\if :{?channel} \else \set channel '' \endif
\if :{?device} \else \set device '' \endif
\if :{?country} \else \set country '' \endif
\if :{?region} \else \set region '' \endif
\if :{?customer} \else \set customer '' \endif
\if :{?coupon} \else \set coupon '' \endif

with

params as (
    select
        :as_of::timestamptz                                   as as_of,
        (:as_of::timestamptz)::date - (:days::int - 1)        as first_day
),

windows as (
    select
        day_spine.day::date                                                                    as day,
        day_spine.day::timestamptz                                                             as starts_at,
        least((day_spine.day + interval '1 day')::timestamptz - interval '1 microsecond', params.as_of) as ends_at,
        day_spine.day::date < params.as_of::date                                               as complete
    from params, generate_series(params.first_day, params.as_of::date, interval '1 day') as day_spine (day)
),

-- The raw rows each measure counts, read once (materialized: a Citus coordinator then joins
-- them itself, where it refuses a subquery per window over distributed tables)
-- each customer's first order (the earliest placed, then the lowest id); those the filters name are
-- counted below (order_in_filters(), checked for the window's first orders only)
first_orders as materialized (
    select distinct on (customer_id) order_id, created_at as first_order_at
    from orders
    order by customer_id, created_at, order_id
),

-- the orders placed and the returns made from the earliest window's start to as_of, those the
-- filters name (order_in_filters(), checked for these rows only); the moments as subqueries, not
-- a join with windows: a Citus coordinator cannot join the union order_returns is with a CTE
placed as materialized (
    select created_at, gross_sales - discounts as sales
    from order_sales
    where order_sales.created_at >= (select min(starts_at) from windows)
      and order_sales.created_at <= (select max(ends_at) from windows)
      and ((:'channel' = '' and :'device' = '' and :'country' = '' and :'region' = '' and :'customer' = '' and :'coupon' = '')
           or order_in_filters(order_sales.order_id, :'channel', :'device', :'country', :'region', :'customer', :'coupon'))
),

returned as materialized (
    select returned_at, net_sales
    from order_returns
    where order_returns.returned_at >= (select min(starts_at) from windows)
      and order_returns.returned_at <= (select max(ends_at) from windows)
      and ((:'channel' = '' and :'device' = '' and :'country' = '' and :'region' = '' and :'customer' = '' and :'coupon' = '')
           or order_in_filters(order_returns.order_id, :'channel', :'device', :'country', :'region', :'customer', :'coupon'))
),

-- each session's first page view, and the first time it reached each stage's event
session_views as materialized (
    select session_id,
           min(viewed_at)                                                  as first_seen_at,
           min(viewed_at) filter (where product_id is not null)            as product_view_at,
           min(viewed_at) filter (where funnel_checkout_page(page_url))    as checkout_page_at
    from page_views
    where session_id is not null
    group by session_id
),

session_carts as materialized (
    select session_id,
           min(event_at) filter (where action = 'add')                     as add_at,
           min(event_at) filter (where action = 'begin_checkout')          as begin_checkout_at
    from cart_events
    where session_id is not null
    group by session_id
),

session_orders as materialized (
    select session_id, min(created_at) as order_at
    from orders
    where session_id is not null
    group by session_id
),

session_starts as (
    select v.session_id, v.first_seen_at, v.product_view_at, v.checkout_page_at, c.add_at, c.begin_checkout_at,
           o.order_at
    from session_views v
    left join session_carts c using (session_id)
    left join session_orders o using (session_id)
),

-- whether the sessions are counted: not with a filter sessions do not have (their counts are then
-- null); with channel or device, those whose landing has them (session_in_filters(), checked for
-- the window's sessions only, below)
sessions_measured as (
    select :'country' = '' and :'region' = '' and :'customer' = '' and :'coupon' = '' as measured
),

measured as (
    select
        windows.*,
        (select count(*) from placed where created_at between windows.starts_at and windows.ends_at)
                                                                                       as orders,
        (select coalesce(sum(sales), 0) from placed
         where created_at between windows.starts_at and windows.ends_at)               as sales,
        (select coalesce(sum(net_sales), 0) from returned
         where returned_at between windows.starts_at and windows.ends_at)              as returns,
        case when sessions_measured.measured then
        (select count(*) from session_starts
         where first_seen_at between windows.starts_at and windows.ends_at
           and ((:'channel' = '' and :'device' = '')
                or session_in_filters(session_starts.session_id, :'channel', :'device'))) end as sessions,
        -- reached the order stage by the window's end: a product view, an add to cart, a checkout
        -- started (a /checkout view or a begin_checkout event) and an order, each by then
        case when sessions_measured.measured then
        (select count(*) from session_starts
         where first_seen_at between windows.starts_at and windows.ends_at
           and product_view_at <= windows.ends_at
           and add_at <= windows.ends_at
           and least(checkout_page_at, begin_checkout_at) <= windows.ends_at
           and order_at <= windows.ends_at
           and ((:'channel' = '' and :'device' = '')
                or session_in_filters(session_starts.session_id, :'channel', :'device'))) end as converted_sessions,
        (select count(*) from first_orders
         where first_order_at between windows.starts_at and windows.ends_at
           -- the filters (docs/filters.md): the order's dimensions (the view order_facets)
           and ((:'channel' = '' and :'device' = '' and :'country' = '' and :'region' = '' and :'customer' = ''
                 and :'coupon' = '')
                or order_in_filters(first_orders.order_id, :'channel', :'device', :'country', :'region', :'customer',
                                    :'coupon')))                                      as first_time_orders
    from windows, sessions_measured
),

final as (
    select
        day,
        orders,
        (sales - returns)::numeric(16, 2)                                               as net_sales,
        round((sales - returns) / nullif(orders, 0), 2)                                 as average_order_value,
        sessions,
        round(100.0 * converted_sessions / nullif(sessions, 0), 2)                     as conversion_rate,
        round(100.0 * returns / nullif(sales, 0), 1)                                    as returns_rate,
        round(100.0 * first_time_orders / nullif(orders, 0), 1)                        as new_customer_share,
        round(100.0 * (orders - first_time_orders) / nullif(orders, 0), 1)             as repeat_customer_share,
        complete
    from measured
)

select * from final
order by day;
