-- Refunds an import learned of (`shopify` format: the Refunded Amount of an order), each dated
-- when the file first said so. A refund of the whole order also makes the order refunded or
-- cancelled in its status history, so the sales model counts it in returns on that date; a
-- partial refund (part of an order's amount) is kept here only, outside the returns, until the
-- sales model takes refunds of part of an order (docs/import.md). A later export that shows more
-- refunded adds a row for the difference, so each row is money that moved at that time.
-- No foreign keys into the shop tables: bookkeeping stays local on a Citus cluster, as
-- imports.cancellations; `import --replace` empties it with the shop.
create table imports.refunds (
    refund_id     bigserial primary key,
    order_id      int not null,                            -- orders
    order_number  varchar(50) not null,                    -- the order's name in the file
    amount        numeric(16, 2) not null check (amount > 0),  -- refunded since the previous row of the order
    refunded_at   timestamptz not null,
    outcome       varchar(20) not null check (outcome in ('order_returned', 'partial')),
    run_id        bigint not null references imports.runs (run_id)
);
create index idx_import_refunds_order on imports.refunds (order_id);
