-- The rollups' tables, in the schema rollups: summary tables kept exact in the same transaction
-- as every write, so every report answers in milliseconds from them. docs/rollups.md tells the
-- design; each family's maintenance is in its repeatable file (R__3x_rollup_<family>.sql).
--
-- Append, then fold: most rollups are two tables, <rollup>_folded (one row per key) and
-- <rollup>_pending (changes not folded in yet, any number of rows per key), read together
-- through the view <rollup>. Writers only append to the pending tables.
--
-- Also here: the shop's time grains and the RFM keys (the tables' generated columns compute two
-- of them), the row types the maintenance functions pass around, and the schema rollup_job, where the catch-up
-- job on a Citus cluster copies the raw rows it touches.

create schema rollups;

-- ============================================================
-- TIME GRAINS AND RFM KEYS
-- ============================================================
-- The rollups cut time in the shop's time zone (the database's default, ${shop_time_zone} here),
-- fixed when the database is created: these functions are versioned, not repeatable, so that a
-- command run with another --time-zone changes nothing. shop_day() and rfm_key() are also what
-- the tables' generated columns compute. Order rollups are per shop day: reports sum the complete
-- days before as_of's day from the rollup and read the raw orders of as_of's own day, so every
-- "as of" is exact to the microsecond. A session cutting days in another zone than the shop's
-- would see drift (`shopflow verify` says so).

-- The shop day a moment falls in.
create function shop_day(moment timestamptz) returns date
language sql immutable parallel safe
return (moment at time zone '${shop_time_zone}')::date;

-- The shop month a moment falls in (its first day).
create function shop_month(moment timestamptz) returns date
language sql immutable parallel safe
return date_trunc('month', moment at time zone '${shop_time_zone}')::date;

-- The start of the hour a moment falls in: whole hours from a shop midnight (2000-01-01), so the
-- shop's hours where its clocks are whole hours from UTC's (everywhere but a few zones).
create function shop_hour(moment timestamptz) returns timestamptz
language sql immutable parallel safe
return date_bin(interval '1 hour', moment, timestamp '2000-01-01 00:00' at time zone '${shop_time_zone}');

-- RFM scoring sorts customers by (value, customer_id); packed into one bigint, value * 2^32 +
-- customer_id, that is the same order, and sorting bare bigints measured about 3x faster than
-- three ntile() window functions over the rows. Values up to 2^31: days, orders, and
-- pence up to GBP 21M of lifetime spend (beyond, the bigint overflows: an error, never a wrong
-- score).
create function rfm_key(value bigint, customer_id int) returns bigint
language sql immutable parallel safe
return value * 4294967296 + customer_id;

-- ============================================================
-- ROW TYPES OF THE MAINTENANCE FUNCTIONS
-- ============================================================
-- One product in one order: its units and what was paid for it, over all its lines there.
create type basket_line as (
    order_id    int,
    product_id  int,
    units       bigint,
    revenue     numeric
);

-- One customer's counted orders in one month.
create type customer_month as (
    customer_id  int,
    month        date,
    orders       bigint
);

-- One line of a counted order, reduced to what this rollup needs: the category of its product.
create type order_category as (
    order_id     int,
    category_id  int
);

-- ============================================================
-- ORDERS PER DAY AND STATUS (revenue_summary, daily_revenue)
-- ============================================================
-- Grain: one row per (shop day the order was placed, its current status).
-- A row whose orders reach 0 (every order moved to another status) stays, with zeros.
create table rollups.order_days_folded (
    day      date not null,               -- shop_day(orders.created_at)
    status   varchar(20) not null,        -- orders.status, current
    orders   bigint not null,             -- number of orders
    revenue  numeric(16, 2) not null,     -- sum of orders.total_amount, GBP
    primary key (day, status)
);
-- Changes not folded in yet: same columns, several rows per key, no key (writers only append).
create table rollups.order_days_pending (like rollups.order_days_folded);
create index idx_rollup_order_days_pending_day on rollups.order_days_pending (day);

