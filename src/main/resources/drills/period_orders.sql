-- Period orders: the orders and returns behind a KPI tile (a period of revenue_summary), a page at a time.
--
-- question: Which orders were placed, and which cancelled or refunded, in this period up to as_of, and what did each add to or take from its net sales?
-- grain:    one row per order placed in the window (kind order) and per return made in it (kind return), newest first (at, then order_id, then kind); at most limit + 1 rows from the cursor on
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
-- column:   kind           | text    | order: placed in the window; return: cancelled or refunded in it, whenever placed
-- column:   at             | timestamp | when it was placed, or returned
-- column:   order_id       | id      | the order
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
-- order_status_changes.changed_at backwards from where the last page ended, so every page costs the same
-- (with a filter, a page reads the rows up to its limit-th match, each checked by order_in_filters():
-- a filter that names one order in twenty reads about twenty times the page).
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
        :limit::int                                                            as row_limit
),

-- The bounds as scalar subqueries (init plans), not a join with params: so they bound the index
-- scans; joined, the planner walked the whole index backwards from the newest order, filtering.
placed as (
    select 'order'::text as kind, o.created_at as at, o.order_id
    from orders o
    where o.created_at >= (select starts_at from params)
      and o.created_at <= (select least(as_of, after_at) from params)
      and (o.created_at, o.order_id, 'order')
          < ((select after_at from params), (select after_order_id from params), (select after_kind from params))
      -- the filters (none given: the guard is true and the check is planned away)
      and (:'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' = ''
           or order_in_filters(o.order_id, :'channel', :'device', :'country', :'region', :'customer', :'coupon'))
    order by o.created_at desc, o.order_id desc
    limit (select row_limit + 1 from params)
),

-- The returns as order_returns (R__22_sales_model.sql) has them, each part walked through the index
-- on its moment and limited before it is valued: through the view, a union over a join, PostgreSQL
-- valued every return of the period before sorting them (28,000 for a year at scale 1, a second).
returned as (
    (select 'return'::text as kind, c.changed_at as at, c.order_id, null::numeric as refunded
     from order_status_changes c
     where c.to_status in ('cancelled', 'refunded')
       and c.changed_at >= (select starts_at from params)
       and c.changed_at <= (select least(as_of, after_at) from params)
       and (c.changed_at, c.order_id, 'return')
           < ((select after_at from params), (select after_order_id from params), (select after_kind from params))
       and (:'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' = ''
            or order_in_filters(c.order_id, :'channel', :'device', :'country', :'region', :'customer', :'coupon'))
     order by c.changed_at desc, c.order_id desc
     limit (select row_limit + 1 from params))
    union all
    (select 'return'::text, r.refunded_at, r.order_id, r.net_sales
     from order_refunds r
     where r.refunded_at >= (select starts_at from params)
       and r.refunded_at <= (select least(as_of, after_at) from params)
       and (r.refunded_at, r.order_id, 'return')
           < ((select after_at from params), (select after_order_id from params), (select after_kind from params))
       and (:'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' = ''
            or order_in_filters(r.order_id, :'channel', :'device', :'country', :'region', :'customer', :'coupon'))
     order by r.refunded_at desc, r.order_id desc
     limit (select row_limit + 1 from params))
),

page as (
    select kind, at, order_id, null::numeric as returned from placed
    union all
    -- what a return takes back: a partial refund its amount, a cancellation or refund whole the
    -- order's net sales (as order_returns values them)
    select returned.kind, returned.at, returned.order_id, coalesce(returned.refunded, sales.net_sales)
    from returned
    left join order_sales sales on sales.order_id = returned.order_id and returned.refunded is null
    order by at desc, order_id desc, kind desc
    limit (select row_limit + 1 from params)
),

final as (
    select
        page.kind,
        page.at,
        page.order_id,
        o.order_number,
        coalesce(changed.status_then, o.status)                                            as status,
        o.customer_id,
        case when page.kind = 'order' then 1 else 0 end                                    as orders,
        case when page.kind = 'order' then sales.gross_sales else 0 end::numeric(16, 2)   as gross_sales,
        case when page.kind = 'order' then sales.discounts else 0 end::numeric(16, 2)     as discounts,
        coalesce(page.returned, 0)::numeric(16, 2)                                         as returns,
        case when page.kind = 'order' then sales.net_sales else -page.returned end::numeric(16, 2)
                                                                                           as net_sales
    from page
    cross join params
    join orders o on o.order_id = page.order_id
    join order_sales sales on sales.order_id = page.order_id
    -- its status at as_of (orders_as_of(), for the page's orders)
    left join orders_changed_since(array(select order_id from page), :as_of::timestamptz) as changed
           on changed.order_id = page.order_id
)

select * from final
order by at desc, order_id desc, kind desc;
