-- Day orders: the orders behind one day of the daily chart (daily_revenue), a page at a time.
--
-- question: Which orders were placed on this shop day, up to as_of?
-- grain:    one row per order, oldest first (created_at, then order_id); at most limit + 1 rows from the cursor on
-- audience: aggregate
-- param:    day              | date    |    | any           | the shop day (a day of daily_revenue); required
-- param:    channel          | text    |    | direct, search, social, email, referral, unknown | filter: orders whose session came from this channel, as daily_revenue's
-- param:    device           | text    |    | desktop, mobile, tablet, unknown | filter: orders whose session's first page view was on this device
-- param:    country          | text    |    | any           | filter: orders shipped to this country (ISO code; unknown: no shipping address)
-- param:    region           | text    |    | any           | filter: orders shipped to this region
-- param:    customer         | text    |    | new, returning | filter: new (the customer's first order) or returning customers' orders
-- param:    coupon           | text    |    | yes, no       | filter: orders with or without a coupon (an order discount)
-- param:    limit            | integer | 50 | 1..1000       | rows per page (one more is read, to tell whether another page follows)
-- param:    after_created_at | text    |    | any           | keyset: start after the order placed at this moment (the API's cursor sets it; empty: the first page)
-- param:    after_order_id   | integer | 0  | 0..2147483647 | keyset: ... and with this order_id (ties of created_at)
-- column:   order_id         | id      | the order
-- column:   order_number     | text    | its number, as the shop shows it
-- column:   created_at       | timestamp | when it was placed
-- column:   status           | text    | its status at as_of
-- column:   customer_id      | id      | who placed it (null: a guest)
-- column:   gross_sales      | GBP     | unit price x quantity of its lines (no VAT)
-- column:   discounts        | GBP     | its line and coupon discounts
-- column:   net_sales        | GBP     | gross_sales - discounts, as placed (a later return counts on its own day)
-- column:   shipping         | GBP     | shipping charged
-- column:   taxes            | GBP     | VAT charged
-- column:   total_sales      | GBP     | net_sales + shipping + taxes
--
-- The measures are the sales model's (docs/reports.md#the-sales-model): the day's orders and the
-- sums of their gross_sales and discounts are daily_revenue's orders, gross_sales and discounts
-- of that day (day_orders_total.sql sums them), with the same filters (docs/filters.md). Keyset
-- paging: each page reads the index on orders.created_at from where the last one ended, so every
-- page costs the same; with a filter, the kept rows of the filtered drills through the index of a
-- filtered dimension, and the orders written since their rows were computed (marked) from the raw
-- rows, each checked by order_in_filters() (R__55_rollup_order_drill.sql, as period_orders.sql).
-- psql: psql -v as_of="'2026-06-30 12:00'" -v day="'2026-06-29'" -f day_orders.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?day} \else \set day '' \endif
\if :{?channel} \else \set channel '' \endif
\if :{?device} \else \set device '' \endif
\if :{?country} \else \set country '' \endif
\if :{?region} \else \set region '' \endif
\if :{?customer} \else \set customer '' \endif
\if :{?coupon} \else \set coupon '' \endif
\if :{?limit} \else \set limit 50 \endif
\if :{?after_created_at} \else \set after_created_at '' \endif
\if :{?after_order_id} \else \set after_order_id 0 \endif

with

params as (
    select
        :as_of::timestamptz                                                    as as_of,
        (:'day'::date)::timestamptz                                            as day_start,
        (:'day'::date + 1)::timestamptz                                        as day_end,
        coalesce(nullif(:'after_created_at', '')::timestamptz, '-infinity')    as after_created_at,
        :after_order_id::bigint                                                as after_order_id,
        :limit::int                                                            as row_limit
),

-- Without a filter: the day's orders through the index on created_at. The bounds as scalar
-- subqueries (init plans), as period_orders.sql has them, not a join with params: joined, the whole
-- index was walked, filtering (at scale 1 0.5 s a page on one node, 0.2 s on each shard of a cluster).
placed as (
    select o.order_id, o.created_at
    from orders o
    where :'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' = ''
      and o.created_at >= (select greatest(day_start, after_created_at) from params)
      and o.created_at < (select day_end from params)
      and o.created_at <= (select as_of from params)
      and (o.created_at, o.order_id) > ((select after_created_at from params), (select after_order_id from params))
    order by o.created_at, o.order_id
    limit :limit::int + 1
),

-- With a filter: the kept rows of the orders not marked, through the index of a filtered dimension
-- (a filter not given drops out of the plan: its value is a constant when PostgreSQL plans)
kept as (
    select d.order_id, d.at as created_at
    from rollups.order_drill_rows_folded d
    where :'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' <> ''
      and (:'channel' = '' or d.channel = :'channel')
      and (:'device' = '' or d.device = :'device')
      and (:'country' = '' or d.country = :'country')
      and (:'region' = '' or d.region = :'region')
      and (:'customer' = '' or d.customer = :'customer')
      and (:'coupon' = '' or d.coupon = :'coupon')
      and d.kind = 'order'
      -- the bounds as init plans, as for placed
      and d.at >= (select greatest(day_start, after_created_at) from params)
      and d.at < (select day_end from params)
      and d.at <= (select as_of from params)
      -- the keyset spelt out rather than as a row comparison, which the index scan would start from
      -- (at -infinity on the first page: every earlier row of the value walked), where it starts from
      -- the greatest lower bound of at
      and (d.at > (select after_created_at from params) or d.order_id > (select after_order_id from params))
      and d.order_id not in (select m.order_id from rollups.order_drill_marks m)
    order by d.at, d.order_id
    limit :limit::int + 1
),

-- With a filter: the marked orders placed that day, from the raw rows (none without a filter)
marked as (
    select raw.order_id, raw.at as created_at
    from params,
         order_drill_raw_rows(params.day_start, least(params.as_of, params.day_end - interval '1 microsecond'), false,
                              params.after_created_at, params.after_order_id, 'order', params.row_limit + 1, false,
                              :'channel', :'device', :'country', :'region', :'customer', :'coupon') as raw
),

page as (
    select o.*
    from (select order_id from placed
          union all
          select order_id from kept
          union all
          select order_id from marked) as listed
    join orders o on o.order_id = listed.order_id
    order by o.created_at, o.order_id
    limit :limit::int + 1
),

-- The page's orders' status at as_of (orders_as_of()), computed once: joined in the query below,
-- which reads the shards, a Citus cluster ran the function in every shard's task (0.1 s each).
changed as materialized (
    select * from orders_changed_since(array(select order_id from page), :as_of::timestamptz)
),

final as (
    select
        page.order_id,
        page.order_number,
        page.created_at,
        coalesce(changed.status_then, page.status)                            as status,
        page.customer_id,
        sales.gross_sales::numeric(16, 2)                                     as gross_sales,
        sales.discounts::numeric(16, 2)                                       as discounts,
        sales.net_sales::numeric(16, 2)                                       as net_sales,
        sales.shipping::numeric(16, 2)                                        as shipping,
        sales.taxes::numeric(16, 2)                                           as taxes,
        sales.total_sales::numeric(16, 2)                                     as total_sales
    from page
    cross join params
    join order_sales sales on sales.order_id = page.order_id
    left join changed on changed.order_id = page.order_id
)

select * from final
order by created_at, order_id;