-- ============================================================
-- PRODUCT SALES (top_products, market_basket)
-- ============================================================
-- Grain: one row per product that has ever been in a counted order (a row may fall to zeros).
create table rollups.product_sales_folded (
    product_id  int primary key,
    units       bigint not null,          -- sum of order_items.quantity
    revenue     numeric(16, 2) not null,  -- sum of order_items.line_total, GBP
    orders      bigint not null           -- orders with at least one line of it
);
-- top_products reads the best sellers first
create index idx_rollup_product_sales_revenue on rollups.product_sales_folded (revenue desc);
create table rollups.product_sales_pending (like rollups.product_sales_folded);
-- ============================================================
-- PRODUCT PAIRS (market_basket)
-- ============================================================
-- Grain: one row per pair of products ever together in a counted order, product_1_id < product_2_id.
create table rollups.product_pairs_folded (
    product_1_id  int not null,
    product_2_id  int not null,
    orders        bigint not null,        -- orders containing both
    primary key (product_1_id, product_2_id)
);
-- market_basket reads the most frequent pairs first
create index idx_rollup_product_pairs_orders on rollups.product_pairs_folded (orders desc);
create table rollups.product_pairs_pending (like rollups.product_pairs_folded);
-- ============================================================
-- BASKET TOTALS (market_basket)
-- ============================================================
-- Grain: one row. Counted orders with at least one line (market_basket's support base).
create table rollups.basket_totals_folded (
    single  boolean primary key default true check (single),
    orders  bigint not null
);
create table rollups.basket_totals_pending (like rollups.basket_totals_folded including defaults);


-- ============================================================
-- FUNNEL: TABLES
-- ============================================================
-- Grain: one row per session seen in page_views, cart_events or orders (session_id not null).
-- First times over all its rows; reached_at: the latest first time of stages 1..k, null if the
-- session has not reached stage k (in every-stage-before order).
create table rollups.funnel_sessions (
    session_id       varchar(100) primary key,
    first_seen_at    timestamptz,   -- min(page_views.viewed_at)
    product_view_at  timestamptz,   -- min(page_views.viewed_at) of product pages
    add_at           timestamptz,   -- min(cart_events.event_at) of 'add'
    checkout_at      timestamptz,   -- min(cart_events.event_at) of 'view_cart' at or after add_at
    order_at         timestamptz,   -- min(orders.created_at), any status
    -- the last stage reached, when: the sessions a report reads for as_of's own day
    last_reached_at  timestamptz generated always as (
        case when first_seen_at is null then null
             when product_view_at is null then first_seen_at
             when add_at is null then product_view_at
             when checkout_at is null then greatest(product_view_at, add_at)
             when order_at is null then greatest(product_view_at, add_at, checkout_at)
             else greatest(product_view_at, add_at, checkout_at, order_at)
        end) stored
);
-- conversion_funnel reads as_of's own day's sessions from this index alone: with only the reach
-- time in it, the rows of a day's 17,000 sessions were scattered over 11,000 table pages (87 MB
-- read per report at scale 1); with their first times included, 121 index pages.
create index idx_rollup_funnel_sessions_last_reached on rollups.funnel_sessions (last_reached_at)
    include (first_seen_at, product_view_at, add_at, checkout_at, order_at);
-- Grain: one row per (shop day of the session's first page view, stage, shop day and shop hour
-- it reached that stage). A row whose sessions reach 0 stays, with 0.
create table rollups.funnel_days_folded (
    first_day   date not null,         -- shop_day(first_seen_at)
    stage       smallint not null,     -- 1 sessions .. 5 order, as conversion_funnel's step
    reach_day   date not null,         -- shop_day(reach time of the stage)
    sessions    bigint not null,
    reach_hour  timestamptz not null,  -- shop_hour(reach time of the stage)
    primary key (first_day, stage, reach_day, reach_hour)
);
create table rollups.funnel_days_pending (like rollups.funnel_days_folded);
create index idx_rollup_funnel_days_pending_first_day on rollups.funnel_days_pending (first_day);

-- ============================================================
-- COHORTS: TABLES
-- ============================================================
-- Grain: one row per (customer, shop month) with counted orders ever: their number (0 once
-- all are cancelled, refunded or deleted; the row stays).
create table rollups.customer_months_folded (
    customer_id  int not null,
    month        date not null,     -- shop_month(orders.created_at)
    orders       bigint not null,   -- counted orders
    primary key (customer_id, month)
);
create table rollups.customer_months_pending (like rollups.customer_months_folded);
create index idx_rollup_customer_months_pending_customer on rollups.customer_months_pending (customer_id);
-- Grain: one row per (cohort month, activity month): customers whose first counted order was
-- placed in the cohort month and who had a counted order in the activity month, as of the last
-- fold (rollups.customer_months_folded). Written by the folder and the rebuild only.
create table rollups.cohort_months_folded (
    cohort_month    date not null,   -- shop_month(first counted order)
    activity_month  date not null,   -- shop_month(a counted order)
    customers       bigint not null,
    primary key (cohort_month, activity_month)
);

