-- Shop vitals: does this shop look like a typical UK online shop?
--
-- question: Measured on the shop's own data, where does each vital sign stand against the band of a typical UK online shop?
-- grain:    one row per vital sign, in a fixed order
-- audience: aggregate
-- param:    days | integer | 30 | 7..365 | the window: this many whole shop days, ending with the day before as_of's
-- column:   vital_sign     | text    | what is measured
-- column:   value          | number  | the shop's figure, in unit; null when the shop has nothing to measure it on
-- column:   unit           | text    | GBP, %, orders, ratio or towns
-- column:   band_low       | number  | the lowest value of a typical UK online shop (null: no lower bound)
-- column:   band_high      | number  | the highest (null: no upper bound)
-- column:   in_band        | boolean | value within the band, bounds included; null when value is null
-- column:   measured_over  | text    | window (the last N whole days), year (the last 365 whole days), lifetime (every order up to as_of), cohorts (the 12 first-order months whose eleventh month is over) or at as_of
--
-- The vital signs and where each band comes from: docs/generator.md#vital-signs. Whole days end
-- at the midnight starting as_of's day, so a day not over yet does not tilt a figure.
--   median_order_value          total_amount (VAT and shipping included, after discounts) of the
--                               window's last 2,000 orders (all of them when fewer), whatever their status
--   mean_order_value            the sales model's total sales per order placed in the window: gross
--                               sales less discounts, plus shipping and VAT (for an order whose
--                               figures add up, its total_amount)
--   top_product_share           the best-selling product's share of the window's sales (gross
--                               sales less discounts of the orders placed, no returns)
--   top_1pct_products_share     the same for the top 1 % of the catalogue (products rows, rounded up)
--   repeat_buyer_share          customers with 2+ counted orders (placed up to as_of, not cancelled
--                               or refunded at as_of) among those with one
--   orders_per_active_customer  orders placed in the year, per customer with a counted order from
--                               the year's start to as_of
--   new_customer_order_share    customers whose first counted order was placed in the window, per
--                               order placed in it
--   retention_month_1, retention_month_11  of the customers of the cohorts, the share with a
--                               counted order 1 (11) months after their first (as retention_cohorts)
--   retention_decay             retention_month_11 / retention_month_1
--   session_conversion          sessions started in the window (first page view) that reached the
--                               funnel's order stage by as_of (as conversion_funnel)
--   add_to_cart_rate            the same sessions reaching the funnel's add-to-cart stage
--   return_rate                 the sales model's returns in the window (net sales of the lines
--                               cancelled or refunded then, whenever placed) per sales placed in it
--   return_rate_spread          the highest department's return rate over the lowest's, among the
--                               departments (top-level categories) with sales in the window
--   coupon_use                  of the window's last 2,000 orders, those with an order discount (a coupon)
--   towns                       distinct towns (addresses.city) those orders were shipped to in GB
--   valid_postcode_share        the share of them shipped to a well-formed UK postcode
--   stock_out_share             active products' warehouse rows with no stock at as_of
--   yearly_growth               the year's sales (gross less discounts) against the year before
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -f shop_vitals.sql
--
-- The full-scan version: every figure from the raw tables.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif

with

params as (
    select
        :as_of::timestamptz                                                       as as_of,
        (shop_day(:as_of::timestamptz) - :days::int)::timestamptz                 as window_start,
        shop_day(:as_of::timestamptz)::timestamptz                                as window_end,
        (shop_day(:as_of::timestamptz) - 365)::timestamptz                        as year_start,
        (shop_day(:as_of::timestamptz) - 730)::timestamptz                        as prior_year_start,
        date_trunc('month', :as_of::timestamptz)::date                            as as_of_month
),

-- every order's status at as_of: the status it left at its first change after as_of, or its
-- status now
status_then as (
    select distinct on (changes.order_id) changes.order_id, changes.from_status
    from order_status_changes as changes, params
    where changes.changed_at > params.as_of
    order by changes.order_id, changes.changed_at, changes.change_id
),

