-- The product_sales family: per shop day, what each product sold and had returned, which products
-- sell together, and how many orders had baskets (top_products, category_sales, market_basket), in
-- rollups.product_days (+ rollups.product_spans_folded), rollups.pair_days (+
-- rollups.pair_months_folded) and rollups.basket_days.
-- Writers append signed, grouped changes to <rollup>_pending, fold_product_sales_rollups() folds
-- them into <rollup>_folded, reports read both and sum a window's days.
--
-- The measures are the sales model's (R__22_sales_model.sql): sales on the day the order was
-- placed, whatever its status (so a status change never moves them), returns on the day of the
-- cancellation or refund, or of a partial refund (order_line_returns), the order's coupon shared over its lines in pence as
-- order_line_sales shares it. Baskets (pairs, basket_days, product_days.basket_orders) count the
-- orders not cancelled or refunded now; market_basket corrects them for the orders returned after
-- its as_of.
--
-- Every write is applied per order as "the order's contribution after the statement" minus "its
-- contribution before" (rollup_product_days_apply()), from the order's row, its lines and its
-- return changes on each side, so an allocation that a new line changes, a product counted once
-- per order and a pair once per order all come out right. The same function appends the order's
-- categories per day (the category_orders family, R__37_rollup_category_orders.sql), and those of
-- its basket if counted (the category_baskets family, R__58_rollup_category_baskets.sql).
-- Lines inserted (placing an order) are applied by order_items_rollups_inserted()
-- (R__40_rollup_inserts.sql); on a Citus cluster the catch-up job calls the same function.

-- What psql users can read: sum by key.
create or replace view rollups.product_days as
select day, product_id, units, orders, gross_sales, discounts, returned_units, returns, basket_orders
from rollups.product_days_folded
union all
select day, product_id, units, orders, gross_sales, discounts, returned_units, returns, basket_orders
from rollups.product_days_pending;

create or replace view rollups.pair_days as
select product_1_id, product_2_id, day, orders from rollups.pair_days_folded
union all
select product_1_id, product_2_id, day, orders from rollups.pair_days_pending;

create or replace view rollups.basket_days as
select day, orders from rollups.basket_days_folded
union all
select day, orders from rollups.basket_days_pending;

-- Each pair of a window's folded pair days with its orders there, both products among the given ones
-- when given: market_basket's candidates and their folded counts when one order in a month is
-- enough, which the pair months, keeping two orders or more (docs/rollups.md), do not list. A
-- function estimated at a few rows: read in the report's own statement, the planner sized its hash
-- tables for every pair of the window even where it does not read them, a third more time for the
-- report's default.
create or replace function pairs_of_window(first_day date, last_day date, products int[] default null)
returns table (product_1_id int, product_2_id int, orders numeric)
language plpgsql stable rows 100 as $$
begin
    return query
    select days.product_1_id, days.product_2_id, sum(days.orders)
    from rollups.pair_days_folded as days
    where days.day between first_day and last_day
      and (products is null or (days.product_1_id = any (products) and days.product_2_id = any (products)))
    group by 1, 2;
end
$$;

-- ============================================================
-- A WINDOW'S PRODUCTS
-- ============================================================
-- The first day of the span of 2^level days that holds day: spans start on multiples of their
-- length counted from 2000-01-01 (a shift, so days before it fall in spans too).
create or replace function day_span_start(day date, level int) returns date
language sql immutable strict as $$
    select date '2000-01-01' + (((day - date '2000-01-01') >> level) << level)
$$;

-- The spans rollups.product_spans_folded keeps, as powers of two of days: 4 to 1,024 days. Spans of
-- 2 days were about as many rows as the product days they summed and saved a window at most a few
-- hundred rows read at each end (docs/rollups.md, "Spans of days").
create or replace function product_span_levels() returns setof int
language sql immutable as $$
    select generate_series(2, 10)
$$;

-- The span of 2^level days from first_day as the product rollups keep it: a single day, a kept
-- span, or the single days of a span not kept (2 days).
create or replace function kept_day_span(first_day date, level int) returns table (span_days int, span_start date)
language sql immutable strict as $$
    select 1 << level, first_day
    where level = 0 or level in (select product_span_levels())
    union all
    select 1, first_day + day
    from generate_series(0, (1 << level) - 1) as day
    where level > 0 and level not in (select product_span_levels())
$$;

