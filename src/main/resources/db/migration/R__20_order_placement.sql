-- Order placement: pricing and place_order(), the one way ShopFlow creates an order (the API,
-- `shopflow order` and psql all call it). Its refusals raise the SQLSTATEs listed at the top of
-- R__21_order_lifecycle.sql.

-- Pricing rules (GBP). List prices are before VAT.
--   line_total = list_price * quantity;  subtotal = sum of line totals
--   discount   = coupon: percentage -> round(subtotal * value / 100, 2); fixed -> least(value, subtotal)
--   shipping   = 4.99 when subtotal - discount is under 50.00, else free
--   tax        = UK VAT 20% of (subtotal - discount + shipping), rounded half up to the penny
--   total      = subtotal - discount + shipping + tax   (exact, numeric)
create or replace function order_shipping_cost(p_goods numeric) returns numeric
language sql immutable as $$
    select case when p_goods < 50.00 then 4.99 else 0.00 end::numeric(10, 2)
$$;

create or replace function order_vat(p_taxable numeric) returns numeric
language sql immutable as $$
    select round(p_taxable * 0.20, 2)
$$;

-- Places an order at today's list prices: validates the customer, products and coupon, prices it,
-- counts the coupon use (never beyond max_uses, even under concurrency), stores it as pending.
-- p_items: a JSON array of {"product_id": int, "quantity": int}.
--
-- Written so that it also runs on a Citus cluster (docs/scale-out.md), with the same rows:
--   * it locks the orders table (row exclusive, as its insert does) before it takes the order's id
--     from the sequence: the cluster's rollup job (catch_up_rollups()) reads the ids handed out
--     once it holds the source tables in exclusive mode, which waits for every writer holding them;
--     an id taken before the lock could still belong to an order not written yet, which the job
--     would pass over for ever;
--   * the customer's shipping address is looked up before the insert instead of in a subquery
--     inside its VALUES ("subqueries are not supported within INSERT queries" on a distributed table);
--   * the lines are inserted by one multi-row `insert ... values`, written out once the order's id
--     is known: Citus sends that to the order's shard as it is, its line ids taken on the
--     coordinator in the request's order, and the order commits on its worker alone. An
--     `insert ... select` from the request instead ran through the coordinator as a COPY, which
--     Citus always commits in two phases (and Citus 13 planned the form with a join to products
--     with no task at all, inserting nothing, silently). One statement, not a loop of inserts:
--     each insert statement runs the order-line rollup triggers, which cost more than the insert;
--   * on a cluster it runs with DDL propagation off (a function setting, db/citus/
--     cluster-definitions.sql): Citus would otherwise send its `lock table orders` to every worker,
--     making every order a transaction on every node, committed in two phases; the job's lock is
--     taken on the coordinator, where this one is.
create or replace function place_order(
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
    v_address   int;
    v_lines     text;
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
    -- the table before the id: see the top of this file
    lock table orders in row exclusive mode;
    v_order_id := nextval(pg_get_serial_sequence('orders', 'order_id'));
    select a.address_id into v_address
    from addresses a
    where a.customer_id = p_customer_id and a.type = 'shipping'
    order by a.is_default desc nulls last, a.address_id limit 1;

    insert into orders (order_id, customer_id, order_number, status, payment_method, shipping_address_id, session_id,
                        subtotal, discount_amount, shipping_cost, tax_amount, total_amount, currency, created_at, updated_at)
    values (v_order_id, p_customer_id,
            -- the generator's format; lpad alone would cut ids longer than 7 digits
            'ORD-' || to_char(now(), 'YYYY') || '-' || lpad(v_order_id::text, greatest(7, length(v_order_id::text)), '0'),
            'pending', coalesce(p_payment_method, 'card'),
            v_address,
            p_session_id,
            v_subtotal, v_discount, v_shipping, v_tax, v_subtotal - v_discount + v_shipping + v_tax, 'GBP', now(), now());
    -- its history starts here: status as of any moment is the last change at or before it
    insert into order_status_changes (order_id, from_status, to_status, changed_at)
    values (v_order_id, null, 'pending', now());

    -- the lines as the rows of one `values` list, in the request's order (numbers only: nothing to quote)
    select string_agg(format('(%s, %s, %s, %s, 0, %s)', v_order_id, p.product_id, (e.item ->> 'quantity')::int,
                             p.list_price, p.list_price * (e.item ->> 'quantity')::int), ', ' order by e.idx)
    into v_lines
    from jsonb_array_elements(p_items) with ordinality as e (item, idx)
    join products p on p.product_id = (e.item ->> 'product_id')::int;

    execute 'insert into order_items (order_id, product_id, quantity, unit_price, discount_pct, line_total) values '
            || v_lines;

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
