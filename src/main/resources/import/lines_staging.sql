-- The staging tables of one `shopflow import orders --format lines` (docs/import.md), dropped at
-- its commit or rollback. The loader COPYs the file's checked lines into import_lines and writes
-- the run's settings into import_settings; lines_apply.sql then moves them into the shop.

-- One row per line of the file, as read (checked: types, bounds, no future date).
create temp table import_lines (
    line_number   bigint not null,          -- in the file, the header being line 1
    invoice       varchar(50) not null,     -- InvoiceNo, a cancellation's leading C included
    stock_code    varchar(100) not null,
    description   varchar(255),             -- null when blank
    quantity      int not null,             -- negative on cancellations and write-offs
    invoiced_at   timestamptz not null,
    unit_price    numeric(14, 4) not null,  -- as in the file: VAT included with --prices-include-vat
    customer_key  varchar(100),             -- CustomerID; null: a guest
    country       char(2)                   -- ISO code of Country; null when unknown
) on commit drop;

-- The run's options, one row.
create temp table import_settings (
    file_name           text not null,
    lines               bigint not null,          -- data lines read
    rejected            bigint not null,          -- lines left out (--skip-bad)
    currency            char(3) not null,
    vat_rate            numeric(5, 2) not null,   -- percent
    prices_include_vat  boolean not null,
    run_id              bigint                    -- imports.runs, set by lines_apply.sql
) on commit drop;
