-- Category products: the products behind one category of category_sales (its whole subtree), a page at a time.
--
-- question: Which products of this category and its subcategories sold in the window, and what did each sell?
-- grain:    one row per product of the subtree with sales or returns in the window, highest net sales first (then product_id); at most limit + 1 rows from the cursor on
-- audience: aggregate
-- param:    category_id       | integer |    | 1..2147483647 | the category (a category_id of category_sales); required
-- param:    days              | integer | 30 | 1..3660       | the window, as category_sales: this many shop days, ending with its last day (as_of's day unless `to` is given)
-- param:    from              | date    |    | any           | the window's first shop day, inclusive (instead of `days`)
-- param:    to                | date    |    | any           | the window's last shop day, inclusive (default: as_of's day); the window never goes past as_of
-- param:    category          | text    |    | any | filter: only products of this category and every category below it (its category_id or slug), as category_sales'
-- param:    limit             | integer | 50 | 1..1000       | rows per page (one more is read, to tell whether another page follows)
-- param:    after_net_sales   | text    |    | any           | keyset: start after the products with these net sales (the API's cursor sets it; empty: the first page)
-- param:    after_product_id  | integer | 0  | 0..2147483647 | keyset: ... and this product_id (ties of net_sales)
-- window:   from | to | days | 3660
-- column:   product_id        | id      | the product (its orders: the product_orders drill)
-- column:   sku               | text    | its stock-keeping unit
-- column:   product_name      | text    | its name
-- column:   category          | text    | its own category, the clicked one or one below it
-- column:   units             | units   | units ordered in the window, less the units of the orders returned in it
-- column:   gross_sales       | GBP     | unit price x quantity of its lines in orders placed in the window
-- column:   discounts         | GBP     | their line discounts plus their share of their orders' coupons
-- column:   returns           | GBP     | net sales of its lines in orders cancelled or refunded in the window
-- column:   net_sales         | GBP     | gross_sales - discounts - returns
--
-- The window and the measures are category_sales' and top_products' (each product with its current
-- category): the list's units, gross_sales, discounts, returns and net_sales add up to the
-- category's row of category_sales (category_products_total.sql sums them). Read as category_sales
-- reads them: the product rollups' rows of the window (product_window_totals(): one row per product
-- for a default window kept whole, the spans and days otherwise) less what as_of's day holds after
-- as_of. Each page sums those rows once more and keeps the products of the subtree.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v category_id=1 -f category_products.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?category_id} \else \set category_id 0 \endif
\if :{?days} \else \set days 30 \endif
\if :{?from} \else \set from '' \endif
\if :{?to} \else \set to '' \endif
\if :{?category} \else \set category '' \endif
\if :{?limit} \else \set limit 50 \endif
\if :{?after_net_sales} \else \set after_net_sales '' \endif
\if :{?after_product_id} \else \set after_product_id 0 \endif

with

params as (
    select
        :as_of::timestamptz                                                    as as_of,
        coalesce(nullif(:'to', '')::date, shop_day(:as_of::timestamptz))       as last_day,
        nullif(:'from', '')::date                                              as from_day,
        coalesce(nullif(:'after_net_sales', '')::numeric, 'Infinity')          as after_net_sales,
        :after_product_id::bigint                                              as after_product_id
),

bounds as (
    select
        as_of,
        coalesce(from_day, last_day - (:days::int - 1))                        as first_day,
        least(last_day, shop_day(as_of))                                       as last_day,
        after_net_sales,
        after_product_id
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

page as (
    select product_sales.*
    from product_sales, bounds
    where product_sales.net_sales < bounds.after_net_sales
       or (product_sales.net_sales = bounds.after_net_sales and product_sales.product_id > bounds.after_product_id)
    order by product_sales.net_sales desc, product_sales.product_id
    limit :limit::int + 1
),

final as (
    select
        page.product_id,
        page.sku,
        page.product_name,
        categories.name                      as category,
        page.units,
        page.gross_sales::numeric(16, 2)     as gross_sales,
        page.discounts::numeric(16, 2)       as discounts,
        page.returns::numeric(16, 2)         as returns,
        page.net_sales::numeric(16, 2)       as net_sales
    from page
    join categories using (category_id)
)

select * from final
-- an unknown category is refused (category_filter() raises), even when the list is empty: a
-- one-time check before any row
where :'category' = '' or exists (select 1 from category_filter(:'category'))
order by net_sales desc, product_id;