-- The spans and single days (span_days 1) that together make the days first_day..last_day: at
-- most two spans of each kept length, the longest that fit, and up to three single days at each
-- end. A segment tree's walk: at each length, an odd start or end takes its own span
-- (kept_day_span()) and the rest halves.
create or replace function day_spans(first_day date, last_day date) returns table (span_days int, span_start date)
language plpgsql immutable strict as $$
declare
    epoch constant date := date '2000-01-01';
    longest constant int := 10;   -- 2^10 = 1,024 days
    level int := 0;
    low int := first_day - epoch;         -- in units of 2^level days, inclusive
    high int := last_day - epoch + 1;     -- exclusive
begin
    while low < high loop
        if level = longest then
            for block in low .. high - 1 loop
                return query select 1 << level, epoch + (block << level);
            end loop;
            return;
        end if;
        if low & 1 = 1 then
            return query select * from kept_day_span(epoch + (low << level), level);
            low := low + 1;
        end if;
        if high & 1 = 1 then
            high := high - 1;
            return query select * from kept_day_span(epoch + (high << level), level);
        end if;
        low := low >> 1;
        high := high >> 1;
        level := level + 1;
    end loop;
end
$$;

-- The rollup rows whose sum per product is its sales over the shop days first_day..last_day: its
-- folded days and spans that make the window (day_spans()) and its pending days in it. What
-- top_products and category_sales sum, with what as_of's own day holds after as_of taken out.
-- (Rows rather than sums: the reports add their corrections and sum once.)
create or replace function product_window_rows(first_day date, last_day date)
returns table (product_id int, units bigint, orders bigint, gross_sales numeric, discounts numeric,
               returned_units bigint, returns numeric)
-- (PL/pgSQL: Citus refuses a query calling, with its CTE's values, an SQL function it would inline;
-- 30,000 rows is about what 30 days read at scale 1, for the plans of the reports summing them)
language plpgsql stable rows 30000 as $$
begin
    return query
    with spans as materialized (
        select * from day_spans(first_day, last_day)
    )
    select days.product_id, days.units, days.orders, days.gross_sales, days.discounts, days.returned_units,
           days.returns
    from spans
    join rollups.product_days_folded as days on days.day = spans.span_start
    where spans.span_days = 1
    union all
    select longer.product_id, longer.units, longer.orders, longer.gross_sales, longer.discounts,
           longer.returned_units, longer.returns
    from spans
    join rollups.product_spans_folded as longer
      on longer.span_days = spans.span_days and longer.span_start = spans.span_start
    where spans.span_days > 1
    union all
    select pending.product_id, pending.units, pending.orders, pending.gross_sales, pending.discounts,
           pending.returned_units, pending.returns
    from rollups.product_days_pending as pending
    where pending.day between first_day and last_day;
end
$$;

-- The old all-history maintenance (its tables are gone).
drop trigger if exists orders_rollups_baskets on orders;
drop function if exists orders_baskets_updated();
drop function if exists rollup_lines_added(order_items[]);
drop trigger if exists order_items_rollups_update on order_items;
drop trigger if exists order_items_rollups_delete on order_items;
drop function if exists order_items_rollups_changed();

-- ============================================================
-- MAINTENANCE
-- ============================================================
-- Appends what the orders of "after" (their rows, lines and return changes) contribute, less what
-- those of "before" did. Each side must hold, for every order it names, its whole basket: all its
-- lines (the allocation of its coupon and its distinct products depend on all of them) and all its
-- return changes. Products and categories as products holds them now.
create or replace function rollup_product_days_apply(
    after_orders orders[], after_lines order_items[], after_returns order_status_changes[],
    before_orders orders[], before_lines order_items[], before_returns order_status_changes[]) returns void