counted_orders as (
    select orders.order_id, orders.customer_id, orders.created_at
    from params
    cross join orders
    left join status_then using (order_id)
    where orders.created_at <= params.as_of
      and coalesce(status_then.from_status, orders.status) not in ('cancelled', 'refunded')
),

-- the window's last 2,000 orders (all of them when fewer): a median, the coupon use and the
-- geography need the orders themselves, and 2,000 give them within a few per cent
window_orders as (
    select orders.order_id, orders.total_amount, orders.discount_amount, orders.shipping_address_id
    from orders, params
    where orders.created_at >= params.window_start and orders.created_at < params.window_end
    order by orders.created_at desc, orders.order_id desc
    limit 2000
),

-- the orders placed in the window: how many, and the sales model's total sales (their lines'
-- totals, less order discounts, plus shipping and VAT)
placed_orders as (
    select count(*) as orders,
           coalesce(sum(coalesce(orders.shipping_cost, 0) + coalesce(orders.tax_amount, 0)
                        - coalesce(orders.discount_amount, 0)), 0) as charges
    from orders, params
    where orders.created_at >= params.window_start and orders.created_at < params.window_end
),

placed_lines as (
    select coalesce(sum(items.line_total), 0) as line_totals
    from order_items as items
    join orders using (order_id)
    cross join params
    where orders.created_at >= params.window_start and orders.created_at < params.window_end
),

order_values as (
    select
        max(placed_orders.orders)                                                 as orders,
        round((percentile_cont(0.5) within group (order by window_orders.total_amount::float8))::numeric, 2) as median_value,
        round((max(placed_lines.line_totals) + max(placed_orders.charges)) / nullif(max(placed_orders.orders), 0), 2)
                                                                                  as mean_value,
        round(100.0 * count(window_orders.order_id) filter (where window_orders.discount_amount > 0)
              / nullif(count(window_orders.order_id), 0), 1)                      as coupon_pct
    from placed_orders
    cross join placed_lines
    left join window_orders on true
),

-- sales (gross less discounts) per product of the orders placed in the window
product_sales as (
    select lines.product_id, sum(lines.gross_sales - lines.line_discount - lines.order_discount) as sales
    from order_line_sales lines, params
    where lines.created_at >= params.window_start and lines.created_at < params.window_end
    group by lines.product_id
),

ranked_products as (
    select sales, row_number() over (order by sales desc, product_id) as rank
    from product_sales
),

catalogue as (
    select ceil(count(*) / 100.0) as top_count from products
),

concentration as (
    select
        round(100.0 * max(sales) / nullif(sum(sales), 0), 1)                       as top_product_pct,
        round(100.0 * sum(sales) filter (where rank <= catalogue.top_count)
              / nullif(sum(sales), 0), 1)                                          as top_1pct_pct
    from catalogue
    left join ranked_products on true
    group by catalogue.top_count
),

buyers as (
    select customer_id, count(*) as orders, min(created_at) as first_order_at, max(created_at) as last_order_at
    from counted_orders
    group by customer_id
),

year_order_count as (
    select count(*) as year_orders
    from orders, params
    where orders.created_at >= params.year_start and orders.created_at < params.window_end
),

year_orders as (
    select
        max(year_order_count.year_orders)                                           as year_orders,
        sum(lines.gross_sales - lines.line_discount - lines.order_discount)
            filter (where lines.created_at >= params.year_start)                    as year_sales,
        sum(lines.gross_sales - lines.line_discount - lines.order_discount)
            filter (where lines.created_at < params.year_start)                     as prior_year_sales
    from params
    cross join year_order_count
    left join order_line_sales lines
           on lines.created_at >= params.prior_year_start and lines.created_at < params.window_end
    group by params.year_start, params.window_end
),