-- ============================================================
-- CUSTOMER ORDERS (customer_lifetime, rfm_segments, rfm_customers)
-- ============================================================
-- Grain: one row per customer who has ever had a counted order. A customer whose counted orders
-- all went away keeps a row with 0 orders (and no first/last order).
create table rollups.customer_orders_folded (
    customer_id     int primary key,
    orders          bigint not null,          -- counted orders
    spend           numeric(16, 2) not null,  -- their orders.total_amount, GBP
    first_order_at  timestamptz,              -- the first of them (null with none)
    last_order_at   timestamptz,              -- the last of them (null with none)
    -- RFM sort keys, computed once per fold rather than on every read: the last order's shop day
    -- (days since 2000-01-01), the orders, the spend in pence, each with customer_id (rfm_key)
    recency_key     bigint generated always as
                        (rfm_key(shop_day(last_order_at) - date '2000-01-01', customer_id)) stored,
    frequency_key   bigint generated always as (rfm_key(orders, customer_id)) stored,
    monetary_key    bigint generated always as (rfm_key((spend * 100)::bigint, customer_id)) stored
);
-- Changes not folded in yet, several rows per customer: first and last_order_at are those of the
-- orders the change added (null if none); removed: how many counted orders it took away
-- (cancelled, refunded, deleted, moved). While a customer has a removal pending, its figures
-- come from its raw orders.
create table rollups.customer_orders_pending (
    customer_id     int not null,
    orders          bigint not null,
    spend           numeric(16, 2) not null,
    first_order_at  timestamptz,
    last_order_at   timestamptz,
    removed         bigint not null
);
-- customer_lifetime reads the best customers first
create index idx_rollup_customer_orders_folded_spend on rollups.customer_orders_folded (spend desc, customer_id)
    where orders > 0;

-- ============================================================
-- RFM (rfm_segments, rfm_customers)
-- ============================================================
-- Grain: one row per customer with a counted order in the folded customer rollup at the last
-- scoring, with the customer's email and name copied (the export lists them without a probe
-- into customers). Keys as in rollups.customer_orders_folded (rfm_key: value * 2^32 + customer_id).
create table rollups.rfm_scored (
    customer_id    int primary key,
    orders         bigint not null,
    spend          numeric(16, 2) not null,
    recency_key    bigint not null,    -- last order's shop day (days after 2000-01-01) * 2^32 + customer_id
    frequency_key  bigint not null,
    monetary_key   bigint not null,
    r_score        int not null,
    f_score        int not null,
    m_score        int not null,
    segment        text not null,
    email          varchar(255),
    first_name     varchar(100),
    last_name      varchar(100),
    -- spend in pence descending, then customer_id: -pence * 2^32 + customer_id (monetary_key is
    -- pence * 2^32 + customer_id), the export's order
    export_key     bigint generated always as (2::bigint * customer_id - monetary_key) stored
);
-- rfm_customers lists one segment in export order; a scoring writes its rows in this order, so a
-- segment's rows lie on consecutive pages already sorted.
create index idx_rollup_rfm_scored_export on rollups.rfm_scored (segment, export_key);
-- Grain: one row. The last scoring's keys, sorted: position i is the i-th smallest, so a quintile
-- end is an array element and a binary search over positions is array subscripts (no index walk
-- to count positions).
create table rollups.rfm_quintiles (
    customers      int not null,
    recency_keys   bigint[] not null,
    frequency_keys bigint[] not null,
    monetary_keys  bigint[] not null
);
-- read whole by every read with changes to rescore: no compression to undo (the keys hardly
-- compress anyway)
alter table rollups.rfm_quintiles alter column recency_keys set storage external,
    alter column frequency_keys set storage external, alter column monetary_keys set storage external;
insert into rollups.rfm_quintiles values (0, '{}', '{}', '{}');
-- Grain: one row per segment that had customers at a scoring (0 customers once a fold empties it).
create table rollups.rfm_segments (
    segment        text primary key,
    customers      bigint not null,
    spend          numeric not null,
    orders         numeric not null,
    last_days      numeric not null    -- sum of the last orders' shop days, as days after 2000-01-01
);
-- Customers whose folded row changed since the last scoring: their scored row may not hold.
create table rollups.rfm_stale (
    customer_id    int primary key
);

-- ============================================================
-- CATEGORY ORDERS (category_sales)
-- ============================================================
-- Grain: one row per category (its whole subtree). A category whose orders all went stays, with 0.
create table rollups.category_orders_folded (
    category_id  int primary key,
    orders       bigint not null   -- counted orders with a line of a product in its subtree
);
create table rollups.category_orders_pending (like rollups.category_orders_folded);

