-- Orders: a correct order lifecycle and order placement (issue 6).
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
--                    select * from place_order(customer_id, items, ...);
--
-- Refusals raise these SQLSTATEs, with the offending input in the error's COLUMN field:
--   SF400 malformed input        SF404 unknown order, customer, product or coupon
--   SF409 not allowed now (status transition, coupon used up)
--   SF422 cannot be done as asked (not enough stock, inactive product, coupon conditions,
--         idempotency key reused for another request)

-- ============================================================
-- LIFECYCLE
-- ============================================================
-- The allowed status changes; nothing else. stock: what happens to the order's stock.
create table order_status_transitions (
    from_status  varchar(20) not null,
    to_status    varchar(20) not null,
    stock        varchar(10) not null check (stock in ('none', 'out', 'back')),
    primary key (from_status, to_status)
);

insert into order_status_transitions (from_status, to_status, stock) values
    ('pending',    'processing', 'none'),
    ('processing', 'shipped',    'out'),
    ('shipped',    'delivered',  'none'),
    ('pending',    'cancelled',  'back'),   -- nothing has left yet: 'back' finds nothing to return
    ('processing', 'cancelled',  'back'),
    ('shipped',    'refunded',   'back'),
    ('delivered',  'refunded',   'back');

-- One row per status change made through order_transition: when each order moved, for audits
-- and for "shipped today" style questions.
create table order_status_changes (
    change_id    bigserial primary key,
    order_id     int not null references orders (order_id),
    from_status  varchar(20) not null,
    to_status    varchar(20) not null,
    changed_at   timestamptz not null default now()
);
create index idx_order_status_changes_order on order_status_changes (order_id);
create index idx_order_status_changes_time  on order_status_changes (changed_at);

-- Any status change, by anyone, must be an allowed transition.
create function orders_guard_status() returns trigger
language plpgsql as $$
begin
    if new.status is distinct from old.status and not exists (
            select 1 from order_status_transitions t
            where t.from_status = old.status and t.to_status = new.status) then
        raise exception 'order % is %, it cannot become %', old.order_id, old.status, new.status
            using errcode = 'SF409', column = 'status',
                  hint = 'change a status with: call process_order(order_id, status)';
    end if;
    return new;
end
$$;

create trigger orders_guard_status
    before update of status on orders
    for each row execute function orders_guard_status();

-- Takes the order's lines out of stock. Rule, per line (in item_id order): warehouses that hold
-- the product, most stock first, ties by warehouse name; take as much as the line needs from the
-- first, then the next, ... So a line ships from one warehouse whenever one has enough for the
-- whole line (the best stocked), and is split across as few warehouses as possible otherwise.
-- Not enough in all warehouses together refuses the whole shipment (nothing changes).
-- The caller holds the order row lock.
create function order_ship_stock(p_order_id int) returns void
language plpgsql as $$
declare
    v_item       record;
    v_stock      record;
    v_available  bigint;
    v_left       int;
    v_take       int;
begin
    -- Lock every inventory row this order can touch, in inventory_id order (deadlock-free).
    perform 1 from inventory i
    where i.product_id in (select oi.product_id from order_items oi where oi.order_id = p_order_id)
    order by i.inventory_id
    for update;

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
            where inventory_id = v_stock.inventory_id;
            insert into stock_movements (product_id, warehouse, order_id, item_id, quantity, reason, moved_at)
            values (v_item.product_id, v_stock.warehouse, p_order_id, v_item.item_id, -v_take, 'ship', now());
            v_left := v_left - v_take;
        end loop;
    end loop;
end
$$;

-- Puts back, into the warehouse it came from, whatever left stock for this order and has not come
-- back yet (net of its movements). An order that never shipped has nothing to put back.
create function order_return_stock(p_order_id int) returns void
language plpgsql as $$
declare
    v_back record;
begin
    perform 1 from inventory i
    where i.product_id in (select m.product_id from stock_movements m where m.order_id = p_order_id)
    order by i.inventory_id
    for update;

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
create function order_transition(p_order_id int, p_new_status text)
returns table (order_id int, order_number varchar, previous_status varchar, status varchar,
               changed boolean, message text)