customer_figures as (
    select
        round(100.0 * count(*) filter (where buyers.orders >= 2) / nullif(count(buyers.customer_id), 0), 1) as repeat_pct,
        round(max(year_orders.year_orders)::numeric
              / nullif(count(*) filter (where buyers.last_order_at >= params.year_start), 0), 2) as orders_per_customer,
        round(100.0 * count(*) filter (where buyers.first_order_at >= params.window_start
                                         and buyers.first_order_at < params.window_end)
              / nullif(max(order_values.orders), 0), 1)                             as new_customer_pct,
        round(100.0 * (max(year_orders.year_sales) - max(year_orders.prior_year_sales))
              / nullif(max(year_orders.prior_year_sales), 0), 1)                    as growth_pct
    from params, year_orders, order_values
    left join buyers on true
),

-- retention: the 12 cohorts (months of a first counted order) whose eleventh month is over
customer_order_months as (
    select distinct customer_id, date_trunc('month', created_at)::date as order_month
    from counted_orders
),

first_months as (
    select customer_id, min(order_month) as cohort_month
    from customer_order_months
    group by customer_id
),

cohort_customers as (
    select
        first_months.customer_id,
        bool_or(customer_order_months.order_month = (first_months.cohort_month + interval '1 month')::date)  as back_month_1,
        bool_or(customer_order_months.order_month = (first_months.cohort_month + interval '11 months')::date) as back_month_11
    from first_months
    join customer_order_months using (customer_id)
    cross join params
    where first_months.cohort_month >= (params.as_of_month - interval '23 months')::date
      and first_months.cohort_month <= (params.as_of_month - interval '12 months')::date
    group by first_months.customer_id
),

retention as (
    select
        round(100.0 * count(*) filter (where back_month_1) / nullif(count(*), 0), 1)  as month_1_pct,
        round(100.0 * count(*) filter (where back_month_11) / nullif(count(*), 0), 1) as month_11_pct
    from cohort_customers
),

