-- The sales model every report uses, and each order's status as of a moment.
--
-- The measures are the ones shops know from their platform's analytics. For a window of time:
--   gross_sales  unit price x quantity of the lines of the orders placed in it (no VAT)
--   discounts    line discounts plus order discounts (coupons) of those orders
--   returns      the net sales of the orders cancelled or refunded in it, dated by that status
--                change, whenever they were placed, and the partial refunds made in it
--                (order_refunds: some units of some lines, or an amount)
--   net_sales    gross_sales - discounts - returns
--   shipping, taxes   charged on the orders placed in it, less those of the orders returned in it
--   total_sales  net_sales + shipping + taxes
-- So a refund counts on the day it happens, and never rewrites the day of the sale.
--
-- The views below give each order's and each line's part; the reports' reference SQL
-- (src/main/resources/reports/reference/) sums them over a window, and the rollups keep the
-- same sums. An analyst can query them with psql:
--   select sum(net_sales) from order_sales where created_at >= '2026-11-01';

-- An order's status at a moment: the status it left at its first change after the moment, or its
-- status now if it has not changed since. (order_status_changes holds every change, its creation
-- included, each one leaving the status the previous one reached, so this equals the last
-- change at or before the moment; it reads only the changes after it: none for "now".)
-- PL/pgSQL rather than SQL: a Citus coordinator cannot run a parameterized SQL function over
-- distributed tables, and runs this one's query as any other.
create or replace function orders_as_of(as_of timestamptz) returns setof orders
language plpgsql stable as $$
begin
    return query
    select o.order_id, o.customer_id, o.order_number, coalesce(later.from_status, o.status),
           o.payment_method, o.shipping_address_id, o.session_id, o.subtotal, o.discount_amount,
           o.shipping_cost, o.tax_amount, o.total_amount, o.currency, o.notes, o.created_at, o.updated_at
    from orders o
    left join (
        select distinct on (c.order_id) c.order_id, c.from_status
        from order_status_changes c
        where c.changed_at > as_of
        order by c.order_id, c.changed_at, c.change_id
    ) as later on later.order_id = o.order_id
    where o.created_at <= as_of;
end
$$;

-- Whether anything the sales model reads by moment happened after as_of: an order placed, an
-- order cancelled or refunded, a partial refund. Nothing for the dashboard's "now", so the
-- functions that correct the rollups for what came after a moment ask this first. One read: on a
-- Citus cluster the three tables are colocated by order_id, and their union by it is one round
-- trip to each shard (each stopping at its first row), where asking each table in turn was one
-- round each, and some functions asked three or four.
create or replace function sales_changed_after(as_of timestamptz) returns boolean
language plpgsql stable as $$
begin
    return exists (
        select 1
        from (
            select o.order_id from orders o where o.created_at > as_of
            union all
            select c.order_id from order_status_changes c
            where c.changed_at > as_of and c.to_status in ('cancelled', 'refunded')
            union all
            select r.order_id from order_refunds r where r.refunded_at > as_of
        ) as after
        limit 1);
end
$$;

