-- New orders and order lines: every family's rows in one pass, the hot path of placing an order
-- (the rollups may cost at most 30 % of order-placement throughput).
--
-- Placing an order inserts one order and its lines. With one rollup trigger per family on each
-- insert (four on orders, two on order_items), counted per placed order (pg_stat_statements,
-- scale 1), the cohort, customer and day families' inserts took 0.02-0.04 ms each, but each
-- trigger first copied the transition table into an array of orders rows and handed it to its
-- family's maintenance function, 0.09-0.12 ms in all; and the category trigger walked the order's
-- other lines once per category reached (0.22 ms), though an order being placed has no other
-- lines. So inserts run one trigger per table, which feeds every family from one statement
-- reading the transition table directly (no arrays, no function calls):
--   * orders: the day, cohort, customer, first-order and risk rollups' rows of the new orders, as their
--     families' general functions compute them for added rows (rollup_orders_apply: the orders'
--     own part of their sale,
--     rollup_cohorts_apply, rollup_customer_orders_apply: +1 per row, nothing removed;
--     rollup_order_risk_apply: one row per order, for orders placed after all their customer's
--     others). An order inserted before a later order of its customer (back-dated) still takes
--     rollup_order_risk_apply, which also updates the later orders' rows.
--   * order_items: the product, pair, basket and category days of the orders the lines go to,
--     their baskets after the statement less before (rollup_product_days_apply(): an order being
--     placed had no lines before), in one call; the day rollups' gross sales and line discounts of
--     every line, and the customers' net sales, from the transition table (lines added to orders
--     that had lines take their families' general ways).
-- Updates, deletes and truncates keep their families' own triggers. The funnel's insert trigger
-- stays on its own: it does nothing for an order without a session.

-- ============================================================
-- ORDERS INSERTED
-- ============================================================
create or replace function orders_rollups_inserted() returns trigger
language plpgsql as $$
declare
    back_dated boolean;
begin
    -- Concurrent writers of one customer's orders take turns here (lock_order_risk_customers(), the
    -- order_risk family): what follows reads the customer's other orders, and must see every one
    -- committed before it.
    perform lock_order_risk_customers(array(select customer_id from new_orders));
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

    -- the orders' own part of their sale (their lines add theirs, see below)
    days as (
        insert into rollups.sales_hours_pending (hour, orders, gross_sales, discounts, shipping, taxes)
        select shop_hour(created_at), count(*), 0, coalesce(sum(discount_amount), 0),
               coalesce(sum(shipping_cost), 0), coalesce(sum(tax_amount), 0)
        from new_orders
        group by 1
    ),

    customer_months as (
        insert into rollups.customer_months_pending (customer_id, month, orders)
        select customer_id, shop_month(created_at), count(*)
        from new_orders
        where counts_as_sale(status)
        group by 1, 2
    ),

    -- each customer's first order placed (R__27_rollup_first_orders.sql): a new order can only
    -- make it earlier (this runs in the customers' turns, taken above)
    first_orders as (
        insert into rollups.customer_first_orders as rollup (customer_id, first_order_at)
        select customer_id, min(created_at)
        from new_orders
        where customer_id is not null
        group by customer_id
        order by customer_id
        on conflict (customer_id) do update set first_order_at = least(rollup.first_order_at, excluded.first_order_at)
    ),

    -- nothing removed: the folder adds these to the folded row, first and last by least and greatest;
    -- net sales: an order being inserted has no lines yet (they follow it), so minus its discount
    customer_orders as (
        insert into rollups.customer_orders_pending (customer_id, orders, spend, first_order_at, last_order_at, removed)
        select customer_id, count(*), -sum(coalesce(discount_amount, 0)), min(created_at), max(created_at), 0
        from new_orders
        where counts_as_sale(status)
        group by customer_id
    )

    -- each order's own row: its customer's counted orders before it (counted_orders_before())
    insert into rollups.order_risk_pending (order_id, customer_id, created_at, total_amount, earlier_orders,
                                           earlier_revenue, prior_hour_orders, new_account, counted)
    select new_orders.order_id, new_orders.customer_id, new_orders.created_at, new_orders.total_amount,
           earlier.orders, earlier.revenue, earlier.prior_hour,
           (new_orders.created_at - customers.signup_date < interval '1 hour')::int,
           (new_orders.status not in ('cancelled', 'refunded'))::int
    from new_orders
    left join customers on customers.customer_id = new_orders.customer_id
    cross join lateral counted_orders_before(new_orders.customer_id, new_orders.created_at) as earlier
    where not back_dated;
    return null;
end
$$;

create or replace trigger orders_rollups_insert after insert on orders
    referencing new table as new_orders
    for each statement execute function orders_rollups_inserted();

-- ============================================================
-- ORDER LINES INSERTED
-- ============================================================
create or replace function order_items_rollups_inserted() returns trigger
language plpgsql as $$
declare
    touched int[] := array(select distinct order_id from new_items);
    now_rows record;
begin
    -- the product, pair, basket and category days of the orders' baskets now, less before the
    -- new lines (nothing for an order being placed: its lines are all new)
    select * into now_rows from order_sales_rows(touched);
    perform rollup_product_days_apply(
        now_rows.order_rows, now_rows.line_rows, now_rows.return_rows,
        now_rows.order_rows,
        array(select l from unnest(now_rows.line_rows) l where l.item_id not in (select item_id from new_items)),
        now_rows.return_rows);

    if exists (select 1 from order_items
               where order_items.order_id in (select order_id from new_items)
                 and not exists (select 1 from new_items where new_items.item_id = order_items.item_id)) then
        -- lines added to orders that had lines: the general ways
        perform rollup_sales_lines_apply(array(select n::order_items from new_items n), '{}');
        perform rollup_customer_lines_apply(array(select n::order_items from new_items n), '{}');
        return null;
    end if;

    -- Orders without other lines: the new lines are their whole baskets.
    with

    -- gross sales and line discounts on the order's hour (every line, whatever the status), and the
    -- line totals to the order's returns if it was inserted cancelled or refunded (as
    -- rollup_sales_lines_apply() does, for added lines)
    sales_days as (
        insert into rollups.sales_hours_pending (hour, orders, gross_sales, discounts, shipping, taxes)
        select shop_hour(orders.created_at), 0, sum(new_items.unit_price * new_items.quantity),
               sum(new_items.unit_price * new_items.quantity - new_items.line_total), 0, 0
        from new_items
        join orders using (order_id)
        group by 1
    ),

    return_days as (
        insert into rollups.return_hours_pending (hour, orders, returns, shipping, taxes)
        select shop_hour(changes.changed_at), 0, sum(new_items.line_total), 0, 0
        from new_items
        join order_status_changes changes
          on changes.order_id = new_items.order_id and changes.to_status in ('cancelled', 'refunded')
        group by 1
    )

    -- the lines' net sales to their orders' customers (the orders took their discounts off)
    insert into rollups.customer_orders_pending (customer_id, orders, spend, first_order_at, last_order_at, removed)
    select orders.customer_id, 0, sum(new_items.line_total), null, null, 0
    from new_items
    join orders using (order_id)
    where counts_as_sale(orders.status)
    group by orders.customer_id;
    return null;
end
$$;

create or replace trigger order_items_rollups_insert after insert on order_items
    referencing new table as new_items
    for each statement execute function order_items_rollups_inserted();