-- the funnel of the sessions started in the window, each stage needing the ones before
window_sessions as (
    select distinct page_views.session_id
    from page_views, params
    where page_views.session_id is not null
      and page_views.viewed_at >= params.window_start
      and page_views.viewed_at < params.window_end
      and not exists (
          select 1 from page_views earlier
          where earlier.session_id = page_views.session_id and earlier.viewed_at < params.window_start
      )
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

funnel as (
    select
        round(100.0 * count(*) filter (where viewed_product and added_to_cart and checked_out and ordered)
              / nullif(count(*), 0), 2)                                                       as conversion_pct,
        round(100.0 * count(*) filter (where viewed_product and added_to_cart) / nullif(count(*), 0), 1) as add_to_cart_pct
    from session_stages
),

-- departments: the top-level category above each product's
product_departments as (
    select products.product_id, category_ancestry.ancestor_id as department_id
    from products
    join category_ancestry using (category_id)
    join categories on categories.category_id = category_ancestry.ancestor_id
    where categories.parent_id is null
),

-- the window's returns: lines of orders cancelled or refunded in it, whenever placed, and of
-- partial refunds
returned_lines as (
    select order_line_returns.product_id, order_line_returns.net_sales as returned
    from order_line_returns, params
    where order_line_returns.returned_at >= params.window_start and order_line_returns.returned_at < params.window_end
),

department_sales as (
    select product_departments.department_id, sum(product_sales.sales) as sales
    from product_sales
    join product_departments using (product_id)
    group by product_departments.department_id
    having sum(product_sales.sales) > 0
),

department_returned as (
    select product_departments.department_id, sum(returned_lines.returned) as returned
    from returned_lines
    join product_departments using (product_id)
    group by product_departments.department_id
),

department_returns as (
    select department_sales.department_id, department_sales.sales,
           coalesce(department_returned.returned, 0) as returned
    from department_sales
    left join department_returned using (department_id)
),

returned_total as (
    select coalesce(sum(returned), 0) as returned from returned_lines
),

sales_total as (
    select sum(sales) as sales from product_sales
),

returns as (
    select
        round(100.0 * max(returned_total.returned) / nullif(max(sales_total.sales), 0), 1)      as return_pct,
        round(max(department_returns.returned / department_returns.sales)
              / nullif(min(department_returns.returned / department_returns.sales), 0), 2)      as spread
    from returned_total
    cross join sales_total
    left join department_returns on true
),

geography as (
    select
        count(distinct addresses.city)                                                           as towns,
        round(100.0 * count(*) filter (where addresses.postcode
                                                ~ '^([A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABD-HJLNP-UW-Z]{2}$')
              / nullif(count(*), 0), 1)                                                          as valid_postcode_pct
    from window_orders
    join addresses on addresses.address_id = window_orders.shipping_address_id
    where addresses.country = 'GB'
),

later_movements as (
    select stock_movements.product_id, stock_movements.warehouse, sum(stock_movements.quantity) as quantity
    from stock_movements, params
    where stock_movements.moved_at > params.as_of
    group by stock_movements.product_id, stock_movements.warehouse
),

stock_then as (
    select inventory.quantity - coalesce(later_movements.quantity, 0) as stock
    from inventory
    join products using (product_id)
    left join later_movements using (product_id, warehouse)
    where coalesce(products.is_active, false)
),

stock as (
    select round(100.0 * count(*) filter (where stock <= 0) / nullif(count(*), 0), 1) as stock_out_pct
    from stock_then
),

signs as (
    select *
    from order_values, concentration, customer_figures, retention, funnel, returns, geography, stock
),

-- one row per sign: a union of selects over the one row of signs (Citus plans no lateral
-- subquery over a CTE)
sign_rows as (
    select 1 as position, 'median_order_value'::text as vital_sign, signs.median_value::numeric as value, 'GBP'::text as unit,
           35::numeric as band_low, 70::numeric as band_high, 'window'::text as measured_over from signs
    union all
    select 2, 'mean_order_value', signs.mean_value, 'GBP', 50, 100, 'window' from signs
    union all
    select 3, 'top_product_share', signs.top_product_pct, '%', null, 3, 'window' from signs
    union all
    select 4, 'top_1pct_products_share', signs.top_1pct_pct, '%', 10, 30, 'window' from signs
    union all
    select 5, 'repeat_buyer_share', signs.repeat_pct, '%', 20, 45, 'lifetime' from signs
    union all
    select 6, 'orders_per_active_customer', signs.orders_per_customer, 'orders', 1.3, 3, 'year' from signs
    union all
    select 7, 'new_customer_order_share', signs.new_customer_pct, '%', 25, 60, 'window' from signs
    union all
    select 8, 'retention_month_1', signs.month_1_pct, '%', 5, 20, 'cohorts' from signs
    union all
    select 9, 'retention_month_11', signs.month_11_pct, '%', 2, 15, 'cohorts' from signs
    union all
    select 10, 'retention_decay', round(signs.month_11_pct / nullif(signs.month_1_pct, 0), 2), 'ratio', null, 0.8, 'cohorts' from signs
    union all
    select 11, 'session_conversion', signs.conversion_pct, '%', 1.5, 4, 'window' from signs
    union all
    select 12, 'add_to_cart_rate', signs.add_to_cart_pct, '%', 6, 15, 'window' from signs
    union all
    select 13, 'return_rate', signs.return_pct, '%', 5, 15, 'window' from signs
    union all
    select 14, 'return_rate_spread', signs.spread, 'ratio', 2, null, 'window' from signs
    union all
    select 15, 'coupon_use', signs.coupon_pct, '%', 10, 30, 'window' from signs
    union all
    select 16, 'towns', signs.towns, 'towns', 100, null, 'window' from signs
    union all
    select 17, 'valid_postcode_share', signs.valid_postcode_pct, '%', 99, 100, 'window' from signs
    union all
    select 18, 'stock_out_share', signs.stock_out_pct, '%', 1, 10, 'at as_of' from signs
    union all
    select 19, 'yearly_growth', signs.growth_pct, '%', 5, 40, 'year' from signs
),

final as (
    select
        vital_sign,
        value,
        unit,
        band_low,
        band_high,
        case when value is not null
             then value >= coalesce(band_low, value) and value <= coalesce(band_high, value)
        end as in_band,
        measured_over
    from sign_rows
    order by position
)

select * from final;
