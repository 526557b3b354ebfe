-- The shop's tables, in public: what an analyst opening the database sees.
--
-- The brief's tables and names, with the fixes listed in DESIGN.md:
--   * every moment is a timestamptz (days are cut in the shop's time zone: the database's
--     default, set at the end of this file);
--   * orders.session_id links an order to the browsing session that led to it (funnel);
--   * CHECK constraints the brief implies but omits;
--   * one inventory row per (product, warehouse);
--   * indexes on every foreign key the reports join on.
-- Beside them, the shop's own operational tables: the stock ledger, the order lifecycle's
-- allowed transitions and history, the idempotency keys of placed orders, and the category tree
-- flattened. Internal tables live in schemas of their own: rollups, generator, api.
--
-- This file and the other versioned ones hold what has state; functions, triggers and views are
-- in the repeatable files (R__*.sql), one per concern.

-- ============================================================
-- CORE TABLES
-- ============================================================
create table customers (
    customer_id    serial primary key,
    email          varchar(255) unique not null,
    first_name     varchar(100),
    last_name      varchar(100),
    phone          varchar(20),
    date_of_birth  date,
    gender         char(1) check (gender in ('M', 'F', 'O')),
    signup_date    timestamptz not null default now(),
    last_login     timestamptz,
    is_active      boolean not null default true,
    tier           varchar(20) not null default 'free'
                   check (tier in ('free', 'pro', 'enterprise'))
);

create table addresses (
    address_id   serial primary key,
    customer_id  int not null references customers (customer_id),
    type         varchar(20) not null check (type in ('billing', 'shipping')),
    street       varchar(255),
    city         varchar(100),
    state        varchar(100),
    country      char(2) not null,            -- ISO 3166-1 alpha-2
    postcode     varchar(20),
    is_default   boolean default false
);

create table categories (
    category_id  serial primary key,
    name         varchar(100) not null,
    parent_id    int references categories (category_id),  -- null for a top-level category
    slug         varchar(100) unique,
    check (parent_id is distinct from category_id)
);

create table products (
    product_id   serial primary key,
    sku          varchar(100) unique not null,
    name         varchar(255) not null,
    description  text,
    category_id  int references categories (category_id),
    brand        varchar(100),
    cost_price   decimal(10, 2) check (cost_price >= 0),   -- what we paid for it
    list_price   decimal(10, 2) not null check (list_price >= 0),  -- displayed price
    weight_kg    decimal(8, 3) check (weight_kg >= 0),
    is_active    boolean default true,
    created_at   timestamptz default now()
);

create table inventory (
    inventory_id   serial primary key,
    product_id     int not null references products (product_id),
    warehouse      varchar(50) not null,
    quantity       int not null default 0 check (quantity >= 0),
    reorder_level  int default 10 check (reorder_level >= 0),
    last_updated   timestamptz default now(),
    unique (product_id, warehouse)
);

