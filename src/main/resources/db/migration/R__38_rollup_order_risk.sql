-- The order_risk family: what fraud_review needs to find its orders without scanning the window,
-- in rollups.order_risk.
--
-- A fraud flag on an order depends only on the customer's EARLIER orders that count (not
-- cancelled or refunded, current status): how many fell in the hour before it, and their
-- average total. Those are sums over earlier orders, so they can be kept per order as a rollup:
-- each order's row holds its own total plus what every earlier counted order of its customer
-- contributes (1 order, its total, 1 if within the hour before). A write changes the rows of
-- the orders it changes (their totals and what their earlier orders give them) and, when a
-- counted order changes, the rows of its customer's LATER orders (an order back-dated, a status
-- moving in or out of cancelled/refunded, a deletion). A new order placed now has no later
-- orders: its write appends one row (orders_rollups_inserted(), R__40_rollup_inserts.sql).
--
-- Each row also says whether the order came less than an hour after its customer's signup
-- (new_account), kept by the orders' triggers and by one on customers for a signup date changed,
-- and whether the order counts now (counted: 1, its status neither cancelled nor refunded; a key
-- an order has left sums to 0). Read by customer and time (idx_rollup_order_risk_*_customer), the
-- rows give fraud_review a burst's earlier orders and the small orders in the hour before an
-- order without reading the orders table.
--
-- Concurrent writers. An order's row is computed from its customer's other orders as the writer's
-- statement sees them, and an uncommitted order is invisible: six orders of one customer placed at
-- the same moment each computed their row without the other five (none counted as earlier), and
-- none took the back-dated way for the others, so no row of the burst reached prior_hour_orders 3
-- and fraud_review, finding its candidates in the rollup, missed them (20 customers x 6 orders:
-- the reference flagged 60, the report 15 to 40). A cancellation racing a new order, or a signup moved
-- while the customer orders, lost its delta for the same reason. So every write that computes risk
-- rows first takes its customers' lock (lock_order_risk_customers(), a transaction-level advisory
-- lock per customer, released at commit), and reads after it: writers of one customer take turns,
-- each seeing every earlier turn committed (read committed: each statement of the trigger takes a
-- new snapshot), and an order inserted before a committed later one takes the back-dated way
-- (orders_rollups_inserted()). Writers of different customers never wait for one another. Chosen
-- over recomputing concurrent customers in the fold (the report would be wrong until the fold,
-- and the fold cannot tell which rows raced) and over treating pending rows as candidates (a folded
-- row stays wrong for ever): the lock is a shared-memory lock table entry, no row written, and only
-- one customer's simultaneous orders (a burst, the very thing this rollup is for) ever wait.
-- Limits: it relies on read committed, in which every ShopFlow writer runs (a repeatable-read
-- writer keeps the snapshot it took before waiting); and two transactions each writing two
-- customers' orders in separate statements, in opposite orders, can deadlock on these locks
-- (PostgreSQL aborts one with 40P01, which shopflow.db.Transactions retries).
--
-- The report finds its candidates here (orders that may be a burst, a high multiple or a new
-- account: a partial index on the folded rows, plus every pending row in the window) and takes
-- their figures from their rows (folded and pending summed by key), and counts the small orders in
-- the hour before (its threshold is a parameter) from the rows of that hour, so its answer is the
-- reference's as long as the rows are exact (RollupExactnessTest compares them with a rebuild).
-- The rows count earlier orders by their status now; as of a past moment the report adds to them
-- what the orders live then and cancelled or refunded since give their customers' later orders
-- (idx_order_status_changes_returns: the only orders whose status then counted differently), so
-- the rows stay "now" and no write pays.
-- An order's total here is its total_sales (orders.total_amount: after discounts, with shipping
-- and VAT, as placed; R__22_sales_model.sql).
--
-- rollup_order_risk_apply() is planned once per session (with its arrays' values known the
-- planner estimates one row and PL/pgSQL's plan cache planned it again on every call: 0.25 ms
-- running its insert, 1.3 ms in all).

-- What reports read: sum by key.
create or replace view rollups.order_risk as
select order_id, customer_id, created_at, total_amount, earlier_orders, earlier_revenue, prior_hour_orders, new_account,
       counted
from rollups.order_risk_folded
union all
select order_id, customer_id, created_at, total_amount, earlier_orders, earlier_revenue, prior_hour_orders, new_account,
       counted
from rollups.order_risk_pending;