language plpgsql
set plan_cache_mode = force_generic_plan as $$
begin
    with

    sides as (
        select 1 as sign, o.order_id, o.created_at, coalesce(o.discount_amount, 0) as discount_amount,
               counts_as_sale(o.status) as counted
        from unnest(after_orders) as o
        union all
        select -1, o.order_id, o.created_at, coalesce(o.discount_amount, 0), counts_as_sale(o.status)
        from unnest(before_orders) as o
    ),

    side_lines as (
        select 1 as sign, l.order_id, l.item_id, l.product_id, l.quantity, l.unit_price, l.line_total
        from unnest(after_lines) as l
        union all
        select -1, l.order_id, l.item_id, l.product_id, l.quantity, l.unit_price, l.line_total
        from unnest(before_lines) as l
    ),

    -- each line with its share of the order's coupon, as order_line_sales computes it
    lines as (
        select
            sides.sign, sides.order_id, sides.created_at, sides.counted, side_lines.product_id, side_lines.quantity,
            side_lines.unit_price * side_lines.quantity as gross_sales,
            side_lines.line_total,
            case when sum(side_lines.line_total) over whole_order = 0 then 0
                 else round(sides.discount_amount * sum(side_lines.line_total) over running
                            / sum(side_lines.line_total) over whole_order, 2)
                    - round(sides.discount_amount * (sum(side_lines.line_total) over running - side_lines.line_total)
                            / sum(side_lines.line_total) over whole_order, 2)
            end as order_discount
        from sides
        join side_lines on side_lines.sign = sides.sign and side_lines.order_id = sides.order_id
        window whole_order as (partition by sides.sign, sides.order_id),
               running as (partition by sides.sign, sides.order_id order by side_lines.item_id)
    ),

    -- one row per (side, order, product)
    order_products as (
        select sign, order_id, product_id, created_at, counted,
               sum(quantity)                                 as units,
               sum(gross_sales)                              as gross_sales,
               sum(gross_sales - line_total + order_discount) as discounts,
               sum(line_total - order_discount)              as net_sales
        from lines
        group by sign, order_id, product_id, created_at, counted
    ),

    side_returns as (
        select 1 as sign, r.order_id, shop_day(r.changed_at) as day
        from unnest(after_returns) as r
        where r.to_status in ('cancelled', 'refunded')
        union all
        select -1, r.order_id, shop_day(r.changed_at)
        from unnest(before_returns) as r
        where r.to_status in ('cancelled', 'refunded')
    ),

    product_changes as (
        select shop_day(created_at) as day, product_id,
               sum(sign * units) as units, sum(sign) as orders, sum(sign * gross_sales) as gross_sales,
               sum(sign * discounts) as discounts, 0 as returned_units, 0 as returns,
               coalesce(sum(sign) filter (where counted), 0) as basket_orders
        from order_products
        group by 1, 2
        union all
        select side_returns.day, order_products.product_id, 0, 0, 0, 0,
               sum(side_returns.sign * order_products.units), sum(side_returns.sign * order_products.net_sales), 0
        from side_returns
        join order_products on order_products.sign = side_returns.sign and order_products.order_id = side_returns.order_id
        group by 1, 2
    ),

    products_appended as (
        insert into rollups.product_days_pending (day, product_id, units, orders, gross_sales, discounts,
                                                  returned_units, returns, basket_orders)
        select day, product_id, sum(units), sum(orders), sum(gross_sales), sum(discounts), sum(returned_units),
               sum(returns), sum(basket_orders)
        from product_changes
        group by day, product_id
        having sum(units) <> 0 or sum(orders) <> 0 or sum(gross_sales) <> 0 or sum(discounts) <> 0
            or sum(returned_units) <> 0 or sum(returns) <> 0 or sum(basket_orders) <> 0
    ),

    pairs_appended as (
        insert into rollups.pair_days_pending (product_1_id, product_2_id, day, orders)
        select first_line.product_id, second_line.product_id, shop_day(first_line.created_at), sum(first_line.sign)
        from order_products first_line
        join order_products second_line
          on second_line.sign = first_line.sign
         and second_line.order_id = first_line.order_id
         and second_line.product_id > first_line.product_id
        where first_line.counted
        group by 1, 2, 3
        having sum(first_line.sign) <> 0
    ),

    baskets_appended as (
        insert into rollups.basket_days_pending (day, orders)
        select shop_day(created_at), sum(sign)
        from (select distinct sign, order_id, created_at from order_products where counted) as baskets
        group by 1
        having sum(sign) <> 0
    ),

    -- each order once per category its lines reach, and the counted ones once more as baskets
    -- (category_baskets, R__58_rollup_category_baskets.sql)
    reached as (
        select distinct order_products.sign, order_products.order_id, shop_day(order_products.created_at) as day,
               order_products.counted, ancestry.ancestor_id
        from order_products
        join products using (product_id)
        join category_ancestry ancestry using (category_id)
    ),

    category_baskets_appended as (
        insert into rollups.category_basket_days_pending (day, category_id, orders)
        select day, ancestor_id, sum(sign)
        from reached
        where counted
        group by day, ancestor_id
        having sum(sign) <> 0
    )

    -- each order once per category its lines reach (category_ancestry: a category and its ancestors)
    insert into rollups.category_days_pending (day, category_id, orders)
    select day, ancestor_id, sum(sign)
    from reached
    group by day, ancestor_id
    having sum(sign) <> 0;
