-- What as_of's own shop day holds after as_of, for the reports that read a window of whole days
-- from the rollups and answer as of a moment inside its last day (category_sales, top_products):
-- the sales of the orders placed later that day and the returns recorded later that day, to take out.
--
-- PL/pgSQL, not SQL in the report: the sales model's views (order_line_sales, order_line_returns,
-- R__22_sales_model.sql) are large, and PostgreSQL planned them at every read even when a one-time
-- filter then skipped them (most of category_sales' 36-42 ms of planning at scale 1, at load 15).
-- Here a look through the indexes on the moments finds whether there is anything after as_of at
-- all (nothing for the dashboard's "now"), and only then are the views planned. PL/pgSQL passes
-- as_of as a parameter, which a Citus cluster plans (it cannot plan an SQL function's).

-- Per product, the sales of the orders placed after as_of on its day and the returns recorded
-- after it that day, negated (to add to the day's rollup rows, in the columns of
-- product_window_rows()); nothing when as_of's day is not within first_day..last_day. Only the rows
-- the rollups hold (rollup_applied_id(): on a cluster, those the catch-up job applied).
create or replace function product_sales_after(as_of timestamptz, first_day date, last_day date)
returns table (product_id int, units bigint, orders bigint, gross_sales numeric, discounts numeric,
               returned_units bigint, returns numeric)
language plpgsql stable as $$
#variable_conflict use_column
declare
    day_end timestamptz := (shop_day(as_of) + 1)::timestamptz;
    applied_orders bigint := rollup_applied_id('orders');
    applied_changes bigint := rollup_applied_id('order_status_changes');
    applied_refunds bigint := rollup_applied_id('order_refunds');
    returned_orders int[];
begin
    if shop_day(as_of) not between first_day and last_day or not sales_changed_after(as_of) then
        return;
    end if;
    if exists (select 1 from orders
               where orders.created_at > as_of and orders.created_at < day_end and orders.order_id <= applied_orders) then
        -- (the moments on order_line_sales' created_at, a column of its window's partition: applied
        -- before its window over each order's lines, so only the later orders are read)
        return query
        select lines.product_id, -sum(lines.quantity)::bigint, -count(distinct lines.order_id),
               -sum(lines.gross_sales), -sum(lines.line_discount + coalesce(lines.order_discount, 0)), 0::bigint,
               0::numeric
        from order_line_sales lines
        where lines.created_at > as_of and lines.created_at < day_end and lines.order_id <= applied_orders
        group by lines.product_id;
    end if;
    -- The returns are order_line_returns' rows of those moments, read here by its two parts: the
    -- orders returned whole then (an order is returned once) first, then their lines by order id,
    -- which reaches order_line_sales' window over each order's lines through idx_items_order. Read
    -- through the view by moment, the planner could join its changes with every line of the shop
    -- (4 s at scale 1 for 18 changes, on a freshly generated shop).
    returned_orders := array(
        select changes.order_id from order_status_changes changes
        where changes.changed_at > as_of and changes.changed_at < day_end
          and changes.to_status in ('cancelled', 'refunded') and changes.change_id <= applied_changes);
    if cardinality(returned_orders) > 0
       or exists (select 1 from order_refunds refunds
                  where refunds.refunded_at > as_of and refunds.refunded_at < day_end
                    and refunds.refund_line_id <= applied_refunds) then
        return query
        select returned.product_id, 0::bigint, 0::bigint, 0::numeric, 0::numeric, -sum(returned.quantity)::bigint,
               -sum(returned.net_sales)
        from (
            select lines.product_id, lines.quantity, lines.net_sales
            from order_line_sales lines
            where lines.order_id = any (returned_orders)
            union all
            select refunds.product_id, refunds.quantity, refunds.net_sales
            from order_refunds refunds
            where refunds.refunded_at > as_of and refunds.refunded_at < day_end
              and refunds.refund_line_id <= applied_refunds
        ) as returned
        group by returned.product_id;
    end if;
end
$$;

-- Per category of the tree (its whole subtree), the orders placed after as_of on its day with a
-- line of a product below it, negated; nothing when as_of's day is not within first_day..last_day.
-- Only the orders the rollups hold (rollup_applied_id()).
-- The lines are read first, then joined with the tree (category_ancestry), so on a cluster no
-- statement joins the coordinator's table with the shards.
create or replace function category_orders_after(as_of timestamptz, first_day date, last_day date)
returns table (category_id int, orders bigint)
language plpgsql stable as $$
#variable_conflict use_column
declare
    day_end timestamptz := (shop_day(as_of) + 1)::timestamptz;
    applied_orders bigint := rollup_applied_id('orders');
    later_orders int[];
    later_categories int[];
begin
    if shop_day(as_of) not between first_day and last_day
       or not exists (select 1 from orders as placed
                      where placed.created_at > as_of and placed.created_at < day_end
                        and placed.order_id <= applied_orders) then
        return;
    end if;
    select array_agg(order_items.order_id), array_agg(products.category_id)
    into later_orders, later_categories
    from orders as placed
    join order_items using (order_id)
    join products using (product_id)
    where placed.created_at > as_of and placed.created_at < day_end and placed.order_id <= applied_orders
      and products.category_id is not null;
    return query
    select ancestry.ancestor_id, -count(distinct lines.order_id)
    from unnest(later_orders, later_categories) as lines (order_id, category_id)
    join category_ancestry as ancestry using (category_id)
    group by ancestry.ancestor_id;
end
$$;
