-- Partial refunds (order_refunds): some units of some lines, or an amount, given back on an
-- order that stays live. The sales model counts them as returns on their date (R__22).
--
-- psql users call:   select * from refund_order(123, amount => 12.50);
--                    select * from refund_order(123, lines => '[{"item_id": 7, "quantity": 1}]');
-- Refusals raise the SQLSTATEs of R__21_order_lifecycle.sql, with the offending input in the
-- error's COLUMN field: SF400 malformed, SF404 unknown order, SF409 order already returned whole,
-- SF422 more than is left to refund or a line the order does not have.

-- What is left to refund of each line of an order: its net sales (order_line_sales: after its
-- discount and its share of the coupon) and units, less the partial refunds so far.
-- PL/pgSQL rather than SQL: a Citus coordinator cannot run a parameterized SQL function over
-- distributed tables (as orders_as_of(), R__22).
create or replace function order_refundable_lines(p_order_id int)
returns table (item_id int, product_id int, quantity int, net_sales numeric)
language plpgsql stable as $$
#variable_conflict use_column
begin
    return query
    select l.item_id, l.product_id,
           l.quantity - coalesce(r.quantity, 0)::int,
           l.net_sales - coalesce(r.net_sales, 0)
    from order_line_sales l
    left join (
        select r.item_id, sum(r.quantity) as quantity, sum(r.net_sales) as net_sales
        from order_refunds r
        where r.order_id = p_order_id
        group by r.item_id
    ) as r on r.item_id = l.item_id
    where l.order_id = p_order_id;
end
$$;

-- Refunds part of an order: an amount of its net sales (no VAT, no shipping), shared over its
-- lines in proportion to what is left of each, in pence (as a coupon is shared); or units of
-- some lines (a JSON array of {"item_id", "quantity"}), each unit valued at what is left of its
-- line per unit left, so the last unit takes exactly the rest. Never more than is left; never on
-- an order already cancelled or refunded (its return took everything). Dated by the clock after
-- the order's lock (as order_transition(): two refunds of one order take turns), or at p_at (an
-- import's dates).
create or replace function refund_order(p_order_id int, amount numeric default null, lines jsonb default null,
                                        p_at timestamptz default null)
returns table (refund_id bigint, order_id int, order_number varchar, refunded numeric, left_to_refund numeric,
               message text)
language plpgsql as $$
#variable_conflict use_column
declare
    v_status   varchar(20);
    v_number   varchar(50);
    v_created  timestamptz;
    v_left     numeric;
    v_refund   bigint;
    v_at       timestamptz;
    v_bad      record;
    v_total    numeric;
