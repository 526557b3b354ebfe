-- Partial refunds: money given back for part of an order (some units of some lines, or an
-- amount), with its time. The sales model counts each row as returns on its date
-- (R__22_sales_model.sql); a whole-order cancellation or refund stays a status change.
--
-- One row per order line a refund touches, valued when it is made (money that moved never
-- changes afterwards): the units taken back and the net sales (after discounts, no VAT) they
-- take from the line. An amount is shared over the order's lines in proportion to what is left
-- of each (refund_order(), R__23_order_refunds.sql). When the order is then cancelled or
-- refunded whole, the status change returns the whole order and rows of kind 'taken_back' (the
-- earlier rows negated, at the change's moment) take back what the partial refunds had
-- returned: an order is never returned for more than it sold.
create table order_refunds (
    refund_line_id  bigserial primary key,
    refund_id       bigint not null,                 -- one refund: its rows share it
    order_id        int not null references orders (order_id) on delete cascade,
    item_id         int not null,                    -- order_items (checked by refund_order())
    product_id      int not null,                    -- the line's product
    refunded_at     timestamptz not null,
    quantity        int not null,                    -- units taken back (0: an amount); negative when taken_back
    net_sales       numeric(12, 2) not null,         -- what it takes from the line's net sales
    kind            varchar(10) not null check (kind in ('partial', 'taken_back')),
    check (kind = 'partial' and quantity >= 0 and net_sales >= 0
           or kind = 'taken_back' and quantity <= 0 and net_sales <= 0)
);
create sequence order_refund_ids;
create index idx_order_refunds_order on order_refunds (order_id, item_id);
create index idx_order_refunds_time on order_refunds (refunded_at) include (order_id);

-- A Citus cluster's rollup job applies new rows by id (catch_up_rollups(), R__50): none of these
-- were applied yet.
insert into rollups.watermarks (source, applied_id, applied_at)
select 'order_refunds', 0, now()
where exists (select 1 from rollups.watermarks);