-- ============================================================
-- ORDER RISK (fraud_review)
-- ============================================================
-- Grain: one row per (order, its customer, its created_at): a write moving an order to another
-- customer or moment takes its figures out of the old key and into the new one; such a row,
-- and the row of an order deleted, stays with zeros.
create table rollups.order_risk_folded (
    order_id           int not null,
    customer_id        int not null,
    created_at         timestamptz not null,
    total_amount       numeric(16, 2) not null,  -- the order's own total, GBP
    earlier_orders     bigint not null,          -- counted orders of its customer placed strictly before it
    earlier_revenue    numeric(16, 2) not null,  -- their total_amount, GBP
    prior_hour_orders  bigint not null,          -- those of them placed in the hour before it
    new_account        bigint not null,          -- 1 when placed less than an hour after its customer's signup
    primary key (order_id, customer_id, created_at)
);
-- The review's candidates among folded rows: a possible burst, high multiple or new account (>= rather
-- than >: the report's average is rounded, the candidates must include every flagged order).
create index idx_rollup_order_risk_folded_candidates on rollups.order_risk_folded (created_at) include (order_id)
    where prior_hour_orders >= 3 or (earlier_orders > 0 and total_amount * earlier_orders >= 5 * earlier_revenue)
       or new_account > 0;
create table rollups.order_risk_pending (like rollups.order_risk_folded including defaults);
create index idx_rollup_order_risk_pending_created on rollups.order_risk_pending (created_at);

-- ============================================================
-- STOCK (low_stock)
-- ============================================================
-- Grain: one row per inventory row (product, warehouse).
create table rollups.stock_levels (
    -- fixed-width columns first, and no nulls: the report reads them in every row without walking
    -- the variable-width ones (PostgreSQL caches column offsets only up to the first of those)
    product_id       int not null,
    quantity         int not null,            -- inventory.quantity, now
    reorder_level    int not null,            -- inventory.reorder_level, 0 when none is set (as the reports read it)
    is_active        boolean not null,        -- products.is_active, false when null (as the reports read it)
    warehouse        varchar(50) not null,
    sku              varchar(100) not null,   -- products.sku
    product_name     varchar(255) not null,   -- products.name
    days             date[] not null,         -- shop days with units shipped (net of corrections), ascending, as of the last fold
    shipped_through  bigint[] not null,       -- [i]: units shipped on days[1] .. days[i]
    primary key (product_id, warehouse)
);
-- low_stock's default rows (a few per cent): the report's predicate, word for word.
-- low_stock's first page: REORDER NOW rows first, Low Stock rows only when those are fewer than
-- the page; one partial index for each, the report's predicates word for word.
create index idx_rollup_stock_levels_reorder_now on rollups.stock_levels (product_id, warehouse)
    where quantity <= reorder_level and is_active;
create index idx_rollup_stock_levels_low_stock on rollups.stock_levels (product_id, warehouse)
    where quantity > reorder_level and quantity <= 2 * reorder_level and is_active;
-- Shipments per (product, warehouse, shop day) not folded into rollups.stock_levels yet.
create table rollups.stock_days_pending (
    product_id  int not null,
    warehouse   varchar(50) not null,
    day         date not null,
    shipped     bigint not null
);
-- the report reads each shown row's days from here too (rows pile up where no server folds them)
create index idx_rollup_stock_days_pending_key on rollups.stock_days_pending (product_id, warehouse, day);

-- ============================================================
-- THE CATCH-UP JOB ON A CITUS CLUSTER (catch_up_rollups())
-- ============================================================
-- Per source table, the rows the job has applied: those with an id up to applied_id.
create table rollups.watermarks (
    source      varchar(40) primary key,   -- the table whose rows are applied
    applied_id  bigint not null,           -- its rows with an id up to this one are in the rollups
    applied_at  timestamptz not null       -- when that run committed (its transaction's start)
);
-- The run's copies of the raw rows it touches (see catch_up_rollups()): emptied and filled
-- by every run, unlogged (a crash loses nothing the next run needs). A migration that adds a
-- column to one of these tables adds it here too (the runs copy select *).
create schema rollup_job;
create unlogged table rollup_job.orders (like public.orders);
create index on rollup_job.orders (order_id);
create index on rollup_job.orders (customer_id, created_at);
create index on rollup_job.orders (session_id);
create unlogged table rollup_job.order_items (like public.order_items);
create index on rollup_job.order_items (order_id);
create unlogged table rollup_job.page_views (like public.page_views);
create index on rollup_job.page_views (session_id);
create unlogged table rollup_job.cart_events (like public.cart_events);
create index on rollup_job.cart_events (session_id);
create unlogged table rollup_job.customers (like public.customers);
create index on rollup_job.customers (customer_id);
create unlogged table rollup_job.products (like public.products);
create index on rollup_job.products (product_id);