-- ============================================================
-- MAINTENANCE
-- ============================================================
-- A customer's counted orders placed strictly before a moment: how many, their total (GBP), and
-- how many of them in the hour before it. A set-returning SQL function with one select is
-- inlined where it is called, as a lateral subquery over idx_orders_customer_created.
create or replace function counted_orders_before(customer int, moment timestamptz)
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

-- The lock a writer of these customers' risk rows holds until it commits (see the top of this file),
-- taken in customer order so that two multi-customer statements cannot deadlock on it. Advisory
-- locks of two int keys: the family's key, then the customer id (no hashing, so no collisions).
create or replace function lock_order_risk_customers(customers int[]) returns void
language plpgsql as $$
begin
    perform pg_advisory_xact_lock(hashtext('shopflow.order_risk'), customer_id)
    from (select distinct customer_id from unnest(customers) as customer_id
          where customer_id is not null order by customer_id) as locked;
end
$$;

-- Applies a statement's changed orders: "added" are the new versions (the table as it is now),
-- "removed" the old ones (the table before the statement: now, less the new versions, plus the
-- old ones). Each side adds, with its sign, every changed order's own row, and what a changed
-- counted order gives the unchanged later orders of its customer (what it gives a later
-- changed order is counted in that order's own row). The customer's signup is joined in (a SQL
-- function looking it up per row is run, not inlined: 0.15 ms per order).
create or replace function rollup_order_risk_apply(added orders[], removed orders[]) returns void
language plpgsql
set plan_cache_mode = force_generic_plan
as $$
declare
    added_ids int[] := array(select order_id from unnest(added));
begin
    insert into rollups.order_risk_pending (order_id, customer_id, created_at, total_amount, earlier_orders,
                                           earlier_revenue, prior_hour_orders, new_account, counted)
    select order_id, customer_id, created_at, sum(sign * total_amount), sum(sign * earlier_orders),
           sum(sign * earlier_revenue), sum(sign * prior_hour_orders), sum(sign * new_account), sum(sign * counted)
    from (
        -- a changed order's own row, new version
        select changed.order_id, changed.customer_id, changed.created_at, 1 as sign, changed.total_amount,
               earlier.orders as earlier_orders, earlier.revenue as earlier_revenue,
               earlier.prior_hour as prior_hour_orders,
               (changed.created_at - customers.signup_date < interval '1 hour')::int as new_account,
               (changed.status not in ('cancelled', 'refunded'))::int as counted
        from unnest(added) as changed
        left join customers on customers.customer_id = changed.customer_id
        cross join lateral counted_orders_before(changed.customer_id, changed.created_at) as earlier
        union all
        -- a changed order's own row, old version
        select changed.order_id, changed.customer_id, changed.created_at, -1, changed.total_amount,
               earlier.orders, earlier.revenue, earlier.prior_hour,
               (changed.created_at - customers.signup_date < interval '1 hour')::int,
               (changed.status not in ('cancelled', 'refunded'))::int
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
               (changed.created_at >= later.created_at - interval '1 hour')::int, 0, 0
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
        or sum(sign * prior_hour_orders) <> 0 or sum(sign * new_account) <> 0 or sum(sign * counted) <> 0;
end
$$;

-- Only orders whose figures can change: a status change that keeps an order counted (pending
-- -> processing -> shipped -> delivered), the common update, appends nothing.
create or replace function orders_risk_updated() returns trigger
language plpgsql as $$
declare
    added orders[];
    removed orders[];
begin
    select array_agg(n::orders order by n.order_id), array_agg(o::orders order by o.order_id) into added, removed
    from new_orders n
    join old_orders o using (order_id)
    where (n.customer_id, n.created_at, n.total_amount, n.status not in ('cancelled', 'refunded'))
          is distinct from (o.customer_id, o.created_at, o.total_amount, o.status not in ('cancelled', 'refunded'));
    if added is not null then
        perform lock_order_risk_customers(array(select customer_id from unnest(added)
                                                union select customer_id from unnest(removed)));
        perform rollup_order_risk_apply(added, removed);
    end if;
    return null;
end
$$;

create or replace function orders_risk_deleted() returns trigger
language plpgsql as $$
begin
    perform lock_order_risk_customers(array(select customer_id from old_orders));
    perform rollup_order_risk_apply('{}', array(select o::orders from old_orders o));
    return null;
end
$$;

create or replace function orders_risk_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollups.order_risk_folded;
    delete from rollups.order_risk_pending;
    return null;
end
$$;

create or replace trigger orders_rollups_risk_update after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_risk_updated();

create or replace trigger orders_rollups_risk_delete after delete on orders
    referencing old table as old_orders
    for each statement execute function orders_risk_deleted();

create or replace trigger orders_rollups_risk_truncate after truncate on orders
    for each statement execute function orders_risk_truncated();

-- A signup date changed: every order of the customer may become or stop being a new account's.
create or replace function customers_risk_updated() returns trigger
language plpgsql as $$
begin
    perform lock_order_risk_customers(array(
        select new_customers.customer_id
        from new_customers
        join old_customers using (customer_id)
        where new_customers.signup_date is distinct from old_customers.signup_date));
    insert into rollups.order_risk_pending (order_id, customer_id, created_at, total_amount, earlier_orders,
                                           earlier_revenue, prior_hour_orders, new_account)
    select orders.order_id, orders.customer_id, orders.created_at, 0, 0, 0, 0,
           (orders.created_at - new_customers.signup_date < interval '1 hour')::int
           - (orders.created_at - old_customers.signup_date < interval '1 hour')::int
    from new_customers
    join old_customers using (customer_id)
    join orders on orders.customer_id = new_customers.customer_id
    where new_customers.signup_date is distinct from old_customers.signup_date
      and (orders.created_at - new_customers.signup_date < interval '1 hour')
          <> (orders.created_at - old_customers.signup_date < interval '1 hour');
    return null;
end
$$;

create or replace trigger customers_rollups_risk_update after update on customers
    referencing old table as old_customers new table as new_customers
    for each statement execute function customers_risk_updated();

-- ============================================================
-- FOLD, REBUILD
-- ============================================================
create or replace function fold_order_risk_rollups() returns void
language plpgsql as $$
begin
    with moved as (
        delete from rollups.order_risk_pending returning *
    )
    insert into rollups.order_risk_folded as rollup (order_id, customer_id, created_at, total_amount, earlier_orders,
                                                    earlier_revenue, prior_hour_orders, new_account, counted)
    select order_id, customer_id, created_at, sum(total_amount), sum(earlier_orders), sum(earlier_revenue),
           sum(prior_hour_orders), sum(new_account), sum(counted)
    from moved
    group by order_id, customer_id, created_at
    order by order_id, customer_id, created_at
    on conflict (order_id, customer_id, created_at) do update
        set total_amount = rollup.total_amount + excluded.total_amount,
            earlier_orders = rollup.earlier_orders + excluded.earlier_orders,
            earlier_revenue = rollup.earlier_revenue + excluded.earlier_revenue,
            prior_hour_orders = rollup.prior_hour_orders + excluded.prior_hour_orders,
            new_account = rollup.new_account + excluded.new_account,
            counted = rollup.counted + excluded.counted;
end
$$;

-- One pass over orders in (customer, time) order. The report's frames stop before the order and
-- any placed at the same instant ("exclude group"), but a frame with an exclusion is summed again
-- for every row (50 s at scale 1); a frame ending 1 microsecond before the order (timestamptz's
-- resolution) holds the same orders and slides.
create or replace function rebuild_order_risk_rollups() returns void
language plpgsql as $$
begin
    perform lock_for_rebuild('order_risk', array['orders', 'customers']);

    -- truncate, not delete, as rebuild_funnel_sessions() does: re-inserting 500,000 keys over
    -- their deleted rows made every primary key insert visit a dead row (18 s of a 20 s rebuild at
    -- scale 1 on a loaded machine). The price: fraud_review waits for the rebuild's commit.
    delete from rollups.order_risk_pending;
    truncate rollups.order_risk_folded;
    insert into rollups.order_risk_folded (order_id, customer_id, created_at, total_amount, earlier_orders,
                                          earlier_revenue, prior_hour_orders, new_account, counted)
    select orders.order_id, orders.customer_id, orders.created_at, orders.total_amount, orders.earlier_orders,
           orders.earlier_revenue, orders.prior_hour_orders,
           (orders.created_at - customers.signup_date < interval '1 hour')::int,
           (orders.counted_total is not null)::int
    from (
        select order_id, customer_id, created_at, total_amount, counted_total,
               count(counted_total) over all_before                 as earlier_orders,
               coalesce(sum(counted_total) over all_before, 0)      as earlier_revenue,
               count(counted_total) over hour_before                as prior_hour_orders
        from (
            select order_id, customer_id, created_at, total_amount,
                   case when status not in ('cancelled', 'refunded') then total_amount end as counted_total
            from orders
        ) as orders
        window
            all_before as (partition by customer_id order by created_at
                           range between unbounded preceding and interval '1 microsecond' preceding),
            hour_before as (partition by customer_id order by created_at
                            range between interval '1 hour' preceding and interval '1 microsecond' preceding)
    ) as orders
    join customers using (customer_id);
end
$$;
