-- The filtered drills' kept rows (rollups.order_drill_rows_folded) get a total keyset: a drill
-- page's keyset was (at, order_id, kind), which two partial refund lines of one order at one moment
-- share (the lines of one refund, or the lines an order's cancellation takes back), so a page
-- ending between them skipped the second. Each row now carries refund_line_id, the order_refunds
-- row it stands for (0 for an order placed and for its change to cancelled or refunded, of which
-- an order has at most one: both statuses are final), and the pages read (at, order_id, kind,
-- refund_line_id), in the dimensions' indexes too.
--
-- The rows are emptied here and computed again, with their ids, by R__55_rollup_order_drill.sql
-- (applied after this file: it computes them when it finds none).
truncate rollups.order_drill_rows_folded, rollups.order_drill_marks;

alter table rollups.order_drill_rows_folded add column refund_line_id bigint not null;

drop index rollups.idx_order_drill_channel;
drop index rollups.idx_order_drill_device;
drop index rollups.idx_order_drill_country;
drop index rollups.idx_order_drill_region;
drop index rollups.idx_order_drill_customer;
drop index rollups.idx_order_drill_coupon;

create index idx_order_drill_channel on rollups.order_drill_rows_folded (channel, at, order_id, kind, refund_line_id)
    include (refunded, device, country, region, customer, coupon);
create index idx_order_drill_device on rollups.order_drill_rows_folded (device, at, order_id, kind, refund_line_id)
    include (refunded, channel, country, region, customer, coupon);
create index idx_order_drill_country on rollups.order_drill_rows_folded (country, at, order_id, kind, refund_line_id)
    include (refunded, channel, device, region, customer, coupon);
create index idx_order_drill_region on rollups.order_drill_rows_folded (region, at, order_id, kind, refund_line_id)
    include (refunded, channel, device, country, customer, coupon);
create index idx_order_drill_customer on rollups.order_drill_rows_folded (customer, at, order_id, kind, refund_line_id)
    include (refunded, channel, device, country, region, coupon);
create index idx_order_drill_coupon on rollups.order_drill_rows_folded (coupon, at, order_id, kind, refund_line_id)
    include (refunded, channel, device, country, region, customer);
