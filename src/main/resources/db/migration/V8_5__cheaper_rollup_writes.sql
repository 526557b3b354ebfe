-- Cheaper rollup maintenance on the order-placement path (issue 7: rollups may cost at most 30 %
-- of order-placement throughput; they cost 63 %).
--
-- Profiled per placed order (track_functions and auto_explain, scale 1), the fraud and category
-- families took about 80 % of the triggers' time, and most of it was not running their
-- statements but planning them: each call's arrays of changed rows are parameters, and with
-- their values known the planner estimates one row where a generic plan assumes ten, so
-- PL/pgSQL's plan cache judged every custom plan cheaper and planned the big statements again on
-- every call (rollup_order_risk_apply: 0.25 ms running its insert, 1.3 ms in all). Their generic
-- plans are the same nested loops over the customer/time and order indexes, so they are forced.
-- The rest: the new-account flag was a SQL function called per row (not inlinable: its body is
-- a subquery), now a join; the category ancestry was a recursive view walked on every call, now
-- a table kept by a trigger on categories; and lines inserted into an order that had none append
-- their categories straight from the transition table, as the product rollups' lines do (V6_1).

-- ============================================================
-- CATEGORY ANCESTRY, KEPT
-- ============================================================
-- Every category with itself and its ancestors (a category reaches its whole path to the top),
-- as V6_4_1's view defined it, now a table: 119 categories in three levels make 315 rows, rewritten whole
-- by any write to categories (rare), read by the category rollups on every order line written.
drop view category_ancestry;

create table category_ancestry (
    category_id  int not null,
    ancestor_id  int not null,
    primary key (category_id, ancestor_id)
);

create function refresh_category_ancestry() returns void
language plpgsql as $$
begin
    -- One writer at a time, and each one's rewrite in a statement after the lock: a writer that
    -- waited reads the tree with the other's change committed, so the last rewrite sees both.
    perform pg_advisory_xact_lock(hashtext('shopflow.category_ancestry'));
    delete from category_ancestry;
    insert into category_ancestry (category_id, ancestor_id)
    with recursive ancestry as (
        select category_id, category_id as ancestor_id, parent_id
        from categories
        union
        select ancestry.category_id, parent.category_id, parent.parent_id
        from ancestry
        join categories parent on parent.category_id = ancestry.parent_id
    )
    select distinct category_id, ancestor_id from ancestry;
end
$$;

create function categories_ancestry_changed() returns trigger
language plpgsql as $$
begin
    perform refresh_category_ancestry();
    return null;
end
$$;

-- Not named <table>_rollups_<event>: suspend_rollups() must leave it on, the generator's COPY
-- into categories included. Triggers fire in name order, so it runs before V6_4_1's
-- categories_rollups_category_update, which recounts the category rollup over the new tree.
create trigger categories_ancestry_refresh after insert or update or delete or truncate on categories
    for each statement execute function categories_ancestry_changed();

select refresh_category_ancestry();

-- ============================================================
-- CATEGORY ORDERS: LINES INSERTED
-- ============================================================
-- Inserting lines only adds to an order's categories: the ones its new lines reach that its
-- other lines (those it had before the statement) did not. So the statement's lines give the
-- counts directly, one statement, where the general way reads the orders' lines twice and
-- subtracts. For an order placed with all its lines at once there are no other lines; placing
-- one line by line (V9_2) checks each line's categories against the lines before it.
create or replace function order_items_category_inserted() returns trigger
language plpgsql as $$
begin
    insert into rollup_category_orders_pending (category_id, orders)
    select ancestry.ancestor_id, count(distinct new_items.order_id)
    from new_items
    join orders using (order_id)
    join products using (product_id)
    join category_ancestry ancestry using (category_id)
    where orders.status not in ('cancelled', 'refunded')
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
end
$$;

-- ============================================================
-- GENERIC PLANS
-- ============================================================
-- The category rollup's general way (lines changed or deleted, orders cancelled or restored),
-- planned once per session rather than on every call (see the top of this file).
alter function rollup_category_orders_apply(order_category[], order_category[]) set plan_cache_mode = force_generic_plan;
alter function order_categories(int[], int[], order_items[], boolean) set plan_cache_mode = force_generic_plan;
-- The product rollups' way for lines added to an order that already had some (V6_1): since
-- place_order inserts its lines one by one (V9_2), every line after an order's first. Planned on
-- every call it took 0.55 ms per line, planned once 0.22 ms (scale 1, loaded machine).
alter function rollup_lines_added(order_items[]) set plan_cache_mode = force_generic_plan;

-- ============================================================
-- ORDER RISK: NEW ACCOUNT AS A JOIN, NEW ORDERS APPENDED DIRECTLY
-- ============================================================
-- A customer's counted orders placed strictly before a moment: how many, their total (GBP), and
-- how many of them in the hour before it. A set-returning SQL function with one select is
-- inlined where it is called, as a lateral subquery over idx_orders_customer_created.
create function counted_orders_before(customer int, moment timestamptz)
returns table (orders bigint, revenue numeric, prior_hour bigint)
language sql stable
as $$
    select count(*), coalesce(sum(total_amount), 0),
           count(*) filter (where created_at >= moment - interval '1 hour')
    from orders
    where customer_id = customer
      and created_at < moment
      and status not in ('cancelled', 'refunded')