begin
    if (amount is null) = (lines is null) then
        raise exception 'a refund is an amount or lines, exactly one of them'
            using errcode = 'SF400', column = 'amount';
    end if;
    if amount is not null and (amount <= 0 or amount <> round(amount, 2)) then
        raise exception 'amount % must be positive, in pence (2 decimals)', amount
            using errcode = 'SF400', column = 'amount';
    end if;
    if lines is not null and (jsonb_typeof(lines) <> 'array' or jsonb_array_length(lines) = 0) then
        raise exception 'lines must be a non-empty array of {"item_id": ..., "quantity": ...}'
            using errcode = 'SF400', column = 'lines';
    end if;

    select o.status, o.order_number, o.created_at into v_status, v_number, v_created
    from orders o where o.order_id = p_order_id
    for update;
    if not found then
        raise exception 'order % does not exist', coalesce(p_order_id::text, 'null')
            using errcode = 'SF404', column = 'order_id';
    end if;
    if v_status in ('cancelled', 'refunded') then
        raise exception 'order % is %: nothing is left to refund', p_order_id, v_status
            using errcode = 'SF409', column = 'status';
    end if;
    v_at := coalesce(p_at, clock_timestamp());
    if v_at < v_created then
        raise exception 'a refund at % would come before order % was placed (%)', v_at, p_order_id, v_created
            using errcode = 'SF400', column = 'refunded_at';
    end if;

    select coalesce(sum(l.net_sales), 0) into v_left from order_refundable_lines(p_order_id) l;
    v_refund := nextval('order_refund_ids');

    if amount is not null then
        if amount > v_left then
            raise exception 'order % has % left to refund: % is more', p_order_id, v_left, amount
                using errcode = 'SF422', column = 'amount';
        end if;
        insert into order_refunds (refund_id, order_id, item_id, product_id, refunded_at, quantity, net_sales, kind)
        select v_refund, p_order_id, shares.item_id, shares.product_id, v_at, 0, shares.net_sales, 'partial'
        from (
            select l.item_id, l.product_id,
                   round(amount * sum(l.net_sales) over running / v_left, 2)
                 - round(amount * (sum(l.net_sales) over running - l.net_sales) / v_left, 2) as net_sales
            from order_refundable_lines(p_order_id) l
            where l.net_sales > 0
            window running as (order by l.item_id)
        ) as shares
        where shares.net_sales > 0;
    else
        -- each asked line once, known, with a positive whole quantity no larger than what is left
        select asked.value as line, l.item_id, l.quantity as left_units,
               case when jsonb_typeof(asked.value -> 'quantity') = 'number'
                    then (asked.value ->> 'quantity')::numeric end as quantity,
               case when jsonb_typeof(asked.value -> 'item_id') = 'number'
                    then (asked.value ->> 'item_id')::numeric end as item
        into v_bad
        from jsonb_array_elements(lines) as asked
        left join order_refundable_lines(p_order_id) l
          on jsonb_typeof(asked.value -> 'item_id') = 'number' and l.item_id::numeric = (asked.value ->> 'item_id')::numeric
        where l.item_id is null
           or jsonb_typeof(asked.value -> 'quantity') <> 'number'
           or (asked.value ->> 'quantity')::numeric <> trunc((asked.value ->> 'quantity')::numeric)
           or (asked.value ->> 'quantity')::numeric < 1
           or (asked.value ->> 'quantity')::numeric > l.quantity
        limit 1;
        if found then
            if v_bad.item_id is null then
                raise exception 'order % has no line %', p_order_id, v_bad.line
                    using errcode = 'SF422', column = 'lines';
            elsif v_bad.quantity is null or v_bad.quantity <> trunc(v_bad.quantity) or v_bad.quantity < 1 then
                raise exception 'line %: quantity must be a whole number of at least 1', v_bad.line
                    using errcode = 'SF400', column = 'lines';
            else
                raise exception 'line % of order % has % units left to refund: % is more',
                        v_bad.item_id, p_order_id, v_bad.left_units, v_bad.quantity
                    using errcode = 'SF422', column = 'lines';
            end if;
        end if;
        if (select count(*) from jsonb_array_elements(lines))
                <> (select count(distinct (a.value ->> 'item_id')::numeric) from jsonb_array_elements(lines) a) then
            raise exception 'lines name an order line more than once'
                using errcode = 'SF400', column = 'lines';
        end if;
        insert into order_refunds (refund_id, order_id, item_id, product_id, refunded_at, quantity, net_sales, kind)
        select v_refund, p_order_id, l.item_id, l.product_id, v_at, asked.quantity,
               round(l.net_sales * asked.quantity / l.quantity, 2), 'partial'
        from (select (a.value ->> 'item_id')::int as item_id, (a.value ->> 'quantity')::int as quantity
              from jsonb_array_elements(lines) a) as asked
        join order_refundable_lines(p_order_id) l using (item_id);
    end if;

    select coalesce(sum(r.net_sales), 0) into v_total from order_refunds r where r.refund_id = v_refund;
    return query select v_refund, p_order_id, v_number, v_total, v_left - v_total,
        format('order %s: refunded %s, %s left to refund', p_order_id, v_total, v_left - v_total);
end
$$;

-- An order cancelled or refunded whole at p_at: its status change returns the whole order (the
-- sales model's order_returns), so its partial refunds are taken back at the same moment, each
-- line's negated in one row. Called by every writer of those changes (order_transition(), the
-- imports); a second call for the same order finds them taken back already and adds nothing.
create or replace function order_refunds_take_back(p_order_ids int[], p_at timestamptz[]) returns void
language plpgsql as $$
declare
    i int;
    v_refund bigint;
begin
    -- one order at a time, each statement on its order's rows alone (one shard on a Citus cluster)
    for i in 1 .. coalesce(array_length(p_order_ids, 1), 0) loop
        if exists (select 1 from order_refunds r where r.order_id = p_order_ids[i])
                and not exists (select 1 from order_refunds r where r.order_id = p_order_ids[i] and r.kind = 'taken_back') then
            v_refund := nextval('order_refund_ids');
            insert into order_refunds (refund_id, order_id, item_id, product_id, refunded_at, quantity, net_sales, kind)
            select v_refund, r.order_id, r.item_id, r.product_id, p_at[i],
                   -sum(r.quantity), -sum(r.net_sales), 'taken_back'
            from order_refunds r
            where r.order_id = p_order_ids[i]
            group by r.order_id, r.item_id, r.product_id;
        end if;
    end loop;
end
$$;

-- Money that moved is never changed: a refund row is neither updated nor deleted, except with its
-- order (a bad import, a test order: the key cascades once the order row is gone). The rollups
-- count each row once, when it is inserted, and rely on this.
create or replace function order_refunds_guard() returns trigger
language plpgsql as $$
begin
    if tg_op = 'UPDATE' or exists (select 1 from orders o where o.order_id = old.order_id) then
        raise exception 'refund % of order % is money that moved: it is never changed or deleted (refund again, or return the order whole)',
                old.refund_id, old.order_id
            using errcode = 'SF409', column = 'refund_id';
    end if;
    return old;
end
$$;

create or replace trigger order_refunds_guard before update or delete on order_refunds
    for each row execute function order_refunds_guard();