create table orders (
    order_id             serial primary key,
    customer_id          int not null references customers (customer_id),
    order_number         varchar(50) unique not null,  -- human-readable, e.g. ORD-2025-001234
    status               varchar(20) not null default 'pending'
                         check (status in ('pending', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded')),
    payment_method       varchar(50),
    shipping_address_id  int references addresses (address_id),
    session_id           varchar(100),                 -- the browsing session that led to this order, if known
    subtotal             decimal(10, 2) not null check (subtotal >= 0),
    discount_amount      decimal(10, 2) default 0 check (discount_amount >= 0),
    shipping_cost        decimal(10, 2) default 0 check (shipping_cost >= 0),
    tax_amount           decimal(10, 2) default 0 check (tax_amount >= 0),
    total_amount         decimal(10, 2) not null check (total_amount >= 0),
    currency             char(3) default 'GBP',
    notes                text,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz default now()
);

create table order_items (
    item_id       serial primary key,
    order_id      int not null references orders (order_id),
    product_id    int not null references products (product_id),
    quantity      int not null check (quantity > 0),
    unit_price    decimal(10, 2) not null check (unit_price >= 0),     -- price at time of purchase
    discount_pct  decimal(5, 2) default 0 check (discount_pct between 0 and 100),
    line_total    decimal(10, 2) not null check (line_total >= 0)
);

create table coupons (
    coupon_id        serial primary key,
    code             varchar(50) unique not null,
    discount_type    varchar(20) not null check (discount_type in ('percentage', 'fixed')),
    discount_value   decimal(10, 2) not null check (discount_value >= 0),
    min_order_value  decimal(10, 2) default 0 check (min_order_value >= 0),
    max_uses         int check (max_uses > 0),
    times_used       int default 0 check (times_used >= 0),
    valid_from       date,
    valid_until      date,
    is_active        boolean default true,
    check (discount_type <> 'percentage' or discount_value <= 100),
    check (max_uses is null or times_used <= max_uses),
    check (valid_until is null or valid_from is null or valid_from <= valid_until)
);

create table order_coupons (
    order_id          int not null references orders (order_id),
    coupon_id         int not null references coupons (coupon_id),
    discount_applied  decimal(10, 2) check (discount_applied >= 0),
    primary key (order_id, coupon_id)
);

-- ============================================================
-- EVENT / ANALYTICS TABLES
-- ============================================================
create table page_views (
    view_id       bigserial primary key,
    session_id    varchar(100),
    customer_id   int references customers (customer_id),  -- null if anonymous
    page_url      text,
    product_id    int references products (product_id),    -- null if not a product page
    viewed_at     timestamptz not null default now(),
    time_on_page  int check (time_on_page >= 0),           -- seconds
    referrer      text,
    device_type   varchar(20) check (device_type in ('desktop', 'mobile', 'tablet'))
);

create table cart_events (
    event_id     bigserial primary key,
    session_id   varchar(100),
    customer_id  int references customers (customer_id),
    product_id   int not null references products (product_id),
    action       varchar(20) not null check (action in ('add', 'remove', 'view_cart')),
    quantity     int check (quantity > 0),
    event_at     timestamptz not null default now()
);
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

-- ============================================================
-- ORDER LIFECYCLE
-- ============================================================
-- The allowed status changes; nothing else (the trigger orders_guard_status refuses any other,
-- even from a hand-written UPDATE). stock: what happens to the order's stock.
create table order_status_transitions (
    from_status  varchar(20) not null,
    to_status    varchar(20) not null,
    stock        varchar(10) not null check (stock in ('none', 'out', 'back')),
    primary key (from_status, to_status)
);

insert into order_status_transitions (from_status, to_status, stock) values
    ('pending',    'processing', 'none'),
    ('processing', 'shipped',    'out'),
    ('shipped',    'delivered',  'none'),
    ('pending',    'cancelled',  'back'),   -- nothing has left yet: 'back' finds nothing to return
    ('processing', 'cancelled',  'back'),
    ('shipped',    'refunded',   'back'),
    ('delivered',  'refunded',   'back');

-- One row per status change made through order_transition: when each order moved, for audits
-- and for "shipped today" style questions.
create table order_status_changes (
    change_id    bigserial primary key,
    order_id     int not null references orders (order_id),
    from_status  varchar(20) not null,
    to_status    varchar(20) not null,
    changed_at   timestamptz not null default now()
);

-- Retries of the same order request (HTTP Idempotency-Key) return the order made the first time.
create table order_idempotency_keys (
    idempotency_key  varchar(255) primary key,
    request_hash     char(64) not null,        -- sha-256 (hex) of the request, to spot a key reused for another one
    order_id         int not null references orders (order_id),
    created_at       timestamptz not null default now()
);

-- ============================================================
-- CATEGORY ANCESTRY
-- ============================================================
-- Every category with itself and its ancestors (a category reaches its whole path to the top),
-- kept by a trigger on categories (refresh_category_ancestry()): 119 categories in three levels
-- make 315 rows, rewritten whole by any write to categories (rare), read by the category rollups
-- on every order line written.
create table category_ancestry (
    category_id  int not null,
    ancestor_id  int not null,
    primary key (category_id, ancestor_id)
);

-- ============================================================
-- INDEXES
-- ============================================================
-- Orders: the brief's query patterns.
-- A customer's orders in time order: the rollups' maintenance reads each changed order's earlier
-- and later orders, fraud_review each candidate's earlier ones, from the index alone; it also
-- answers every lookup by customer (the foreign key's).
create index idx_orders_customer_created on orders (customer_id, created_at) include (status, total_amount, order_id);
create index idx_orders_status_date on orders (status, created_at);
create index idx_orders_session     on orders (session_id);
create index idx_orders_address     on orders (shipping_address_id);
-- Reports read the raw orders of as_of's own day: this index answers that from the index alone
-- (no heap visit for rows the visibility map knows, e.g. everything the generator loaded), and
-- every other lookup by time.
create index idx_orders_created_revenue on orders (created_at) include (status, total_amount);

-- Order items: join performance
create index idx_items_order   on order_items (order_id);
create index idx_items_product on order_items (product_id);

-- Page views and cart events. About half of them are anonymous, and half the page views show no
-- product. A lookup by customer or product never asks for null, so these indexes leave the null
-- rows out: half the size, half the build time, and an anonymous event updates two indexes fewer.
create index idx_pageviews_customer on page_views (customer_id) where customer_id is not null;
create index idx_pageviews_product  on page_views (product_id) where product_id is not null;
create index idx_pageviews_time     on page_views (viewed_at);
create index idx_pageviews_session  on page_views (session_id);
create index idx_cart_customer on cart_events (customer_id) where customer_id is not null;
create index idx_cart_product  on cart_events (product_id);
create index idx_cart_time     on cart_events (event_at);
create index idx_cart_session  on cart_events (session_id);

-- Foreign keys the reports join on that the brief left unindexed
create index idx_addresses_customer  on addresses (customer_id);
create index idx_categories_parent   on categories (parent_id);
create index idx_products_category   on products (category_id);
create index idx_order_coupons_coupon on order_coupons (coupon_id);

-- Stock movements. low_stock: a warehouse's outflow over a window, per product.
create index idx_stock_movements_warehouse_product_time on stock_movements (warehouse, product_id, moved_at);
create index idx_stock_movements_order on stock_movements (order_id);
-- The movements after a moment (stock as of a past moment) and the shipments at a window's two
-- ends, from the index alone.
create index idx_stock_movements_moved_at on stock_movements (moved_at) include (product_id, warehouse, quantity, reason);

-- Order lifecycle
create index idx_order_status_changes_order on order_status_changes (order_id);
create index idx_order_status_changes_time  on order_status_changes (changed_at);

-- Days, weeks and months are cut in the shop's time zone, for psql and BI sessions too.
-- (ShopFlow's own connections set it explicitly from --time-zone.)
do $$
begin
    execute format('alter database %I set timezone = %L', current_database(), '${shop_time_zone}');
end
$$;
