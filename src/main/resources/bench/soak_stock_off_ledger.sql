-- bench soak: the warehouse rows whose stock now is not their stock at the start plus the
-- movements recorded since (none when every shipment, return and restock left its row in the
-- ledger and no stock was lost or made up).
select count(*)
from inventory i
join soak_stock_at_start s using (product_id, warehouse)
left join (
    select m.product_id, m.warehouse, sum(m.quantity) as moved
    from stock_movements m
    where m.movement_id > (select max(last_movement_id) from soak_stock_at_start)
    group by m.product_id, m.warehouse
) as since using (product_id, warehouse)
where i.quantity <> s.quantity + coalesce(since.moved, 0);
