-- ShopFlow schema: the brief's tables and names, with the fixes listed in DESIGN.md.
--   * every moment is a timestamptz (days are cut in the shop's time zone, see V2);
--   * orders.session_id links an order to the browsing session that led to it (funnel);
--   * CHECK constraints the brief implies but omits;
--   * one inventory row per (product, warehouse);
--   * indexes on every foreign key the reports join on.

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
-- INDEXES
-- ============================================================
-- Orders: the brief's query patterns
create index idx_orders_customer    on orders (customer_id);
create index idx_orders_status      on orders (status);
create index idx_orders_created     on orders (created_at);
create index idx_orders_status_date on orders (status, created_at);
create index idx_orders_session     on orders (session_id);
create index idx_orders_address     on orders (shipping_address_id);

-- Order items: join performance
create index idx_items_order   on order_items (order_id);
create index idx_items_product on order_items (product_id);

-- Page views: analytics queries
create index idx_pageviews_customer on page_views (customer_id);
create index idx_pageviews_product  on page_views (product_id);
create index idx_pageviews_time     on page_views (viewed_at);
create index idx_pageviews_session  on page_views (session_id);

-- Cart events
create index idx_cart_customer on cart_events (customer_id);
create index idx_cart_product  on cart_events (product_id);
create index idx_cart_time     on cart_events (event_at);
create index idx_cart_session  on cart_events (session_id);

-- Foreign keys the reports join on that the brief left unindexed
create index idx_addresses_customer  on addresses (customer_id);
create index idx_categories_parent   on categories (parent_id);
create index idx_products_category   on products (category_id);
create index idx_order_coupons_coupon on order_coupons (coupon_id);

-- Days, weeks and months are cut in the shop's time zone, for psql and BI sessions too.
-- (ShopFlow's own connections set it explicitly from --time-zone.)
do $$
begin
    execute format('alter database %I set timezone = %L', current_database(), '${shop_time_zone}');
end
$$;
