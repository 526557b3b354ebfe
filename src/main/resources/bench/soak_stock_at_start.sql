-- bench soak: every warehouse row's stock and the last stock movement when the soak starts, so
-- that at its end stock can be checked against the ledger (soak_stock_off_ledger.sql). The soak
-- runs on a scratch copy of the shop, which this table goes with.
drop table if exists soak_stock_at_start;
create table soak_stock_at_start as
select i.product_id, i.warehouse, i.quantity,
       (select coalesce(max(m.movement_id), 0) from stock_movements m) as last_movement_id
from inventory i;
