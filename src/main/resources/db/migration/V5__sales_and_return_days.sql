-- The sales model's hour and day rollups (revenue_summary, daily_revenue), replacing orders per
-- (day, current status): sales are counted on the day an order is placed and returns on the day
-- it is cancelled or refunded (docs/reports.md#the-sales-model), so neither row ever moves when
-- a status changes. R__31_rollup_order_days.sql keeps them.

-- the old rollup: per (shop day, current status), read by nothing else
drop view if exists rollups.order_days;
drop table if exists rollups.order_days_pending;
drop table if exists rollups.order_days_folded;

-- Writers append per shop hour (shop_hour(): the hour's first moment) to the _pending tables; the
-- fold adds those rows to both the hours and the days. Reports sum whole days from the days, the
-- last day's whole hours from the hours, and read the raw rows of one hour at most.

-- ============================================================
-- SALES PER SHOP HOUR AND DAY (orders placed then)
-- ============================================================
-- gross_sales and the line part of discounts come from the order's lines, the rest from the order.
create table rollups.sales_hours_folded (
    hour         timestamptz primary key,   -- shop_hour(orders.created_at)
    orders       bigint not null,           -- orders placed
    gross_sales  numeric(16, 2) not null,   -- sum of unit_price * quantity of their lines
    discounts    numeric(16, 2) not null,   -- line discounts (gross - line_total) + orders.discount_amount
    shipping     numeric(16, 2) not null,   -- sum of orders.shipping_cost
    taxes        numeric(16, 2) not null    -- sum of orders.tax_amount
);
-- Changes not folded in yet: same columns, several rows per hour (writers only append).
create table rollups.sales_hours_pending (like rollups.sales_hours_folded);
create index idx_rollup_sales_hours_pending_hour on rollups.sales_hours_pending (hour);
-- The folded hours summed per shop day (shop_day(hour)).
create table rollups.sales_days_folded (
    day          date primary key,
    orders       bigint not null,
    gross_sales  numeric(16, 2) not null,
    discounts    numeric(16, 2) not null,
    shipping     numeric(16, 2) not null,
    taxes        numeric(16, 2) not null
);

-- ============================================================
-- RETURNS PER SHOP HOUR AND DAY (orders cancelled or refunded then)
-- ============================================================
-- Each change to cancelled or refunded (order_status_changes), valued as the order_returns view
-- values it: the order's net sales, shipping and taxes.
create table rollups.return_hours_folded (
    hour      timestamptz primary key,  -- shop_hour(order_status_changes.changed_at)
    orders    bigint not null,          -- changes to cancelled or refunded
    returns   numeric(16, 2) not null,  -- their orders' net sales (line_total - discount_amount)
    shipping  numeric(16, 2) not null,  -- their orders' shipping_cost
    taxes     numeric(16, 2) not null   -- their orders' tax_amount
);
create table rollups.return_hours_pending (like rollups.return_hours_folded);
create index idx_rollup_return_hours_pending_hour on rollups.return_hours_pending (hour);
create table rollups.return_days_folded (
    day       date primary key,
    orders    bigint not null,
    returns   numeric(16, 2) not null,
    shipping  numeric(16, 2) not null,
    taxes     numeric(16, 2) not null
);

-- A return as the maintenance functions pass it around: which order, when (a change to cancelled
-- or refunded). Not order_status_changes[]: Citus drops functions taking a distributed table's
-- row type when it distributes the table.
create type sales_return as (
    order_id     int,
    returned_at  timestamptz
);

-- The catch-up job's copy of the status changes it applied before a run (R__50): new lines of an
-- order take back or add to its returns already in the rollup, not to those applied with them.
create unlogged table rollup_job.order_status_changes (like public.order_status_changes);
create index on rollup_job.order_status_changes (order_id);
