-- Cheaper rollup writes, part 2 (issue 7: the rollups may cost at most 30 % of order-placement
-- throughput; after V8_5 and V9_2 they cost 34-35 %).
--
-- Placing an order inserts one order and its lines, and each insert statement ran one rollup
-- trigger per family: four on orders (days, cohorts, customers, risk; the funnel's skips orders
-- without a session) and two on order_items (products, categories). Counted per placed order
-- (pg_stat_statements, scale 1), the cohort, customer and day families' inserts took 0.02-0.04 ms
-- each, but each trigger first copied the transition table into an array of orders rows and
-- handed it to its family's maintenance function, 0.09-0.12 ms in all; and the category trigger
-- walked the order's other lines once per category reached (0.22 ms), though an order being
-- placed has no other lines. So inserts now run one trigger per table, which feeds every family
-- from one statement reading the transition table directly (no arrays, no function calls):
--   * orders: the day, cohort, customer and risk rollups' rows of the new orders, as their
--     families' general functions compute them for added rows (rollup_orders_apply,
--     rollup_cohorts_apply, rollup_customer_orders_apply: +1 per row, nothing removed;
--     rollup_order_risk_apply: one row per order, for orders placed after all their customer's
--     others). An order inserted before a later order of its customer (back-dated) still takes
--     rollup_order_risk_apply, which also updates the later orders' rows.
--   * order_items: the product, pair, basket and category rollups' rows of lines inserted into
--     orders without other lines (placing an order), from one set of counted lines. Lines added
--     to orders that had lines take the general ways (rollup_lines_added, and for categories the
--     statement below, which subtracts what the orders' other lines reached).
-- Updates, deletes and truncates keep their families' own triggers. The funnel's insert trigger
-- stays on its own: it does nothing for an order without a session.

-- ============================================================
-- ORDERS INSERTED
-- ============================================================
-- Replaces V6's day rollup trigger function (same trigger, orders_rollups_insert); the cohort,
-- customer and risk rollups' insert triggers are dropped below.
create or replace function orders_rollups_inserted() returns trigger
language plpgsql as $$
declare
    back_dated boolean;
begin
    -- An order with a later order of its customer changes that order's risk figures too.
    back_dated := exists (
        select 1
        from new_orders
        join orders later
          on later.customer_id = new_orders.customer_id
         and later.created_at > new_orders.created_at
        where not exists (select 1 from new_orders n where n.order_id = later.order_id));
    if back_dated then
        perform rollup_order_risk_apply(array(select n::orders from new_orders n), '{}');
    end if;

    with

    days as (
        insert into rollup_order_days_pending (day, status, orders, revenue)
        select shop_day(created_at), status, count(*), sum(total_amount)
        from new_orders
        group by 1, 2
    ),

    customer_months as (
        insert into rollup_customer_months_pending (customer_id, month, orders)
        select customer_id, shop_month(created_at), count(*)
        from new_orders
        where counts_as_sale(status)
        group by 1, 2
    ),

    -- nothing removed: the folder adds these to the folded row, first and last by least and greatest
    customer_orders as (
        insert into rollup_customer_orders_pending (customer_id, orders, spend, first_order_at, last_order_at, removed)
        select customer_id, count(*), sum(total_amount), min(created_at), max(created_at), 0
        from new_orders
        where counts_as_sale(status)
        group by customer_id
    )

    -- each order's own row: its customer's counted orders before it (V8_5's counted_orders_before)
    insert into rollup_order_risk_pending (order_id, customer_id, created_at, total_amount, earlier_orders,
                                           earlier_revenue, prior_hour_orders, new_account)
    select new_orders.order_id, new_orders.customer_id, new_orders.created_at, new_orders.total_amount,
           earlier.orders, earlier.revenue, earlier.prior_hour,
           (new_orders.created_at - customers.signup_date < interval '1 hour')::int
    from new_orders
    left join customers on customers.customer_id = new_orders.customer_id
    cross join lateral counted_orders_before(new_orders.customer_id, new_orders.created_at) as earlier
    where not back_dated;
    return null;
end
$$;

drop trigger orders_rollups_cohorts_insert on orders;
drop trigger orders_rollups_customers_insert on orders;
drop trigger orders_rollups_risk_insert on orders;
-- Their functions served only those triggers (the cohorts' also serves its update and delete
-- triggers, and stays).
drop function orders_customer_rollups_inserted();
drop function orders_risk_inserted();

-- ============================================================
-- ORDER LINES INSERTED
-- ============================================================
-- Replaces V6_1's product rollup trigger function (same trigger, order_items_rollups_insert);
-- the category rollup's insert trigger is dropped below.
create or replace function order_items_rollups_inserted() returns trigger
language plpgsql as $$
begin
    if exists (select 1 from order_items
               where order_items.order_id in (select order_id from new_items)
                 and not exists (select 1 from new_items where new_items.item_id = order_items.item_id)) then
        perform rollup_lines_added(array(select n::order_items from new_items n));
        -- the categories the new lines reach that their orders' other lines did not (V8_5)
        insert into rollup_category_orders_pending (category_id, orders)
        select ancestry.ancestor_id, count(distinct new_items.order_id)
        from new_items
        join orders using (order_id)
        join products using (product_id)
        join category_ancestry ancestry using (category_id)
        where counts_as_sale(orders.status)
          and not exists (
              select 1
              from order_items other
              join products other_product on other_product.product_id = other.product_id
              join category_ancestry other_ancestry on other_ancestry.category_id = other_product.category_id
              where other.order_id = new_items.order_id
                and other_ancestry.ancestor_id = ancestry.ancestor_id
                and not exists (select 1 from new_items n where n.item_id = other.item_id))
        group by ancestry.ancestor_id;
        return null;
    end if;

    -- Orders without other lines: the new lines are their whole baskets.
    with

    counted_lines as (
        select new_items.order_id, new_items.product_id, new_items.quantity, new_items.line_total, products.category_id
        from new_items
        join orders using (order_id)
        join products using (product_id)
        where counts_as_sale(orders.status)
    ),

    sales as (
        insert into rollup_product_sales_pending (product_id, units, revenue, orders)
        select product_id, sum(quantity), sum(line_total), count(distinct order_id)
        from counted_lines
        group by product_id
    ),

    pairs as (
        insert into rollup_product_pairs_pending (product_1_id, product_2_id, orders)
        select first_line.product_id, second_line.product_id, count(distinct first_line.order_id)
        from counted_lines first_line
        join counted_lines second_line
          on second_line.order_id = first_line.order_id
         and second_line.product_id > first_line.product_id
        group by 1, 2
    ),

    -- each order once per category its lines reach (category_ancestry: a category and its ancestors)
    categories as (
        insert into rollup_category_orders_pending (category_id, orders)
        select ancestry.ancestor_id, count(distinct counted_lines.order_id)
        from counted_lines
        join category_ancestry ancestry using (category_id)
        group by ancestry.ancestor_id
    )

    insert into rollup_basket_totals_pending (orders)
    select count(distinct order_id)
    from counted_lines
    having count(*) > 0;
    return null;
end
$$;

drop trigger order_items_rollups_category_insert on order_items;
drop function order_items_category_inserted();
