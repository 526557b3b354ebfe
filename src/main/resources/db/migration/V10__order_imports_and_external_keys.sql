-- Importing a shop's own order history (`shopflow import orders`, docs/import.md).
--
-- The shop tables take the file's rows as they are: an invoice number becomes orders.order_number,
-- a stock code products.sku, and a customer's id in the file customers.external_id, so a later
-- export of the same shop finds them again. What the shop tables cannot hold lives in the schema
-- imports: which invoices were imported (a re-import skips them), the lines that are no product
-- sale (fees, manual adjustments: reported apart from the sales), and every cancellation line
-- with the order it was attached to.

alter table customers add column external_id varchar(100) unique;  -- the customer's id in the imported file
-- The catch-up job's copy of customers (on a Citus cluster) takes the same columns, in the same order.
alter table rollup_job.customers add column external_id varchar(100);

create schema imports;

-- One row per import that committed.
create table imports.runs (
    run_id        bigserial primary key,
    file_name     text not null,
    format        varchar(20) not null,
    lines         bigint not null,          -- data lines read (header not counted)
    rejected      bigint not null default 0, -- lines left out with --skip-bad
    started_at    timestamptz not null default now(),
    finished_at   timestamptz
);

-- Every invoice an import has taken in, whatever it became: importing it again changes nothing.
create table imports.invoices (
    invoice   varchar(50) primary key,       -- as in the file, a cancellation's C included
    kind      varchar(20) not null check (kind in ('order', 'cancellation', 'adjustment')),
    run_id    bigint not null references imports.runs (run_id)
);

-- Lines that are not a product sold: fees, manual corrections, donations, bad debt, stock
-- write-offs, and shipping or discount lines with no order to carry them. Reported, outside the
-- product sales.
create table imports.adjustments (
    adjustment_id  bigserial primary key,
    invoice        varchar(50) not null,
    line_number    bigint not null,              -- in the file of run_id, header = line 1
    stock_code     varchar(100) not null,
    description    varchar(255),
    quantity       int not null,
    unit_price     numeric(14, 4) not null,
    amount         numeric(16, 2) not null,      -- quantity x unit price, signed as in the file
    customer_id    int,                          -- customers; null: a guest's line
    occurred_at    timestamptz not null,
    run_id         bigint not null references imports.runs (run_id)
);
create index idx_import_adjustments_time on imports.adjustments (occurred_at);

-- Every cancellation line (an invoice starting with C, a product, a negative quantity): the order
-- it was attached to (the customer's latest earlier order holding the product), and what it did
-- there. An order whose every line is cancelled in full becomes refunded at its last
-- cancellation; a partial cancellation is kept here (outcome 'partial') and does not change the
-- sales; one with no such order (a guest's, or of an order before the file) has no order_id.
-- No foreign keys into the shop tables: this bookkeeping stays local on a Citus cluster, where
-- orders are distributed; `import --replace` empties it with the shop.
create table imports.cancellations (
    cancellation_id  bigserial primary key,
    invoice          varchar(50) not null,
    line_number      bigint not null,
    product_id       int not null,                        -- products
    quantity         int not null check (quantity > 0),   -- units taken back
    unit_price       numeric(10, 2) not null,
    amount           numeric(16, 2) not null,             -- quantity x unit price
    customer_id      int,                                 -- customers; null: a guest's line
    order_id         int,                                 -- orders; null: none to attach it to
    outcome          varchar(20) not null check (outcome in ('order_refunded', 'partial', 'no_order')),
    cancelled_at     timestamptz not null,
    run_id           bigint not null references imports.runs (run_id)
);
create index idx_import_cancellations_order on imports.cancellations (order_id);

grant usage on schema imports to shopflow_reader;
grant select on all tables in schema imports to shopflow_reader;
alter default privileges in schema imports grant select on tables to shopflow_reader;
