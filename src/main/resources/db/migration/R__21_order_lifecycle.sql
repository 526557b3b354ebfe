-- The order lifecycle: status changes and the stock they move.
--
-- The brief's process_order deducted stock from every warehouse row, deducted again on a repeated
-- call, allowed any status jump (delivered -> pending) and let stock go negative. Here:
--   * only the transitions in order_status_transitions are allowed, for every writer: a trigger
--     refuses any other status change, even from a hand-written UPDATE;
--   * repeating a transition already made changes nothing and says so;
--   * stock leaves once, when the order ships, from the warehouses that have it (the rule is in
--     order_ship_stock), never below zero; a refund or cancellation puts back exactly what left,
--     where it came from; every move is a row in stock_movements (stock = initial + movements);
--   * locks are taken in one order (the order row, then inventory rows by inventory_id), so two
--     writers never wait on each other in a cycle.
--
-- psql users call:   call process_order(123, 'shipped');
-- the app calls:     select * from order_transition(123, 'shipped');   (returns what happened)
--                    select * from place_order(customer_id, items, ...);  (R__20_order_placement.sql)
--
-- Refusals raise these SQLSTATEs, with the offending input in the error's COLUMN field:
--   SF400 malformed input        SF404 unknown order, customer, product or coupon
--   SF409 not allowed now (status transition, coupon used up)
--   SF422 cannot be done as asked (not enough stock, inactive product, coupon conditions,
--         idempotency key reused for another request)

-- Any status change, by anyone, must be an allowed transition, and is recorded in
-- order_status_changes: order_transition() records its own (it is the only writer on a Citus
-- cluster, where this trigger does not run); a hand-written UPDATE gets its row here. A status is
-- never reached twice (the transitions make no cycle), so an order's row for the new status exists
-- only if order_transition() wrote it.
create or replace function orders_guard_status() returns trigger
language plpgsql as $$
declare
    v_changed_at timestamptz;
begin
    if new.status is not distinct from old.status then
        return new;
    end if;
    if not exists (
            select 1 from order_status_transitions t
            where t.from_status = old.status and t.to_status = new.status) then
        raise exception 'order % is %, it cannot become %', old.order_id, old.status, new.status
            using errcode = 'SF409', column = 'status',
                  hint = 'change a status with: call process_order(order_id, status)';
    end if;
    if not exists (
            select 1 from order_status_changes c
            where c.order_id = new.order_id and c.to_status = new.status) then
        -- the clock, not the transaction's start: see order_transition()
        insert into order_status_changes (order_id, from_status, to_status, changed_at)
        values (new.order_id, old.status, new.status, clock_timestamp())
        returning changed_at into v_changed_at;
        if new.status in ('cancelled', 'refunded') then
            perform order_refunds_take_back(array[new.order_id], array[v_changed_at]);
        end if;
    end if;
    return new;
end
$$;

create or replace trigger orders_guard_status
    before update of status on orders
    for each row execute function orders_guard_status();

-- Locks every warehouse row of the given products, product by product in product_id order, each
-- product's rows in inventory_id order: every writer of stock (shipping, returns, restocks) takes
-- them in this order, so two never deadlock. One query per product: on a Citus cluster a locking
-- read must stay on one shard.
create or replace function lock_stock_of(product_ids int[]) returns void
language plpgsql as $$
declare
    v_product int;
begin
    for v_product in select distinct given.product_id from unnest(product_ids) as given (product_id) order by 1 loop
        perform 1 from inventory i where i.product_id = v_product order by i.inventory_id for update;
    end loop;
end
$$;

-- Takes the order's lines out of stock. Rule, per line (in item_id order): warehouses that hold
-- the product, most stock first, ties by warehouse name; take as much as the line needs from the
-- first, then the next, ... So a line ships from one warehouse whenever one has enough for the
-- whole line (the best stocked), and is split across as few warehouses as possible otherwise.
-- Not enough in all warehouses together refuses the whole shipment (nothing changes).
-- The caller holds the order row lock.
-- Every read and write of stock names its product: on a Citus cluster stock is distributed by
-- product (docs/scale-out.md), so each goes to that product's shard alone.
create or replace function order_ship_stock(p_order_id int) returns void
language plpgsql as $$
declare
    v_item       record;
    v_stock      record;
    v_available  bigint;
    v_left       int;
    v_take       int;
    v_products   int[];
