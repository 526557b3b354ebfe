-- Period orders: the orders and returns behind a KPI tile (a period of revenue_summary), a page at a time.
--
-- question: Which orders were placed, and which cancelled or refunded, in this period up to as_of, and what did each add to or take from its net sales?
-- grain:    one row per order placed in the window (kind order) and per return made in it (kind return), newest first (at, then order_id, then kind, then refund_line_id); at most limit + 1 rows from the cursor on
-- audience: aggregate
-- param:    period         | text    |    | today, last_7_days, month_to_date, year_to_date | the period (a row of revenue_summary); required
-- param:    channel        | text    |    | direct, search, social, email, referral, unknown | filter: orders whose session came from this channel, as revenue_summary's
-- param:    device         | text    |    | desktop, mobile, tablet, unknown | filter: orders whose session's first page view was on this device
-- param:    country        | text    |    | any           | filter: orders shipped to this country (ISO code; unknown: no shipping address)
-- param:    region         | text    |    | any           | filter: orders shipped to this region
-- param:    customer       | text    |    | new, returning | filter: new (the customer's first order) or returning customers' orders
-- param:    coupon         | text    |    | yes, no       | filter: orders with or without a coupon (an order discount)
-- param:    limit          | integer | 50 | 1..1000       | rows per page (one more is read, to tell whether another page follows)
-- param:    after_at       | text    |    | any           | keyset: start after (before, in time) the row at this moment (the API's cursor sets it; empty: the first page)
-- param:    after_order_id | integer | 0  | 0..2147483647 | keyset: ... and with this order_id (ties of at)
-- param:    after_kind     | text    |    | any           | keyset: ... and of this kind (an order placed and returned at the same moment)
-- param:    after_refund_line_id | integer | 0 | 0..9223372036854775807 | keyset: ... and with this refund_line_id (the lines of one refund share their moment)
-- column:   kind           | text    | order: placed in the window; return: cancelled or refunded in it, whenever placed
-- column:   at             | timestamp | when it was placed, or returned
-- column:   order_id       | id      | the order
-- column:   refund_line_id | id      | a partial refund's line (order_refunds), whose amount the row takes back; 0 for an order placed and for a cancellation or refund of the whole order
-- column:   order_number   | text    | its number, as the shop shows it
-- column:   status         | text    | its status at as_of
-- column:   customer_id    | id      | who placed it
-- column:   orders         | orders  | 1 for an order placed, 0 for a return
-- column:   gross_sales    | GBP     | unit price x quantity of its lines (no VAT); 0 for a return
-- column:   discounts      | GBP     | its line and coupon discounts; 0 for a return
-- column:   returns        | GBP     | what the return takes back (order_returns' net_sales); 0 for an order
-- column:   net_sales      | GBP     | gross_sales - discounts - returns: what the row adds to the period's net sales
--
-- The windows are revenue_summary's (from the start of today, of the 7 days, of the month or of the
-- year, to as_of, both ends included), the measures the sales model's (order_sales and
-- order_returns in R__22_sales_model.sql): the list's orders, gross_sales, discounts, returns and
-- net_sales add up to the period's row of revenue_summary (period_orders_total.sql sums them),
-- with the same filters (docs/filters.md: the orders they name, and the returns of those orders).
-- Keyset paging: each page reads the index on orders.created_at and the one on
-- order_status_changes.changed_at backwards from where the last page ended, so every page costs the same.
-- The keyset (at, order_id, kind, refund_line_id) is total: the lines of one refund, or those an
-- order's cancellation takes back, share their order and moment, and refund_line_id tells them
-- apart (an order has one change to cancelled or refunded at most: both statuses are final).
-- With a filter it reads the kept rows of the filtered drills instead (rollups.order_drill_rows_folded,
-- R__55_rollup_order_drill.sql: each order placed and each return with its order's dimensions), through
-- the index of a filtered dimension, so a rare filter's page costs what a common one's does; the orders
-- written since their rows were computed (marked) are read from the raw rows and checked by
-- order_in_filters(), the reference SQL's filter (order_drill_raw_rows()).
-- psql: psql -v as_of="'2026-06-30 12:00'" -v period=month_to_date -f period_orders.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?period} \else \set period '' \endif
\if :{?channel} \else \set channel '' \endif
\if :{?device} \else \set device '' \endif
\if :{?country} \else \set country '' \endif
\if :{?region} \else \set region '' \endif
\if :{?customer} \else \set customer '' \endif
\if :{?coupon} \else \set coupon '' \endif
\if :{?limit} \else \set limit 50 \endif
\if :{?after_at} \else \set after_at '' \endif
\if :{?after_order_id} \else \set after_order_id 0 \endif
\if :{?after_kind} \else \set after_kind '' \endif
\if :{?after_refund_line_id} \else \set after_refund_line_id 0 \endif

with

params as (
    select
        :as_of::timestamptz                                                    as as_of,
        case :'period'
            when 'today'         then date_trunc('day', :as_of::timestamptz)
            when 'last_7_days'   then date_trunc('day', :as_of::timestamptz) - interval '6 days'
            when 'month_to_date' then date_trunc('month', :as_of::timestamptz)
            when 'year_to_date'  then date_trunc('year', :as_of::timestamptz)
        end                                                                    as starts_at,
        coalesce(nullif(:'after_at', '')::timestamptz, 'infinity')             as after_at,
        :after_order_id::bigint                                                as after_order_id,
        -- past every kind: the first page starts with the newest row whatever its kind
        coalesce(nullif(:'after_kind', ''), '~')                               as after_kind,
        :after_refund_line_id::bigint                                          as after_refund_line_id,
        :limit::int                                                            as row_limit
),

-- Without a filter: the orders placed, walked through the index on created_at.
-- The bounds as scalar subqueries (init plans), not a join with params: so they bound the index
-- scans; joined, the planner walked the whole index backwards from the newest order, filtering.
placed as (
    select 'order'::text as kind, o.created_at as at, o.order_id, 0::bigint as refund_line_id
    from orders o
    where :'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' = ''
      and o.created_at >= (select starts_at from params)
      and o.created_at <= (select least(as_of, after_at) from params)
      and (o.created_at, o.order_id, 'order', 0::bigint)
          < ((select after_at from params), (select after_order_id from params), (select after_kind from params),
             (select after_refund_line_id from params))
    order by o.created_at desc, o.order_id desc
    limit :limit::int + 1
),

-- Without a filter: the returns as order_returns (R__22_sales_model.sql) has them, each part walked
-- through the index on its moment and limited before it is valued: through the view, a union over a
-- join, PostgreSQL valued every return of the period before sorting them (28,000 for a year at scale 1,
-- a second).
returned as (
    (select 'return'::text as kind, c.changed_at as at, c.order_id, null::numeric as refunded,
            0::bigint as refund_line_id
     from order_status_changes c
     where :'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' = ''
       and c.to_status in ('cancelled', 'refunded')
       and c.changed_at >= (select starts_at from params)
       and c.changed_at <= (select least(as_of, after_at) from params)
       and (c.changed_at, c.order_id, 'return', 0::bigint)
           < ((select after_at from params), (select after_order_id from params), (select after_kind from params),
              (select after_refund_line_id from params))
     order by c.changed_at desc, c.order_id desc
     limit :limit::int + 1)
    union all
    (select 'return'::text, r.refunded_at, r.order_id, r.net_sales, r.refund_line_id
     from order_refunds r
     where :'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' = ''
       and r.refunded_at >= (select starts_at from params)
       and r.refunded_at <= (select least(as_of, after_at) from params)
       and (r.refunded_at, r.order_id, 'return', r.refund_line_id)
           < ((select after_at from params), (select after_order_id from params), (select after_kind from params),
              (select after_refund_line_id from params))
     order by r.refunded_at desc, r.order_id desc, r.refund_line_id desc
     limit :limit::int + 1)
),

-- With a filter: the kept rows of the orders not marked, through the index of a filtered dimension
-- (a filter not given drops out of the plan: its value is a constant when PostgreSQL plans)
kept as (
    select d.kind, d.at, d.order_id, d.refunded, d.refund_line_id
    from rollups.order_drill_rows_folded d
    where :'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' <> ''
      and (:'channel' = '' or d.channel = :'channel')
      and (:'device' = '' or d.device = :'device')
      and (:'country' = '' or d.country = :'country')
      and (:'region' = '' or d.region = :'region')
      and (:'customer' = '' or d.customer = :'customer')
      and (:'coupon' = '' or d.coupon = :'coupon')
      and d.at >= (select starts_at from params)
      and d.at <= (select least(as_of, after_at) from params)
      -- the keyset spelt out rather than as a row comparison, which the index scan would start from
      -- (infinity on the first page: every later row of the value walked back), where it starts from
      -- the least upper bound of at
      and (d.at < (select after_at from params)
           or d.order_id < (select after_order_id from params)
           or d.order_id = (select after_order_id from params) and d.kind < (select after_kind from params)
           or d.order_id = (select after_order_id from params) and d.kind = (select after_kind from params)
              and d.refund_line_id < (select after_refund_line_id from params))
      and d.order_id not in (select m.order_id from rollups.order_drill_marks m)
    order by d.at desc, d.order_id desc, d.kind desc, d.refund_line_id desc
    limit :limit::int + 1
),

-- With a filter: the marked orders' rows, from the raw rows (none without a filter)
marked as (
    select raw.kind, raw.at, raw.order_id, raw.refunded, raw.refund_line_id
    from params,
         order_drill_raw_rows(params.starts_at, least(params.as_of, params.after_at), true,
                              params.after_at, params.after_order_id, params.after_kind, params.row_limit + 1, true,
                              :'channel', :'device', :'country', :'region', :'customer', :'coupon',
                              params.after_refund_line_id) as raw
),

-- The page's rows, with a partial refund's amount (null for the rest: valued below, with the page's orders,
-- as a union joined with order_sales here made a Citus coordinator compute every order's sales first)
page as (
    select kind, at, order_id, refund_line_id, null::numeric as refunded from placed
    union all
    select kind, at, order_id, refund_line_id, null from kept where kind = 'order'
    union all
    select kind, at, order_id, refund_line_id, null from marked where kind = 'order'
    union all
    select kind, at, order_id, refund_line_id, refunded from returned
    union all
    select kind, at, order_id, refund_line_id, refunded from kept where kind = 'return'
    union all
    select kind, at, order_id, refund_line_id, refunded from marked where kind = 'return'
    order by at desc, order_id desc, kind desc, refund_line_id desc
    limit :limit::int + 1
),

-- The page's orders' status at as_of (orders_as_of()), computed once: joined in the query below,
-- which reads the shards, a Citus cluster ran the function in every shard's task (0.1 s each).
changed as materialized (
    select * from orders_changed_since(array(select order_id from page), :as_of::timestamptz)
),

final as (
    select
        page.kind,
        page.at,
        page.order_id,
        page.refund_line_id,
        o.order_number,
        coalesce(changed.status_then, o.status)                                            as status,
        o.customer_id,
        case when page.kind = 'order' then 1 else 0 end                                    as orders,
        case when page.kind = 'order' then sales.gross_sales else 0 end::numeric(16, 2)   as gross_sales,
        case when page.kind = 'order' then sales.discounts else 0 end::numeric(16, 2)     as discounts,
        taken_back.amount::numeric(16, 2)                                                  as returns,
        case when page.kind = 'order' then sales.net_sales else -taken_back.amount end::numeric(16, 2)
                                                                                           as net_sales
    from page
    cross join params
    join orders o on o.order_id = page.order_id
    join order_sales sales on sales.order_id = page.order_id
    -- what a return takes back: a partial refund its amount, a cancellation or refund whole the
    -- order's net sales (as order_returns values them)
    cross join lateral (select case when page.kind = 'order' then 0
                                    else coalesce(page.refunded, sales.net_sales) end as amount) as taken_back
    left join changed on changed.order_id = page.order_id
)

select * from final
order by at desc, order_id desc, kind desc, refund_line_id desc;
