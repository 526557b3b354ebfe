-- Category products, in total: what the list of category_products.sql adds up to, for the drill's first page.
--
-- question: How many products of this category and its subcategories sold in the window, and what did they sell?
-- grain:    one row
-- audience: aggregate
-- param:    category_id   | integer |    | 1..2147483647 | the category; required
-- param:    days          | integer | 30 | 1..3660       | the window, as category_sales
-- param:    from          | date    |    | any           | the window's first shop day, inclusive (instead of `days`)
-- param:    to            | date    |    | any           | the window's last shop day, inclusive (default: as_of's day)
-- param:    category      | text    |    | any | filter: only products of this category and every category below it (its category_id or slug), as category_sales'
-- window:   from | to | days | 3660
-- column:   products      | count   | products of the subtree with sales or returns in the window (the list's rows)
-- column:   units         | units   | category_sales' units of the category
-- column:   gross_sales   | GBP     | category_sales' gross_sales
-- column:   discounts     | GBP     | category_sales' discounts
-- column:   returns       | GBP     | category_sales' returns
-- column:   net_sales     | GBP     | category_sales' net_sales
--
-- psql: psql -v as_of="'2026-06-30 12:00'" -v category_id=1 -f category_products_total.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?category_id} \else \set category_id 0 \endif
\if :{?days} \else \set days 30 \endif
\if :{?from} \else \set from '' \endif
\if :{?to} \else \set to '' \endif
\if :{?category} \else \set category '' \endif

with

params as (
    select
        :as_of::timestamptz                                                    as as_of,
        coalesce(nullif(:'to', '')::date, shop_day(:as_of::timestamptz))       as last_day,
        nullif(:'from', '')::date                                              as from_day
),

bounds as (
    select
        as_of,
        coalesce(from_day, last_day - (:days::int - 1))                        as first_day,
        least(last_day, shop_day(as_of))                                       as last_day
    from params
),

subtree as (
    select descendant_id as category_id
    from category_descendants()
    where ancestor_id = :category_id::int
      -- the category filter (an unknown category is refused by category_filter(), naming it)
      and (:'category' = '' or descendant_id in (select category_filter(:'category')))
),

window_rows as (
    select window_rows.* from bounds, product_window_totals(bounds.first_day, bounds.last_day) as window_rows
),

-- what the last day holds after as_of, taken off: category_sales.sql's "later", from the raw rows by
-- product_sales_after() (R__43_product_sales_after.sql: nothing for the dashboard's "now", and on a
-- Citus cluster no sales view valued whole on the coordinator first)
later as (
    select later.* from bounds, product_sales_after(bounds.as_of, bounds.first_day, bounds.last_day) as later
),

product_sales as (
    select
        products.product_id,
        products.sku,
        products.name                                                          as product_name,
        products.category_id,
        sum(rows.units - rows.returned_units)                                  as units,
        sum(rows.gross_sales)                                                  as gross_sales,
        sum(rows.discounts)                                                    as discounts,
        sum(rows.returns)                                                      as returns,
        sum(rows.gross_sales - rows.discounts - rows.returns)                  as net_sales
    from (select * from window_rows union all select * from later) as rows
    join products using (product_id)
    join subtree using (category_id)
    group by products.product_id
    having sum(rows.units) <> 0 or sum(rows.returned_units) <> 0
),

final as (
    select
        count(*)                                          as products,
        coalesce(sum(units), 0)                           as units,
        coalesce(sum(gross_sales), 0)::numeric(16, 2)     as gross_sales,
        coalesce(sum(discounts), 0)::numeric(16, 2)       as discounts,
        coalesce(sum(returns), 0)::numeric(16, 2)         as returns,
        coalesce(sum(net_sales), 0)::numeric(16, 2)       as net_sales
    from product_sales
)

select * from final
-- an unknown category is refused (category_filter() raises), even when the list is empty: a
-- one-time check before any row
where :'category' = '' or exists (select 1 from category_filter(:'category'));