begin
    -- (the ids first, on their own: Citus would send a call with the order's lines as its argument to
    -- the order's worker, where its locks were a transaction of their own)
    v_products := array(select oi.product_id from order_items oi where oi.order_id = p_order_id);
    perform lock_stock_of(v_products);

    for v_item in
        select oi.item_id, oi.product_id, oi.quantity
        from order_items oi where oi.order_id = p_order_id order by oi.item_id
    loop
        select coalesce(sum(i.quantity), 0) into v_available from inventory i where i.product_id = v_item.product_id;
        if v_available < v_item.quantity then
            raise exception 'not enough stock to ship order %: product % needs % (item %), % in stock across all warehouses',
                    p_order_id, v_item.product_id, v_item.quantity, v_item.item_id, v_available
                using errcode = 'SF422', column = 'status';
        end if;
        v_left := v_item.quantity;
        for v_stock in
            select i.inventory_id, i.warehouse, i.quantity from inventory i
            where i.product_id = v_item.product_id and i.quantity > 0
            order by i.quantity desc, i.warehouse
        loop
            exit when v_left = 0;
            v_take := least(v_left, v_stock.quantity);
            update inventory set quantity = quantity - v_take, last_updated = now()
            where product_id = v_item.product_id and inventory_id = v_stock.inventory_id;
            insert into stock_movements (product_id, warehouse, order_id, item_id, quantity, reason, moved_at)
            values (v_item.product_id, v_stock.warehouse, p_order_id, v_item.item_id, -v_take, 'ship', now());
            v_left := v_left - v_take;
        end loop;
    end loop;
end
$$;

-- Puts back, into the warehouse it came from, whatever left stock for this order and has not come
-- back yet (net of its movements). An order that never shipped has nothing to put back.
create or replace function order_return_stock(p_order_id int) returns void
language plpgsql as $$
declare
    v_back     record;
    v_products int[];
begin
    v_products := array(select m.product_id from stock_movements m where m.order_id = p_order_id);
    perform lock_stock_of(v_products);  -- (the ids first, as order_ship_stock() says)

    for v_back in
        select m.product_id, m.warehouse, m.item_id, -sum(m.quantity)::int as quantity
        from stock_movements m
        where m.order_id = p_order_id
        group by m.product_id, m.warehouse, m.item_id
        having sum(m.quantity) < 0
        order by m.item_id, m.warehouse
    loop
        -- The row exists: stock left from it, and stock_movements' foreign key keeps it.
        -- (A plain update, not an upsert: it must not depend on a unique key that a bulk load may
        -- have dropped for a while.)
        update inventory i set quantity = i.quantity + v_back.quantity, last_updated = now()
        where i.product_id = v_back.product_id and i.warehouse = v_back.warehouse;
        if not found then
            insert into inventory (product_id, warehouse, quantity, last_updated)
            values (v_back.product_id, v_back.warehouse, v_back.quantity, now());
        end if;
        insert into stock_movements (product_id, warehouse, order_id, item_id, quantity, reason, moved_at)
        values (v_back.product_id, v_back.warehouse, p_order_id, v_back.item_id, v_back.quantity, 'return', now());
    end loop;
end
$$;

-- Moves an order to a new status, with its stock, and says what happened. Idempotent: asking for
-- the status the order already has changes nothing (changed = false).
create or replace function order_transition(p_order_id int, p_new_status text)
returns table (order_id int, order_number varchar, previous_status varchar, status varchar,
               changed boolean, message text)
language plpgsql as $$
#variable_conflict use_column
declare
    v_current  varchar(20);
    v_number   varchar(50);
    v_stock    varchar(10);
    v_allowed  text;
    v_changed_at timestamptz;
begin
    if p_new_status is null or p_new_status not in
            ('pending', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded') then
        raise exception 'unknown status ''%''; accepted: pending, processing, shipped, delivered, cancelled, refunded',
                coalesce(p_new_status, 'null')
            using errcode = 'SF400', column = 'status';
    end if;

    select o.status, o.order_number into v_current, v_number
    from orders o where o.order_id = p_order_id
    for update;
    if not found then
        raise exception 'order % does not exist', coalesce(p_order_id::text, 'null')
            using errcode = 'SF404', column = 'order_id';
    end if;

    if v_current = p_new_status then
        return query select p_order_id, v_number, v_current, v_current, false,
            format('order %s is already %s: nothing changed', p_order_id, v_current);
        return;
    end if;

    select t.stock into v_stock from order_status_transitions t
    where t.from_status = v_current and t.to_status = p_new_status;
    if not found then
        select string_agg(t.to_status, ', ' order by t.to_status) into v_allowed
        from order_status_transitions t where t.from_status = v_current;
        raise exception 'order % is %, it cannot become %; from % it can become: %',
                p_order_id, v_current, p_new_status, v_current, coalesce(v_allowed, 'nothing (final status)')
            using errcode = 'SF409', column = 'status';
    end if;

    if v_stock = 'out' then
        perform order_ship_stock(p_order_id);
    elsif v_stock = 'back' then
        perform order_return_stock(p_order_id);
    end if;

    -- The change first: the status guard then finds it recorded. Dated by the clock, after the
    -- order's lock, not by now() (the transaction's start): two changes racing on one order take
    -- turns at that lock, and the second, though it may have started first, must be dated after
    -- the first, or the history's time order would contradict its order of changes and an as-of
    -- report would read the wrong status between the two (the first's start and the second's).
    insert into order_status_changes (order_id, from_status, to_status, changed_at)
    values (p_order_id, v_current, p_new_status, clock_timestamp())
    returning changed_at into v_changed_at;
    if p_new_status in ('cancelled', 'refunded') then
        -- the whole order is returned now: its partial refunds so far are taken back
        -- (R__23_order_refunds.sql)
        perform order_refunds_take_back(array[p_order_id], array[v_changed_at]);
    end if;
    update orders o set status = p_new_status, updated_at = now() where o.order_id = p_order_id;

    return query select p_order_id, v_number, v_current, p_new_status::varchar, true,
        format('order %s: %s -> %s', p_order_id, v_current, p_new_status);
end
$$;

-- The brief's procedure, now correct, for psql users: call process_order(123, 'shipped');
-- (no COMMIT inside: it joins the caller's transaction, all or nothing).
create or replace procedure process_order(p_order_id int, p_new_status varchar)
language plpgsql as $$
declare
    v_message text;
begin
    select t.message into v_message from order_transition(p_order_id, p_new_status) t;
    raise notice '%', v_message;
end
$$;
