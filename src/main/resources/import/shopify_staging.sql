-- The staging tables of one `shopflow import orders --format shopify` (docs/import.md), dropped at
-- its commit or rollback. The loader COPYs the export's checked rows into import_shopify_rows and
-- writes the run's settings into import_settings; shopify_apply.sql then moves them into the shop.

-- One row per row of the export: a line item each; the order's fields on its first row only
-- (first_row), null on the others, as Shopify writes them.
create temp table import_shopify_rows (
    line_number         bigint not null,        -- in the file, the header being line 1
    name                varchar(50) not null,   -- the order's name (#1001): orders.order_number
    first_row           boolean not null,
    email               varchar(255),           -- lower case; null: a guest
    financial_status    varchar(20),            -- pending, authorized, partially_paid, paid, partially_refunded, refunded, voided, expired
    paid_at             timestamptz,
    fulfillment_status  varchar(20),            -- fulfilled, partial, restocked, unfulfilled; null: unfulfilled
    fulfilled_at        timestamptz,
    currency            char(3),
    subtotal            numeric(12, 2),         -- line items after discounts, before shipping and taxes
    shipping            numeric(12, 2),
    taxes               numeric(12, 2),
    total               numeric(12, 2),
    discount_code       varchar(50),
    discount_amount     numeric(12, 2),         -- every discount of the order, its line items' included
    created_at          timestamptz,
    cancelled_at        timestamptz,
    refunded_amount     numeric(12, 2),         -- refunded so far, as of the export
    country             char(2),                -- ISO code of Billing Country, else Shipping Country
    city                varchar(100),
    postcode            varchar(20),
    source              varchar(50),            -- web, pos, ... (kept in the summary only)
    shopify_id          varchar(50),            -- Shopify's order id
    quantity            int not null,
    item_name           varchar(255),
    sku                 varchar(100),
    price               numeric(12, 2) not null,  -- one unit, before discounts
    item_discount       numeric(12, 2) not null,  -- the line item's discount (0 when the export has none)
    vendor              varchar(100),
    product_type        varchar(100)
) on commit drop;

-- The run's options, one row (as lines_staging.sql).
create temp table import_settings (
    file_name           text not null,
    lines               bigint not null,
    rejected            bigint not null,
    currency            char(3) not null,
    vat_rate            numeric(5, 2) not null,
    prices_include_vat  boolean not null,
    run_id              bigint
) on commit drop;