$$;

-- V6_4's statement, with the customer's signup joined in rather than looked up by
-- placed_in_first_hour() once per row (a SQL function with a subquery for a body is run, not
-- inlined: 0.15 ms per order).
create or replace function rollup_order_risk_apply(added orders[], removed orders[]) returns void
language plpgsql
set plan_cache_mode = force_generic_plan
as $$
declare
    added_ids int[] := array(select order_id from unnest(added));
begin
    insert into rollup_order_risk_pending (order_id, customer_id, created_at, total_amount, earlier_orders,
                                           earlier_revenue, prior_hour_orders, new_account)
    select order_id, customer_id, created_at, sum(sign * total_amount), sum(sign * earlier_orders),
           sum(sign * earlier_revenue), sum(sign * prior_hour_orders), sum(sign * new_account)
    from (
        -- a changed order's own row, new version
        select changed.order_id, changed.customer_id, changed.created_at, 1 as sign, changed.total_amount,
               earlier.orders as earlier_orders, earlier.revenue as earlier_revenue,
               earlier.prior_hour as prior_hour_orders,
               (changed.created_at - customers.signup_date < interval '1 hour')::int as new_account
        from unnest(added) as changed
        left join customers on customers.customer_id = changed.customer_id
        cross join lateral counted_orders_before(changed.customer_id, changed.created_at) as earlier
        union all
        -- a changed order's own row, old version
        select changed.order_id, changed.customer_id, changed.created_at, -1, changed.total_amount,
               earlier.orders, earlier.revenue, earlier.prior_hour,
               (changed.created_at - customers.signup_date < interval '1 hour')::int
        from unnest(removed) as changed
        left join customers on customers.customer_id = changed.customer_id
        cross join lateral (
            select count(*) as orders, coalesce(sum(o.total_amount), 0) as revenue,
                   count(*) filter (where o.created_at >= changed.created_at - interval '1 hour') as prior_hour
            from (
                select o.order_id, o.created_at, o.status, o.total_amount
                from orders o
                where o.customer_id = changed.customer_id and o.created_at < changed.created_at
                  and o.order_id <> all (added_ids)
                union all
                select r.order_id, r.created_at, r.status, r.total_amount
                from unnest(removed) as r
                where r.customer_id = changed.customer_id and r.created_at < changed.created_at
            ) as o
            where o.order_id <> changed.order_id
              and o.status not in ('cancelled', 'refunded')
        ) as earlier
        union all
        -- what a changed counted order gives its customer's unchanged later orders
        select later.order_id, later.customer_id, later.created_at, changed.sign, 0, 1, changed.total_amount,
               (changed.created_at >= later.created_at - interval '1 hour')::int, 0
        from (
            select customer_id, created_at, status, total_amount, 1 as sign from unnest(added)
            union all
            select customer_id, created_at, status, total_amount, -1 from unnest(removed)
        ) as changed
        join orders later
          on later.customer_id = changed.customer_id
         and later.created_at > changed.created_at
        where changed.status not in ('cancelled', 'refunded')
          and later.order_id <> all (added_ids)
    ) as delta
    group by order_id, customer_id, created_at
    having sum(sign * total_amount) <> 0 or sum(sign * earlier_orders) <> 0 or sum(sign * earlier_revenue) <> 0
        or sum(sign * prior_hour_orders) <> 0 or sum(sign * new_account) <> 0;
end
$$;

drop function placed_in_first_hour(int, timestamptz);

-- Placing an order inserts one order later than all its customer's others: it changes no
-- other order's figures, so its own row is all there is to append (one statement, where the
-- general one above builds and groups all three kinds of change). Orders inserted before a
-- later order of their customer (back-dated) take the general way.
create or replace function orders_risk_inserted() returns trigger
language plpgsql as $$
begin
    if exists (select 1 from new_orders
               join orders later
                 on later.customer_id = new_orders.customer_id
                and later.created_at > new_orders.created_at
               where not exists (select 1 from new_orders n where n.order_id = later.order_id)) then
        perform rollup_order_risk_apply(array(select n::orders from new_orders n), '{}');
        return null;
    end if;

    insert into rollup_order_risk_pending (order_id, customer_id, created_at, total_amount, earlier_orders,
                                           earlier_revenue, prior_hour_orders, new_account)
    select new_orders.order_id, new_orders.customer_id, new_orders.created_at, new_orders.total_amount,
           earlier.orders, earlier.revenue, earlier.prior_hour,
           (new_orders.created_at - customers.signup_date < interval '1 hour')::int
    from new_orders
    left join customers on customers.customer_id = new_orders.customer_id
    cross join lateral counted_orders_before(new_orders.customer_id, new_orders.created_at) as earlier;
    return null;
end
$$;