language plpgsql as $$
#variable_conflict use_column
declare
    v_current  varchar(20);
    v_number   varchar(50);
    v_stock    varchar(10);
    v_allowed  text;
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

    update orders o set status = p_new_status, updated_at = now() where o.order_id = p_order_id;
    insert into order_status_changes (order_id, from_status, to_status) values (p_order_id, v_current, p_new_status);

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

-- ============================================================
-- PLACEMENT
-- ============================================================
-- Pricing rules (GBP). List prices are before VAT.
--   line_total = list_price * quantity;  subtotal = sum of line totals
--   discount   = coupon: percentage -> round(subtotal * value / 100, 2); fixed -> least(value, subtotal)
--   shipping   = 4.99 when subtotal - discount is under 50.00, else free
--   tax        = UK VAT 20% of (subtotal - discount + shipping), rounded half up to the penny
--   total      = subtotal - discount + shipping + tax   (exact, numeric)
create function order_shipping_cost(p_goods numeric) returns numeric
language sql immutable as $$
    select case when p_goods < 50.00 then 4.99 else 0.00 end::numeric(10, 2)
$$;

create function order_vat(p_taxable numeric) returns numeric
language sql immutable as $$
    select round(p_taxable * 0.20, 2)
$$;

-- Retries of the same order request (HTTP Idempotency-Key) return the order made the first time.
create table order_idempotency_keys (
    idempotency_key  varchar(255) primary key,
    request_hash     char(64) not null,        -- sha-256 (hex) of the request, to spot a key reused for another one
    order_id         int not null references orders (order_id),
    created_at       timestamptz not null default now()
);

-- Places an order at today's list prices: validates the customer, products and coupon, prices it,
-- counts the coupon use (never beyond max_uses, even under concurrency), stores it as pending.
-- p_items: a JSON array of {"product_id": int, "quantity": int}.
create function place_order(
    p_customer_id     int,
    p_items           jsonb,
    p_coupon_code     text default null,
    p_session_id      text default null,
    p_payment_method  text default null,
    p_idempotency_key text default null,
    p_request_hash    text default null)
returns table (order_id int, replayed boolean)
language plpgsql as $$
#variable_conflict use_column
declare
    v_known     record;
    v_customer  record;
    v_coupon    record;
    v_coupon_id int;
    v_bad       record;
    v_order_id  int;
    v_subtotal  numeric(12, 2);
    v_discount  numeric(12, 2) := 0;
    v_shipping  numeric(12, 2);
    v_tax       numeric(12, 2);
