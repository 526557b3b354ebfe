-- Restocking: a delivery from a supplier arriving at a warehouse.
--
-- The warehouse books what arrived: the row's stock goes up by that many units, and the ledger
-- gets a 'restock' movement, so stock read back as of any moment (quantity less the movements
-- after it) and low_stock's velocity stay right. Only an existing warehouse row can be restocked:
-- a product's warehouses, and their reorder levels, are set up by hand, not by a delivery.
--
-- psql users call:   select * from inventory_restock('MUG', 'London', 40);
-- the app calls the same (POST /api/inventory/{sku}/{warehouse}/restock).
--
-- Refusals raise the SQLSTATEs of the order functions (R__21_order_lifecycle.sql), with the
-- offending input in the error's COLUMN field, and change nothing:
--   SF400 quantity missing, not above zero or over 1,000,000 (more than a delivery, and far from
--         the int the stock is kept in)
--   SF404 no product with that SKU, or no row for it in that warehouse
--   SF422 the stock would go past 2,000,000,000 units (the column's int)
create or replace function inventory_restock(p_sku text, p_warehouse text, p_quantity int)
returns table (sku varchar, warehouse varchar, quantity int, stock int, movement_id bigint, moved_at timestamptz)
language plpgsql as $$
#variable_conflict use_column
declare
    v_product  int;
    v_row      int;
    v_stock    int;
    v_movement bigint;
    v_at       timestamptz := now();
begin
    if p_quantity is null or p_quantity < 1 or p_quantity > 1000000 then
        raise exception 'quantity must be a whole number of units from 1 to 1000000, not %', coalesce(p_quantity::text, 'null')
            using errcode = 'SF400', column = 'quantity';
    end if;
    select p.product_id into v_product from products p where p.sku = p_sku;
    if not found then
        raise exception 'no product with SKU %', p_sku using errcode = 'SF404', column = 'sku';
    end if;
    select i.inventory_id, i.quantity into v_row, v_stock
    from inventory i where i.product_id = v_product and i.warehouse = p_warehouse
    for update;
    if not found then
        raise exception 'product % is not stocked in warehouse % (its warehouses are set up by hand, not by a restock)',
                p_sku, p_warehouse
            using errcode = 'SF404', column = 'warehouse';
    end if;
    if v_stock::bigint + p_quantity > 2000000000 then
        raise exception 'restocking % units would take % in % to more than 2,000,000,000 units (% now)',
                p_quantity, p_sku, p_warehouse, v_stock
            using errcode = 'SF422', column = 'quantity';
    end if;
    update inventory i set quantity = i.quantity + p_quantity, last_updated = v_at
    where i.product_id = v_product and i.inventory_id = v_row;  -- by product: its shard on a Citus cluster
    insert into stock_movements (product_id, warehouse, quantity, reason, moved_at)
    values (v_product, p_warehouse, p_quantity, 'restock', v_at)
    returning stock_movements.movement_id into v_movement;
    return query select p_sku::varchar, p_warehouse::varchar, p_quantity, v_stock + p_quantity, v_movement, v_at;
end
$$;