-- How many customers a report as of a past moment recounts by id (their orders gathered into an
-- array of ids, then their status changes and lines read by it) before it recounts every
-- customer's orders in one pass instead (customer_orders_counted(), customer_months_as_of()).
-- Both give the same rows. On one node by id is never slower (it reads only the named customers'
-- orders: at scale 1, as of a June morning, 81,546 customers, customer_lifetime 1.3 s against
-- 2.3 s), so there is no limit. On a Citus cluster a query that names an array of ids on the
-- distribution column costs the coordinator about 14 kB and 0.1 ms per customer (shard pruning
-- over each id): those customers took 1.1 GB and 8 s there, where one pass took 143 MB and 1.9 s,
-- and at scale 10 the kernel killed the coordinator's backend. 20,000 customers stay within about
-- 300 MB there whatever the shop's size. A session can set its own limit (`set
-- shopflow.recount_by_id_limit = 0`: every customer recounted for any moment in the past).
-- (PL/pgSQL: rollups_kept_by_job() comes later, with the catch-up job)
create or replace function recount_by_id_limit() returns int
language plpgsql stable as $$
begin
    return coalesce(nullif(current_setting('shopflow.recount_by_id_limit', true), '')::int,
                    case when rollups_kept_by_job() then 20000 else 2147483647 end);
end
$$;

-- The orders live at as_of (placed by then, neither cancelled nor refunded then) and cancelled or
-- refunded since: what a report judging orders as they stood at as_of (fraud_review) must count
-- although their status in its rollups says returned (so by the changes the rollups hold,
-- rollup_applied_id(): on a cluster an order returned since the job's last run is live there).
-- None for "now", found at once (sales_changed_after()); else the returns since
-- (idx_order_status_changes_returns), those placed by as_of looked up by key (a month back most
-- were placed after it: 18,300 returned since 2026-06-30 at scale 1, 731 of them placed by then),
-- and of those the ones whose first change after as_of left a live status
-- (idx_order_status_changes_order_time), as orders_as_of() reads it.
create or replace function orders_returned_since(as_of timestamptz)
returns table (order_id int, customer_id int, created_at timestamptz, total_amount numeric)
language plpgsql stable as $$
#variable_conflict use_column
declare
    applied_changes bigint := rollup_applied_id('order_status_changes');
    placed_by_then int[];
begin
    if not sales_changed_after(as_of) then
        return;
    end if;
    placed_by_then := array(
        select orders.order_id
        from orders
        where orders.order_id = any (array(
                  select changes.order_id from order_status_changes as changes
                  where changes.to_status in ('cancelled', 'refunded') and changes.changed_at > as_of
                    and changes.change_id <= applied_changes))
          and orders.created_at <= as_of);
    return query
    select orders.order_id, orders.customer_id, orders.created_at, orders.total_amount
    from orders
    where orders.order_id = any (array(
        select returned_since.order_id
        from (
            select distinct on (changes.order_id) changes.order_id, changes.from_status
            from order_status_changes as changes
            where changes.order_id = any (placed_by_then)
              and changes.changed_at > as_of
            order by changes.order_id, changes.changed_at, changes.change_id
        ) as returned_since
        where returned_since.from_status not in ('cancelled', 'refunded')));
end
$$;

-- The same for a few orders named by id (a drill's page, a customer's history): each of them that
-- has changed since the moment, with the status it left at its first change after it. Orders
-- not changed since have no row: their status then is their status now, so a caller reads
-- coalesce(changed.status_then, orders.status). Through idx_order_status_changes_order_time, one
-- probe per order. PL/pgSQL for the same reason as orders_as_of().
create or replace function orders_changed_since(order_ids int[], as_of timestamptz)
returns table (order_id int, status_then text)
language plpgsql stable as $$
#variable_conflict use_column
begin
    return query
    select distinct on (c.order_id) c.order_id, c.from_status::text
    from order_status_changes c
    where c.order_id = any (order_ids)
      and c.changed_at > as_of
    order by c.order_id, c.changed_at, c.change_id;
end
$$;

-- A page of orders as a report shows them (fraud_review's flagged orders): each one's number, how
-- it was paid, its status at the moment (as orders_as_of() gives it) and its customer's signup.
-- One read of the orders named, joined with their status changes and customers: on a Citus cluster
-- one round to the shards that hold them, so a report that finds its page in the coordinator's
-- rollups reads no distributed table itself (and Citus leaves its query to PostgreSQL's planner).
-- PL/pgSQL for the same reason as orders_as_of().
create or replace function orders_shown_as_of(order_ids int[], as_of timestamptz)
returns table (order_id int, order_number text, payment_method text, status text, signup_date timestamptz)
language plpgsql stable as $$
#variable_conflict use_column
begin
    return query
    select o.order_id, o.order_number::text, o.payment_method::text,
           coalesce(later.from_status, o.status)::text, customers.signup_date
    from orders o
    join customers on customers.customer_id = o.customer_id
    left join (
        select distinct on (c.order_id) c.order_id, c.from_status
        from order_status_changes c
        where c.order_id = any (order_ids)
          and c.changed_at > as_of
        order by c.order_id, c.changed_at, c.change_id
    ) as later on later.order_id = o.order_id
    where o.order_id = any (order_ids);
end
$$;

-- Each order line's part of the sales. An order's discount (orders.discount_amount: its coupon)
-- is shared over its lines in proportion to their value after line discounts, in pence, so the
-- lines of an order add up to it exactly: line i (in item_id order) takes
-- round(D * cum_i / S, 2) - round(D * cum_(i-1) / S, 2), where S is the sum of the order's
-- line_total and cum_i that sum up to line i. Products and categories then add up to the shop.
-- (order_id and created_at, the windows' partition, are the order's: a filter on either is applied
-- before the windows, so one order's lines (refund_order()) are read by index, not sorted with
-- every line in the shop: 13 s at scale 1 for one order before, 3 ms after.)
create or replace view order_line_sales as
select
    lines.item_id,
    lines.order_id,
    lines.product_id,
    lines.created_at,
    lines.quantity,
    lines.gross_sales,
    lines.gross_sales - lines.line_total                   as line_discount,
    lines.order_discount,
    lines.line_total - lines.order_discount                as net_sales
from (
    select
        i.item_id, o.order_id, i.product_id, o.created_at, i.quantity, i.line_total,
        i.unit_price * i.quantity as gross_sales,
        case when sum(i.line_total) over whole_order = 0 then 0
             else round(o.discount_amount * sum(i.line_total) over running / sum(i.line_total) over whole_order, 2)
                - round(o.discount_amount * (sum(i.line_total) over running - i.line_total)
                        / sum(i.line_total) over whole_order, 2)
        end as order_discount
    from order_items i
    join orders o on o.order_id = i.order_id
    window whole_order as (partition by o.order_id, o.created_at),
           running as (partition by o.order_id, o.created_at order by i.item_id)
) as lines;

-- Each order's sales, as placed: the sums of its lines, its shipping and taxes.
create or replace view order_sales as
select
    o.order_id,
    o.customer_id,
    o.created_at,
    coalesce(lines.gross_sales, 0)                                          as gross_sales,
    coalesce(lines.line_discounts, 0) + coalesce(o.discount_amount, 0)      as discounts,
    coalesce(lines.line_total, 0) - coalesce(o.discount_amount, 0)          as net_sales,
    coalesce(o.shipping_cost, 0)                                            as shipping,
    coalesce(o.tax_amount, 0)                                               as taxes,
    coalesce(lines.line_total, 0) - coalesce(o.discount_amount, 0)
        + coalesce(o.shipping_cost, 0) + coalesce(o.tax_amount, 0)          as total_sales
from orders o
left join lateral (
    select sum(i.unit_price * i.quantity)                 as gross_sales,
           sum(i.unit_price * i.quantity - i.line_total)  as line_discounts,
           sum(i.line_total)                               as line_total
    from order_items i
    where i.order_id = o.order_id
) as lines on true;

-- Returns: each cancelled or refunded order, at the moment it was (an order is returned once:
-- cancelled and refunded are final), with what it takes back from the sales; and each partial
-- refund (order_refunds, R__23_order_refunds.sql) at its moment, a row per line it refunded, its
-- net sales only (its VAT and the shipping stay charged until the order is returned whole). (Not
-- summed per refund: a Citus coordinator cannot join a union holding a GROUP BY with the reports'
-- parameters.) When an order is returned
-- whole after partial refunds, the rows that take those back (negative, at the same moment) make
-- its returns add up to the order's net sales, never more.
create or replace view order_returns as
select
    c.order_id,
    c.to_status   as status,
    c.changed_at  as returned_at,
    s.customer_id,
    s.created_at,
    s.net_sales,
    s.shipping,
    s.taxes,
    s.total_sales
from order_status_changes c
join order_sales s on s.order_id = c.order_id
where c.to_status in ('cancelled', 'refunded')
union all
select
    r.order_id,
    r.kind::varchar(20),   -- the status column's type, which a view's replacement must keep
    r.refunded_at,
    o.customer_id,
    o.created_at,
    r.net_sales,
    0,
    0,
    r.net_sales
from order_refunds r
join orders o on o.order_id = r.order_id;

-- The same per order line: the lines of each order cancelled or refunded whole (order_line_sales,
-- all their units) and the lines of each partial refund (the units and net sales it took back).
-- Products and categories read their returns here, so they add up to the shop's. (The lines by
-- their order's id and moment, lateral: the moments reach order_line_sales before its window over
-- each order's lines, so only the returned orders' lines are read.)
create or replace view order_line_returns as
select
    c.order_id,
    l.item_id,
    l.product_id,
    l.created_at,
    c.changed_at  as returned_at,
    l.quantity,
    l.net_sales
from order_status_changes c
join orders o on o.order_id = c.order_id
cross join lateral (
    select * from order_line_sales
    where order_line_sales.order_id = c.order_id and order_line_sales.created_at = o.created_at
) as l
where c.to_status in ('cancelled', 'refunded')
union all
select r.order_id, r.item_id, r.product_id, o.created_at, r.refunded_at, r.quantity, r.net_sales
from order_refunds r
join orders o on o.order_id = r.order_id;

-- Orders whose status is not the last change of their history, or that have none: written by
-- something that bypassed place_order, order_transition and the status guard (a bulk load, an
-- import). A report as of a moment would see them wrongly; `shopflow verify` lists them.
create or replace view orders_off_history as
select o.order_id, o.status, last_change.to_status as history_says
from orders o
left join lateral (
    select c.to_status
    from order_status_changes c
    where c.order_id = o.order_id
    order by c.changed_at desc, c.change_id desc
    limit 1
) as last_change on true
where last_change.to_status is distinct from o.status;
