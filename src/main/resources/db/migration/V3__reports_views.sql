-- Report support: the stock movement ledger the low_stock report reads, and the brief's
-- v_revenue_summary view and mv_customer_lifetime materialized view, kept so the lesson's psql
-- workflow still works.

-- ============================================================
-- STOCK MOVEMENTS
-- ============================================================
-- One row per change of a warehouse's stock. The brief's low-stock query divided one
-- warehouse's stock by the product's sales in all warehouses; with this ledger a warehouse's
-- velocity is its own outflow, and stock can be read back as of any moment
-- (inventory.quantity minus the movements after it).
-- Writers: the order engine (a 'ship' per order item leaving a warehouse, a 'return' when it
-- comes back), restocking and stock-taking ('restock', 'adjust'), the data generator.
create table stock_movements (
    movement_id  bigserial primary key,
    product_id   int not null,
    warehouse    varchar(50) not null,
    order_id     int references orders (order_id),        -- the order that shipped or returned it, if any
    item_id      int references order_items (item_id),    -- the order line, if any
    quantity     int not null check (quantity <> 0),      -- negative: out of the warehouse; positive: back in
    reason       varchar(20) not null check (reason in ('ship', 'return', 'restock', 'adjust')),
    moved_at     timestamptz not null,
    foreign key (product_id, warehouse) references inventory (product_id, warehouse),
    -- a shipment leaves, a return or restock arrives; an adjustment goes either way
    check (reason <> 'ship' or quantity < 0),
    check (reason not in ('return', 'restock') or quantity > 0)
);

-- low_stock: a warehouse's outflow over a window, per product
create index idx_stock_movements_warehouse_product_time on stock_movements (warehouse, product_id, moved_at);
create index idx_stock_movements_order on stock_movements (order_id);

-- ============================================================
-- THE BRIEF'S VIEWS (wall clock by nature)
-- ============================================================
-- The brief's KPI view, as written but for the shop's days (the session time zone).
-- A view cannot take a parameter, so it reads the wall clock (current_date): it answers "now"
-- only. Reports and tests use reports/revenue_summary.sql, which answers as of any moment.
create view v_revenue_summary as
with periods as (
    select
        sum(case when created_at >= current_date then total_amount end)                     as today,
        sum(case when created_at >= current_date - 7 then total_amount end)                 as last_7_days,
        sum(case when created_at >= date_trunc('month', current_date) then total_amount end) as mtd,
        sum(case when created_at >= date_trunc('year', current_date) then total_amount end)  as ytd,
        sum(case when created_at >= date_trunc('month', current_date)
                  and created_at < date_trunc('month', current_date) + interval '1 month'
                 then total_amount end)                                                      as this_month,
        sum(case when created_at >= date_trunc('month', current_date) - interval '1 month'
                  and created_at < date_trunc('month', current_date)
                 then total_amount end)                                                      as last_month
    from orders
    where status not in ('cancelled', 'refunded')
)
select
    today,
    last_7_days,
    mtd,
    ytd,
    this_month,
    last_month,
    round(100.0 * (this_month - last_month) / nullif(last_month, 0), 1) as mom_growth_pct
from periods;

-- The brief's customer lifetime figures, all orders to date (no as_of: a materialized view is a
-- snapshot of the moment it was refreshed). reports/customer_lifetime.sql answers the same as of
-- any moment without a refresh. The unique index lets it refresh without blocking readers:
--   refresh materialized view concurrently mv_customer_lifetime;
create materialized view mv_customer_lifetime as
select
    c.customer_id,
    c.email,
    c.tier,
    c.signup_date,
    count(distinct o.order_id)  as total_orders,
    sum(o.total_amount)         as lifetime_value,
    max(o.created_at)           as last_order_date,
    min(o.created_at)           as first_order_date,
    avg(o.total_amount)         as avg_order_value
from customers c
left join orders o
       on c.customer_id = o.customer_id
      and o.status not in ('cancelled', 'refunded')
group by c.customer_id, c.email, c.tier, c.signup_date;

create unique index idx_mv_customer_lifetime_customer on mv_customer_lifetime (customer_id);