end
$$;

-- The rows of the given orders as the tables hold them now: the orders, their lines, their
-- return changes (each as its table's row type, for rollup_product_days_apply()).
create or replace function order_sales_rows(order_ids int[], out order_rows orders[], out line_rows order_items[],
                                            out return_rows order_status_changes[])
language plpgsql stable as $$
begin
    -- (row(...)::public.*: inside the catch-up job the tables resolve to its copies in rollup_job)
    order_rows := array(select row(o.*)::public.orders from orders o where o.order_id = any (order_ids));
    line_rows := array(select row(i.*)::public.order_items from order_items i where i.order_id = any (order_ids));
    -- (on a cluster order_status_changes is distributed: its rows come back as plain columns, then
    -- become rows here; Citus could not type the row constructor's parameters. Always the table
    -- itself: the catch-up job's copy holds only the changes its earlier runs applied)
    with returns as materialized (
        select c.change_id, c.order_id, c.from_status, c.to_status, c.changed_at
        from public.order_status_changes c
        where c.order_id = any (order_ids) and c.to_status in ('cancelled', 'refunded')
    )
    select coalesce(array_agg(row(returns.change_id, returns.order_id, returns.from_status, returns.to_status,
                                  returns.changed_at)::public.order_status_changes), '{}')
    into return_rows
    from returns;
end
$$;

-- Order lines changed or deleted: each order touched, now against before the statement (now,
-- without the statement's new rows, with its old ones).
create or replace function order_items_rollups_product_days() returns trigger
language plpgsql as $$
declare
    touched int[];
    now_rows record;
begin
    if tg_op = 'UPDATE' then
        touched := array(select order_id from new_items union select order_id from old_items);
    else
        touched := array(select distinct order_id from old_items);
    end if;
    select * into now_rows from order_sales_rows(touched);
    if tg_op = 'UPDATE' then
        perform rollup_product_days_apply(
            now_rows.order_rows, now_rows.line_rows, now_rows.return_rows,
            now_rows.order_rows,
            array(select l from unnest(now_rows.line_rows) l where l.item_id not in (select item_id from new_items)
                  union all select o::order_items from old_items o),
            now_rows.return_rows);
    else
        perform rollup_product_days_apply(
            now_rows.order_rows, now_rows.line_rows, now_rows.return_rows,
            now_rows.order_rows, now_rows.line_rows || array(select o::order_items from old_items o), now_rows.return_rows);
    end if;
    return null;
end
$$;

create or replace trigger order_items_rollups_product_days_update after update on order_items
    referencing old table as old_items new table as new_items
    for each statement execute function order_items_rollups_product_days();

create or replace trigger order_items_rollups_product_days_delete after delete on order_items
    referencing old table as old_items
    for each statement execute function order_items_rollups_product_days();

-- An order moved to another moment (its day), its coupon changed (the allocation) or moving in or
-- out of the counted statuses (its basket): its contribution with its row now against before.
create or replace function orders_rollups_product_days() returns trigger
language plpgsql as $$
declare
    touched int[];
    now_rows record;
begin
    touched := array(
        select n.order_id
        from new_orders n
        join old_orders o using (order_id)
        where n.created_at is distinct from o.created_at
           or n.discount_amount is distinct from o.discount_amount
           or counts_as_sale(n.status) is distinct from counts_as_sale(o.status));
    if cardinality(touched) = 0 then
        return null;
    end if;
    select * into now_rows from order_sales_rows(touched);
    perform rollup_product_days_apply(
        now_rows.order_rows, now_rows.line_rows, now_rows.return_rows,
        array(select o::orders from old_orders o where o.order_id = any (touched)), now_rows.line_rows, now_rows.return_rows);
    return null;
end
$$;

create or replace trigger orders_rollups_product_days after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_rollups_product_days();

-- A cancellation or refund recorded, re-dated or removed: the order's returns now against before.
create or replace function order_status_changes_rollups_product_days() returns trigger
language plpgsql as $$
declare
    touched int[];
    now_rows record;
    old_returns order_status_changes[] := '{}';
    new_ids bigint[] := '{}';
begin
    if tg_op in ('UPDATE', 'DELETE') then
        old_returns := array(select o::order_status_changes from old_changes o where o.to_status in ('cancelled', 'refunded'));
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        new_ids := array(select n.change_id from new_changes n where n.to_status in ('cancelled', 'refunded'));
    end if;
    touched := array(select order_id from unnest(old_returns)
                     union select c.order_id from order_status_changes c where c.change_id = any (new_ids));
    if cardinality(touched) = 0 then
        return null;
    end if;
    select * into now_rows from order_sales_rows(touched);
    perform rollup_product_days_apply(
        now_rows.order_rows, now_rows.line_rows, now_rows.return_rows,
        now_rows.order_rows, now_rows.line_rows,
        array(select r from unnest(now_rows.return_rows) r where r.change_id <> all (new_ids)) || old_returns);
    return null;
end
$$;

create or replace trigger order_status_changes_rollups_product_days_insert after insert on order_status_changes
    referencing new table as new_changes
    for each statement execute function order_status_changes_rollups_product_days();

create or replace trigger order_status_changes_rollups_product_days_update after update on order_status_changes
    referencing old table as old_changes new table as new_changes
    for each statement execute function order_status_changes_rollups_product_days();

create or replace trigger order_status_changes_rollups_product_days_delete after delete on order_status_changes
    referencing old table as old_changes
    for each statement execute function order_status_changes_rollups_product_days();

-- Partial refunds (order_refunds, R__23_order_refunds.sql) added (sign 1) or taken out (-1), by
-- their ids: each row's units and net sales as its product's returns on the day it was made. A
-- refund's value never changes (its order's later lines or coupon do not revalue it), and it
-- touches no basket: the order stays live.
create or replace function rollup_refund_products_apply(refund_line_ids bigint[], sign int) returns void
language plpgsql as $$
begin
    insert into rollups.product_days_pending (day, product_id, units, orders, gross_sales, discounts,
                                              returned_units, returns, basket_orders)
    select shop_day(r.refunded_at), r.product_id, 0, 0, 0, 0, sign * sum(r.quantity), sign * sum(r.net_sales), 0
    from order_refunds r
    where r.refund_line_id = any (refund_line_ids)
    group by 1, 2
    having sum(r.quantity) <> 0 or sum(r.net_sales) <> 0;
end
$$;

create or replace function order_refunds_rollups_product_days() returns trigger
language plpgsql as $$
begin
    perform rollup_refund_products_apply(array(select n.refund_line_id from new_refunds n), 1);
    return null;
end
$$;

create or replace trigger order_refunds_rollups_product_days_insert after insert on order_refunds
    referencing new table as new_refunds
    for each statement execute function order_refunds_rollups_product_days();

-- A deleted order's partial refunds go with it (their key cascades): taken back before it goes,
-- while they can still be read.
create or replace function orders_rollups_refunds_deleted() returns trigger
language plpgsql as $$
begin
    perform rollup_refund_products_apply(
        array(select r.refund_line_id from order_refunds r where r.order_id = old.order_id), -1);
    return old;
end
$$;

create or replace trigger orders_rollups_refunds_delete before delete on orders
    for each row execute function orders_rollups_refunds_deleted();

create or replace function order_items_rollups_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollups.product_days_folded;
    delete from rollups.product_days_pending;
    delete from rollups.product_spans_folded;
    delete from rollups.pair_days_folded;
    delete from rollups.pair_days_pending;
    delete from rollups.pair_months_folded;
    delete from rollups.basket_days_folded;
    delete from rollups.basket_days_pending;
    return null;
end
$$;

create or replace trigger order_items_rollups_truncate after truncate on order_items
    for each statement execute function order_items_rollups_truncated();

-- (order_refunds truncated alone: R__31's trigger rebuilds the day rollups; the products' too)
create or replace function order_refunds_rollups_product_days_truncated() returns trigger
language plpgsql as $$
begin
    perform rebuild_product_sales_rollups();
    return null;
end
$$;

create or replace trigger order_refunds_rollups_product_days_truncate after truncate on order_refunds
    for each statement execute function order_refunds_rollups_product_days_truncated();

-- The given pairs' months counted again from their folded days: a pair months row is kept for two
-- orders together or more, and dropped below that (docs/rollups.md, "Pairs without reading every pair").
create or replace function rollup_pair_months_recount(products_1 int[], products_2 int[], months date[]) returns void
language plpgsql as $$
begin
    with counted as (
        select changed.product_1_id, changed.product_2_id, changed.month,
               coalesce((select sum(days.orders) from rollups.pair_days_folded as days
                         where days.product_1_id = changed.product_1_id
                           and days.product_2_id = changed.product_2_id
                           and days.day >= changed.month
                           and days.day < (changed.month + interval '1 month')::date), 0) as orders
        from unnest(products_1, products_2, months) as changed (product_1_id, product_2_id, month)
    ),
    dropped as (
        delete from rollups.pair_months_folded as kept
        using counted
        where (kept.product_1_id, kept.product_2_id, kept.month)
            = (counted.product_1_id, counted.product_2_id, counted.month)
          and counted.orders < 2
    )
    insert into rollups.pair_months_folded as kept (month, product_1_id, product_2_id, orders)
    select month, product_1_id, product_2_id, orders
    from counted
    where orders >= 2
    order by product_1_id, product_2_id, month
    on conflict (product_1_id, product_2_id, month) do update
        set orders = excluded.orders;
end
$$;

-- ============================================================
-- FOLD
-- ============================================================
-- Called by fold_rollups(), one folder at a time. Key order: two folds never wait on each
-- other's rows in opposite orders. The product spans are folded from the same pending days; the
-- months of the pairs moved are counted again from their folded days.
create or replace function fold_product_sales_rollups() returns void
language plpgsql as $$
declare
    moved_1 int[];
    moved_2 int[];
    moved_months date[];
begin
    with moved as (
        delete from rollups.product_days_pending returning *
    ),
    days as (
        insert into rollups.product_days_folded as rollup (day, product_id, units, orders, gross_sales, discounts,
                                                          returned_units, returns, basket_orders)
        select day, product_id, sum(units), sum(orders), sum(gross_sales), sum(discounts), sum(returned_units),
               sum(returns), sum(basket_orders)
        from moved
        group by day, product_id
        order by day, product_id
        on conflict (day, product_id) do update
            set units = rollup.units + excluded.units,
                orders = rollup.orders + excluded.orders,
                gross_sales = rollup.gross_sales + excluded.gross_sales,
                discounts = rollup.discounts + excluded.discounts,
                returned_units = rollup.returned_units + excluded.returned_units,
                returns = rollup.returns + excluded.returns,
                basket_orders = rollup.basket_orders + excluded.basket_orders
    )
    insert into rollups.product_spans_folded as rollup (span_days, span_start, product_id, units, orders,
                                                       gross_sales, discounts, returned_units, returns)
    select 1 << level, day_span_start(moved.day, level), moved.product_id,
           sum(moved.units), sum(moved.orders), sum(moved.gross_sales), sum(moved.discounts),
           sum(moved.returned_units), sum(moved.returns)
    from moved
    cross join product_span_levels() as level
    group by 1, 2, 3
    order by 1, 2, 3
    on conflict (span_days, span_start, product_id) do update
        set units = rollup.units + excluded.units,
            orders = rollup.orders + excluded.orders,
            gross_sales = rollup.gross_sales + excluded.gross_sales,
            discounts = rollup.discounts + excluded.discounts,
            returned_units = rollup.returned_units + excluded.returned_units,
            returns = rollup.returns + excluded.returns;

    with moved as (
        delete from rollups.pair_days_pending returning *
    ),
    days as (
        insert into rollups.pair_days_folded as rollup (product_1_id, product_2_id, day, orders)
        select product_1_id, product_2_id, day, sum(orders)
        from moved
        group by product_1_id, product_2_id, day
        order by product_1_id, product_2_id, day
        on conflict (product_1_id, product_2_id, day) do update
            set orders = rollup.orders + excluded.orders
        returning rollup.product_1_id, rollup.product_2_id, date_trunc('month', rollup.day)::date as month
    )
    select coalesce(array_agg(product_1_id), '{}'), coalesce(array_agg(product_2_id), '{}'), coalesce(array_agg(month), '{}')
    into moved_1, moved_2, moved_months
    from (select distinct * from days) as pair_months;
    -- the moved pairs' months counted again from their days, in a statement of its own: the one
    -- above does not see the days it changes
    perform rollup_pair_months_recount(moved_1, moved_2, moved_months);

    with moved as (
        delete from rollups.basket_days_pending returning *
    )
    insert into rollups.basket_days_folded as rollup (day, orders)
    select day, sum(orders)
    from moved
    group by day
    order by day
    on conflict (day) do update
        set orders = rollup.orders + excluded.orders;
end
$$;

-- ============================================================
-- REBUILD
-- ============================================================
-- Called by rebuild_rollups(), which finds every rebuild_<family>_rollups() function. In two
-- parts, each its own function, which a whole new shop's rebuild runs side by side on two
-- connections (rollup_rebuild_parts(), R__51_rollup_rebuild_parts.sql): the product days with
-- their spans, and the baskets with their pairs. They read the same raw rows and write different tables.
create or replace function rebuild_product_sales_rollups() returns void
language plpgsql as $$
begin
    perform rebuild_product_days();
    perform rebuild_market_baskets();
end
$$;

-- Products from the sales model's view of the lines (order_line_sales: one definition of the
-- coupon's share), read once for the sales and the whole returns (order_line_returns reads the
-- returned orders' lines from the same view; partial refunds from order_refunds as it does), and
-- their spans from the days. Reading the two views separately computed the lines' shares twice,
-- the returned orders' lines through a lateral join per order.
-- No nested loops: a whole shop's rows are joined, and when a load's rebuild ran before the shop
-- tables had statistics or indexes (a generate's did until December 2026), a misestimated join
-- became a nested loop scanning order_status_changes once per outer row (seen stalled for over 20
-- minutes at scale 1).
create or replace function rebuild_product_days() returns void
language plpgsql
set work_mem = '256MB'
set enable_nestloop = off
-- Grouped by sorting, not hashing: a million groups of seven sums each outgrow a hash table's memory
-- and spill, where sorted rows stream through the sums and come out in the key's order for the
-- insert (30.6 -> 22.0 s with the product windows at scale 1; docs/rollups.md, "Rebuilt by sorting").
set enable_hashagg = off
as $$
declare
    shortest constant int := (select min(level) from product_span_levels() as level);
    level int;
begin
    perform lock_for_rebuild('product_days', array['orders', 'order_items', 'order_status_changes', 'order_refunds']);

    delete from rollups.product_days_pending;
    delete from rollups.product_days_folded;
    delete from rollups.product_spans_folded;

    insert into rollups.product_days_folded (day, product_id, units, orders, gross_sales, discounts,
                                             returned_units, returns, basket_orders)
    with

    -- every line's part of the sales, once: its sales on its order's day, and (whole returns) on
    -- the day of each change of its order to cancelled or refunded, as order_line_returns takes
    -- the returned orders' lines from order_line_sales
    lines as materialized (
        select lines.order_id, lines.product_id, lines.created_at, lines.quantity, lines.gross_sales,
               lines.line_discount + coalesce(lines.order_discount, 0) as discounts, lines.net_sales,
               counts_as_sale(orders.status) as counted
        from order_line_sales lines
        join orders using (order_id)
    ),

    -- per order and product first: a product counts once per order
    order_products as (
        select shop_day(created_at) as day, product_id, order_id, counted, sum(quantity) as units,
               sum(gross_sales) as gross_sales, sum(discounts) as discounts
        from lines
        group by 1, 2, 3, 4
    ),

    sold as (
        select day, product_id, sum(units) as units, count(*) as orders, sum(gross_sales) as gross_sales,
               sum(discounts) as discounts, 0 as returned_units, 0 as returns,
               count(*) filter (where counted) as basket_orders
        from order_products
        group by 1, 2
    ),

    -- the changes into cancelled or refunded, read apart: on a Citus cluster a join of the lines'
    -- result with the distributed changes sent all of it (116 MB at scale 1) to every worker, where
    -- each shard's task read it whole; two results are joined on the coordinator (the statement
    -- 27-32 -> 20 s there; the same plan on one node)
    returning_changes as materialized (
        select c.order_id, c.changed_at
        from order_status_changes c
        where c.to_status in ('cancelled', 'refunded')
    ),

    returned as (
        select shop_day(c.changed_at) as day, lines.product_id, sum(lines.quantity) as returned_units,
               sum(lines.net_sales) as returns
        from returning_changes c
        join lines on lines.order_id = c.order_id
        group by 1, 2
        union all
        -- partial refunds, as order_line_returns has them
        select shop_day(r.refunded_at), r.product_id, sum(r.quantity), sum(r.net_sales)
        from order_refunds r
        join orders o on o.order_id = r.order_id
        group by 1, 2
    )

    select day, product_id, sum(units), sum(orders), sum(gross_sales), sum(discounts), sum(returned_units),
           sum(returns), sum(basket_orders)
    from (
        select * from sold
        union all
        select day, product_id, 0, 0, 0, 0, returned_units, returns, 0 from returned
    ) as days
    group by day, product_id;

    -- the shortest spans from the days, each longer one from the one half its length
    for level in select product_span_levels() loop
        insert into rollups.product_spans_folded (span_days, span_start, product_id, units, orders, gross_sales,
                                                  discounts, returned_units, returns)
        select 1 << level, day_span_start(day, level), product_id,
               sum(units), sum(orders), sum(gross_sales), sum(discounts), sum(returned_units), sum(returns)
        from (
            select day, product_id, units, orders, gross_sales, discounts, returned_units, returns
            from rollups.product_days_folded
            where level = shortest
            union all
            select span_start, product_id, units, orders, gross_sales, discounts, returned_units, returns
            from rollups.product_spans_folded
            where level > shortest and span_days = 1 << (level - 1)
        ) as halves
        group by 1, 2, 3
        order by 1, 2, 3;
    end loop;

end
$$;

-- The counted orders (with lines) per day, and the pairs: from one pass over their lines in order_id
-- order, each order one basket row holding its distinct products as a sorted array, the pairs from
-- positions i < j of each basket (no self-join of a million lines). One month of baskets at a time:
-- a month's pairs fit the function's work_mem to be counted per day and per month, where all at
-- once spilled to disk (a million imported lines: 18.6 million pairs, 113 s at once, 49 s by month,
-- docs/measurements.md). The baskets are kept sorted by day in a temporary table for the months to read.
create or replace function rebuild_market_baskets() returns void
language plpgsql
set work_mem = '256MB'
set enable_nestloop = off -- as rebuild_product_days()
set enable_hashagg = off  -- as rebuild_product_days()
as $$
declare
    month_start date;
begin
    perform lock_for_rebuild('market_baskets', array['orders', 'order_items']);

    delete from rollups.basket_days_pending;
    delete from rollups.basket_days_folded;
    delete from rollups.pair_days_pending;
    delete from rollups.pair_days_folded;
    delete from rollups.pair_months_folded;

    insert into rollups.basket_days_folded (day, orders)
    select shop_day(orders.created_at), count(*)
    from orders
    where counts_as_sale(orders.status)
      and exists (select 1 from order_items where order_items.order_id = orders.order_id)
    group by 1;

    if to_regclass('pg_temp.counted_baskets') is not null then
        drop table pg_temp.counted_baskets; -- a second rebuild in the transaction
    end if;
    create temporary table counted_baskets on commit drop as
    select shop_day(orders.created_at) as day,
           array_agg(distinct order_items.product_id) as products
    from order_items
    join orders using (order_id)
    where counts_as_sale(orders.status)
    group by order_items.order_id, orders.created_at
    order by 1;
    create index on counted_baskets (day);
    analyze counted_baskets;

    for month_start in
        select distinct date_trunc('month', day)::date from counted_baskets order by 1
    loop
        with pairs as materialized (
            select baskets.products[i] as product_1_id, baskets.products[j] as product_2_id, baskets.day,
                   count(*) as orders
            from counted_baskets as baskets
            cross join lateral generate_series(1, cardinality(baskets.products) - 1) as i
            cross join lateral generate_series(i + 1, cardinality(baskets.products)) as j
            where baskets.day >= month_start
              and baskets.day < (month_start + interval '1 month')::date
            group by 1, 2, 3
        ),
        pair_days as (
            insert into rollups.pair_days_folded (product_1_id, product_2_id, day, orders)
            select product_1_id, product_2_id, day, orders from pairs
            order by 1, 2, 3
        )
        -- the month's pairs of two orders or more, as the pair months keep them
        insert into rollups.pair_months_folded (month, product_1_id, product_2_id, orders)
        select month_start, product_1_id, product_2_id, sum(orders)
        from pairs
        group by product_1_id, product_2_id
        having sum(orders) >= 2
        order by product_1_id, product_2_id;
    end loop;
end
$$;