begin
    if p_idempotency_key is not null then
        -- Two retries of one request arriving together: the second waits here for the first.
        perform pg_advisory_xact_lock(hashtextextended('place_order:' || p_idempotency_key, 0));
        select k.order_id, k.request_hash into v_known
        from order_idempotency_keys k where k.idempotency_key = p_idempotency_key;
        if found then
            if v_known.request_hash is distinct from p_request_hash then
                raise exception 'Idempotency-Key ''%'' was already used for a different request (order %); use a new key for a new order',
                        p_idempotency_key, v_known.order_id
                    using errcode = 'SF422', column = 'Idempotency-Key';
            end if;
            return query select v_known.order_id, true;
            return;
        end if;
    end if;

    select c.customer_id, c.is_active into v_customer from customers c where c.customer_id = p_customer_id;
    if not found then
        raise exception 'customer % does not exist', coalesce(p_customer_id::text, 'null')
            using errcode = 'SF404', column = 'customer_id';
    elsif not v_customer.is_active then
        raise exception 'customer % is not active', p_customer_id using errcode = 'SF422', column = 'customer_id';
    end if;

    if jsonb_typeof(p_items) is distinct from 'array' or jsonb_array_length(p_items) = 0 then
        raise exception 'items must be a non-empty array of {product_id, quantity}'
            using errcode = 'SF400', column = 'items';
    end if;

    -- The first line naming a product that does not exist, or is no longer sold.
    select e.idx, e.item ->> 'product_id' as product_id, p.product_id is not null as is_known into v_bad
    from jsonb_array_elements(p_items) with ordinality as e (item, idx)
    left join products p on p.product_id = (e.item ->> 'product_id')::int
    where p.product_id is null or p.is_active is not true
    order by e.idx
    limit 1;
    if found then
        if v_bad.is_known then
            raise exception 'product % is not for sale (inactive)', v_bad.product_id
                using errcode = 'SF422', column = format('items[%s].product_id', v_bad.idx - 1);
        end if;
        raise exception 'product % does not exist', v_bad.product_id
            using errcode = 'SF404', column = format('items[%s].product_id', v_bad.idx - 1);
    end if;

    select sum(p.list_price * (e.item ->> 'quantity')::int) into v_subtotal
    from jsonb_array_elements(p_items) as e (item)
    join products p on p.product_id = (e.item ->> 'product_id')::int;

    if p_coupon_code is not null then
        select c.* into v_coupon from coupons c where c.code = p_coupon_code;
        if not found then
            raise exception 'coupon ''%'' does not exist', p_coupon_code using errcode = 'SF404', column = 'coupon_code';
        elsif v_coupon.is_active is not true then
            raise exception 'coupon ''%'' is not active', p_coupon_code using errcode = 'SF422', column = 'coupon_code';
        elsif v_coupon.valid_from is not null and current_date < v_coupon.valid_from then
            raise exception 'coupon ''%'' is valid from %', p_coupon_code, v_coupon.valid_from
                using errcode = 'SF422', column = 'coupon_code';
        elsif v_coupon.valid_until is not null and current_date > v_coupon.valid_until then
            raise exception 'coupon ''%'' expired on %', p_coupon_code, v_coupon.valid_until
                using errcode = 'SF422', column = 'coupon_code';
        elsif v_subtotal < coalesce(v_coupon.min_order_value, 0) then
            raise exception 'coupon ''%'' needs an order of at least £% (this one is £%)',
                    p_coupon_code, v_coupon.min_order_value, v_subtotal
                using errcode = 'SF422', column = 'coupon_code';
        end if;
        -- Counted atomically: concurrent orders wait on the row and re-check the limit.
        update coupons c set times_used = coalesce(c.times_used, 0) + 1
        where c.coupon_id = v_coupon.coupon_id and (c.max_uses is null or coalesce(c.times_used, 0) < c.max_uses);
        if not found then
            raise exception 'coupon ''%'' has been used up (limit % uses)', p_coupon_code, v_coupon.max_uses
                using errcode = 'SF409', column = 'coupon_code';
        end if;
        v_coupon_id := v_coupon.coupon_id;
        v_discount := case v_coupon.discount_type
            when 'percentage' then round(v_subtotal * v_coupon.discount_value / 100, 2)
            else least(v_coupon.discount_value, v_subtotal)
        end;
    end if;

    v_shipping := order_shipping_cost(v_subtotal - v_discount);
    v_tax := order_vat(v_subtotal - v_discount + v_shipping);
    v_order_id := nextval(pg_get_serial_sequence('orders', 'order_id'));

    insert into orders (order_id, customer_id, order_number, status, payment_method, shipping_address_id, session_id,
                        subtotal, discount_amount, shipping_cost, tax_amount, total_amount, currency, created_at, updated_at)
    values (v_order_id, p_customer_id,
            -- the generator's format; lpad alone would cut ids longer than 7 digits
            'ORD-' || to_char(now(), 'YYYY') || '-' || lpad(v_order_id::text, greatest(7, length(v_order_id::text)), '0'),
            'pending', coalesce(p_payment_method, 'card'),
            (select a.address_id from addresses a
             where a.customer_id = p_customer_id and a.type = 'shipping'
             order by a.is_default desc nulls last, a.address_id limit 1),
            p_session_id,
            v_subtotal, v_discount, v_shipping, v_tax, v_subtotal - v_discount + v_shipping + v_tax, 'GBP', now(), now());

    insert into order_items (order_id, product_id, quantity, unit_price, discount_pct, line_total)
    select v_order_id, p.product_id, (e.item ->> 'quantity')::int, p.list_price, 0,
           p.list_price * (e.item ->> 'quantity')::int
    from jsonb_array_elements(p_items) with ordinality as e (item, idx)
    join products p on p.product_id = (e.item ->> 'product_id')::int
    order by e.idx;

    if v_coupon_id is not null then
        insert into order_coupons (order_id, coupon_id, discount_applied) values (v_order_id, v_coupon_id, v_discount);
    end if;
    if p_idempotency_key is not null then
        insert into order_idempotency_keys (idempotency_key, request_hash, order_id)
        values (p_idempotency_key, p_request_hash, v_order_id);
    end if;

    return query select v_order_id, false;
end
$$;
