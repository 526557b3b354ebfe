-- Customer rollups: each customer's counted orders, spend, first and last order, all history,
-- kept exact per write with V6's pattern (append to pending, fold every second), for
-- rfm_segments, rfm_customers and customer_lifetime (issue 7).
--
-- Counted orders: current status not cancelled or refunded, as the three reports' reference SQL
-- says. An order moving in or out of those statuses adds or removes it.
--
-- Sums fold, minimum and maximum do not: adding an order moves first/last outwards (least,
-- greatest), but removing one (cancelled, refunded, deleted, moved to another customer or another
-- moment) cannot be undone from the totals. So the maintenance function appends, per customer,
-- the signed change of orders and spend, the first and last of the orders it added, and how many
-- orders it removed. A customer with no removal pending reads folded + pending exactly; one with
-- a removal pending (a handful: the web server folds every second) is recounted from its raw
-- orders (idx_orders_customer), by the readers until the fold, then by the fold itself.
--
-- As of a past moment: the rollup holds all history, so the customers with counted orders placed
-- after as_of (none for the dashboard's "now", few for a recent moment; idx_orders_created) are
-- recounted from their raw orders up to as_of too. customer_orders_as_of(as_of) below is that
-- answer, and rfm_scores(as_of) the RFM scoring both RFM reports share.

-- ============================================================
-- TABLES
-- ============================================================
-- RFM scoring sorts customers by (value, customer_id); packed into one bigint, value * 2^32 +
-- customer_id, that is the same order, and sorting bare bigints measured about 3x faster than
-- three ntile() window functions over the rows (README). Values up to 2^31: days, orders, and
-- pence up to GBP 21M of lifetime spend (beyond, the bigint overflows: an error, never a wrong
-- score).
create function rfm_key(value bigint, customer_id int) returns bigint
language sql immutable parallel safe
return value * 4294967296 + customer_id;

-- Grain: one row per customer who has ever had a counted order. A customer whose counted orders
-- all went away keeps a row with 0 orders (and no first/last order).
create table rollup_customer_orders_folded (
    customer_id     int primary key,
    orders          bigint not null,          -- counted orders
    spend           numeric(16, 2) not null,  -- their orders.total_amount, GBP
    first_order_at  timestamptz,              -- the first of them (null with none)
    last_order_at   timestamptz,              -- the last of them (null with none)
    -- RFM sort keys, computed once per fold rather than on every read: the last order's shop day
    -- (days since 2000-01-01), the orders, the spend in pence, each with customer_id (rfm_key)
    recency_key     bigint generated always as
                        (rfm_key(shop_day(last_order_at) - date '2000-01-01', customer_id)) stored,
    frequency_key   bigint generated always as (rfm_key(orders, customer_id)) stored,
    monetary_key    bigint generated always as (rfm_key((spend * 100)::bigint, customer_id)) stored
);

-- Changes not folded in yet, several rows per customer: first and last_order_at are those of the
-- orders the change added (null if none); removed: how many counted orders it took away
-- (cancelled, refunded, deleted, moved). While a customer has a removal pending, its figures
-- come from its raw orders.
create table rollup_customer_orders_pending (
    customer_id     int not null,
    orders          bigint not null,
    spend           numeric(16, 2) not null,
    first_order_at  timestamptz,
    last_order_at   timestamptz,
    removed         bigint not null
);

-- customer_lifetime reads the best customers first
create index idx_rollup_customer_orders_folded_spend on rollup_customer_orders_folded (spend desc, customer_id)
    where orders > 0;

create view rollup_customer_orders as
select customer_id, orders, spend, first_order_at, last_order_at, 0::bigint as removed from rollup_customer_orders_folded
union all
select customer_id, orders, spend, first_order_at, last_order_at, removed from rollup_customer_orders_pending;

-- ============================================================
-- MAINTENANCE
-- ============================================================
-- Applies changed orders: added rows count +1, removed rows -1. An order whose update leaves it
-- counted, with the same customer and moment (a status step from pending to delivered, a new
-- total), nets out to no removal (and, same total, no row at all).
-- (PL/pgSQL for its cached plan, see rollup_orders_apply in V6.)
create function rollup_customer_orders_apply(added orders[], removed orders[]) returns void
language plpgsql as $$
begin
    insert into rollup_customer_orders_pending (customer_id, orders, spend, first_order_at, last_order_at, removed)
    select
        customer_id,
        sum(orders),
        sum(spend),
        min(created_at) filter (where orders > 0),
        max(created_at) filter (where orders > 0),
        coalesce(-sum(orders) filter (where orders < 0), 0)
    from (
        -- net change per (customer, moment): the multiset of order moments is what first/last read
        select customer_id, created_at, sum(sign)::bigint as orders, sum(sign * total_amount) as spend
        from (
            select customer_id, created_at, total_amount, 1 as sign from unnest(added)
            where status not in ('cancelled', 'refunded')
            union all
            select customer_id, created_at, total_amount, -1 from unnest(removed)
            where status not in ('cancelled', 'refunded')
        ) as delta
        group by customer_id, created_at
        having sum(sign) <> 0 or sum(sign * total_amount) <> 0
    ) as moments
    group by customer_id
    order by customer_id;
end
$$;

create function orders_customer_rollups_inserted() returns trigger
language plpgsql as $$
begin
    perform rollup_customer_orders_apply(array(select n::orders from new_orders n), '{}');
    return null;
end
$$;

create function orders_customer_rollups_updated() returns trigger
language plpgsql as $$
begin
    perform rollup_customer_orders_apply(array(select n::orders from new_orders n),
                                         array(select o::orders from old_orders o));
    return null;
end
$$;

create function orders_customer_rollups_deleted() returns trigger
language plpgsql as $$
begin
    perform rollup_customer_orders_apply('{}', array(select o::orders from old_orders o));
    return null;
end
$$;

create function orders_customer_rollups_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollup_customer_orders_folded;
    delete from rollup_customer_orders_pending;
    return null;
end
$$;

create trigger orders_rollups_customers_insert after insert on orders
    referencing new table as new_orders
    for each statement execute function orders_customer_rollups_inserted();
create trigger orders_rollups_customers_update after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_customer_rollups_updated();
create trigger orders_rollups_customers_delete after delete on orders
    referencing old table as old_orders
    for each statement execute function orders_customer_rollups_deleted();
create trigger orders_rollups_customers_truncate after truncate on orders
    for each statement execute function orders_customer_rollups_truncated();

-- ============================================================
-- FOLD, REBUILD
-- ============================================================
-- One statement, so one snapshot: the pending rows it moves are exactly those of the
-- transactions whose order changes it sees, and a customer with a removal is recounted from
-- those same orders (rows appended by transactions it does not see stay pending, and add to the
-- recount later).
create function fold_customer_rollups() returns void
language plpgsql as $$
begin
    with moved as (
        delete from rollup_customer_orders_pending returning *
    ),
    changed as (
        select customer_id, sum(orders)::bigint as orders, sum(spend) as spend, min(first_order_at) as first_order_at,
               max(last_order_at) as last_order_at, sum(removed)::bigint as removed
        from moved
        group by customer_id
    ),
    added as (
        insert into rollup_customer_orders_folded as rollup (customer_id, orders, spend, first_order_at, last_order_at)
        select customer_id, orders, spend, first_order_at, last_order_at
        from changed
        where removed = 0
        order by customer_id
        on conflict (customer_id) do update
            set orders = rollup.orders + excluded.orders,
                spend = rollup.spend + excluded.spend,
                first_order_at = least(rollup.first_order_at, excluded.first_order_at),
                last_order_at = greatest(rollup.last_order_at, excluded.last_order_at)
    )
    insert into rollup_customer_orders_folded as rollup (customer_id, orders, spend, first_order_at, last_order_at)
    select changed.customer_id, recount.orders, coalesce(recount.spend, 0), recount.first_order_at, recount.last_order_at
    from changed
    cross join lateral (
        select count(*) as orders, sum(total_amount) as spend, min(created_at) as first_order_at,
               max(created_at) as last_order_at
        from orders
        where orders.customer_id = changed.customer_id
          and orders.status not in ('cancelled', 'refunded')
    ) as recount
    where changed.removed > 0
    order by changed.customer_id
    on conflict (customer_id) do update
        set orders = excluded.orders,
            spend = excluded.spend,
            first_order_at = excluded.first_order_at,
            last_order_at = excluded.last_order_at;
end
$$;

create function rebuild_customer_rollups() returns void
language plpgsql as $$
begin
    lock table orders in share row exclusive mode;

    delete from rollup_customer_orders_pending;
    delete from rollup_customer_orders_folded;
    insert into rollup_customer_orders_folded (customer_id, orders, spend, first_order_at, last_order_at)
    select customer_id, count(*), sum(total_amount), min(created_at), max(created_at)
    from orders
    where status not in ('cancelled', 'refunded')
    group by customer_id
    order by customer_id;
end
$$;

-- ============================================================
-- READING: EACH CUSTOMER AS OF A MOMENT, RFM SCORES
-- ============================================================
-- Customers whose folded row is not their answer as of as_of, with their answer (0 orders: none
-- up to as_of): those with changes pending (added to their folded row, or recounted from their
-- raw orders when a change removed an order), and those with counted orders placed after as_of
-- (recounted up to as_of; the rollup holds all history). A handful for the dashboard's "now".
create function customer_orders_changed(as_of timestamptz)
returns table (customer_id int, orders bigint, spend numeric, first_order_at timestamptz, last_order_at timestamptz)
language sql stable
begin atomic
    with

    pending as (
        select customer_id, sum(orders)::bigint as orders, sum(spend) as spend, min(first_order_at) as first_order_at,
               max(last_order_at) as last_order_at, sum(removed)::bigint as removed
        from rollup_customer_orders_pending
        group by customer_id
    ),

    recount as (
        select customer_id from pending where removed > 0
        union
        select customer_id from orders
        where created_at > as_of and status not in ('cancelled', 'refunded')
    ),

    added_to as (
        select
            pending.customer_id,
            coalesce(folded.orders, 0) + pending.orders                 as orders,
            coalesce(folded.spend, 0) + pending.spend                   as spend,
            least(folded.first_order_at, pending.first_order_at)        as first_order_at,
            greatest(folded.last_order_at, pending.last_order_at)       as last_order_at
        from pending
        left join rollup_customer_orders_folded as folded using (customer_id)
        where pending.customer_id not in (select customer_id from recount)
    ),

    recounted as (
        select recount.customer_id, counted.orders, coalesce(counted.spend, 0) as spend, counted.first_order_at,
               counted.last_order_at
        from recount
        cross join lateral (
            select count(*) as orders, sum(total_amount) as spend, min(created_at) as first_order_at,
                   max(created_at) as last_order_at
            from orders
            where orders.customer_id = recount.customer_id
              and orders.status not in ('cancelled', 'refunded')
              and orders.created_at <= as_of
        ) as counted
    )

    select * from added_to
    union all
    select * from recounted;
end;

-- Each customer with at least one counted order placed up to as_of: how many, their total, the
-- first and the last (exactly the aggregate of the reference SQL over the raw orders), and the
-- RFM sort keys (see the folded table).
--   psql: select * from customer_orders_as_of(now()) order by spend desc limit 10;
create function customer_orders_as_of(as_of timestamptz)
returns table (customer_id int, orders bigint, spend numeric, first_order_at timestamptz, last_order_at timestamptz,
               recency_key bigint, frequency_key bigint, monetary_key bigint)
language sql stable
begin atomic
    with

    changed as (
        select * from customer_orders_changed(as_of)
    )

    select customer_id, orders, spend, first_order_at, last_order_at, recency_key, frequency_key, monetary_key
    from rollup_customer_orders_folded
    where orders > 0
      and customer_id not in (select customer_id from changed)
    union all
    select
        customer_id, orders, spend, first_order_at, last_order_at,
        rfm_key(shop_day(last_order_at) - date '2000-01-01', customer_id),
        rfm_key(orders, customer_id),
        rfm_key((spend * 100)::bigint, customer_id)
    from changed
    where orders > 0;
end;

-- The last of the sorted keys in each tile but the last, when ntile(tiles) cuts them in order:
-- with n keys, ntile gives the first n % tiles tiles one key more, so tile k ends at key
-- k * (n / tiles) + least(k, n % tiles). A key's tile is then 1 + width_bucket(key - 1, ends)
-- (how many tiles end before it; integer keys, all distinct).
create function ntile_ends(sorted_keys bigint[], tiles int) returns bigint[]
language sql immutable parallel safe
return array(
    select sorted_keys[k * (cardinality(sorted_keys) / tiles) + least(k, cardinality(sorted_keys) % tiles)]
    from generate_series(1, tiles - 1) as k
    order by k
);

-- RFM scores and segment of every customer with a counted order up to as_of: rfm_segments.sql
-- and rfm_customers.sql both read it (one definition of the scoring, theirs unchanged).
--   r_score  5 = most recent buyers (fewest days since the last order), 1 = longest ago
--   f_score  5 = most orders;  m_score  5 = highest spend
-- Each score is the customer's quintile exactly as ntile(5) over (order by value, customer_id)
-- gives it (ties in a fixed order, so a rerun scores everyone alike), computed without window
-- functions: one sorted array of the customers' rfm_key per score, its four quintile ends
-- (ntile_ends), and each customer's quintile by binary search (width_bucket). Days are shop
-- days, as in the reference SQL run in the shop's time zone (the database's default).
--   psql: select segment, count(*) from rfm_scores(now()) group by segment;
create function rfm_scores(as_of timestamptz)
returns table (customer_id int, recency_days int, frequency bigint, monetary numeric,
               r_score int, f_score int, m_score int, segment text)
language sql stable
begin atomic
    with

    rfm_base as (
        select
            customer_id,
            -- days from the last order's shop day (recency_key / 2^32 days after 2000-01-01)
            (as_of::date - date '2000-01-01') - (recency_key >> 32)::int  as recency_days,
            orders                                                      as frequency,
            spend                                                       as monetary,
            -- recency_days descending is the last order's day ascending
            recency_key                                                 as r_key,
            frequency_key                                               as f_key,
            monetary_key                                                as m_key
        from customer_orders_as_of(as_of)
    ),

    quintile_ends as (
        select
            ntile_ends(array_agg(r_key order by r_key), 5) as r_ends,
            ntile_ends(array_agg(f_key order by f_key), 5) as f_ends,
            ntile_ends(array_agg(m_key order by m_key), 5) as m_ends
        from rfm_base
    ),

    rfm_scores as (
        select
            rfm_base.*,
            1 + width_bucket(r_key - 1, r_ends) as r_score,
            1 + width_bucket(f_key - 1, f_ends) as f_score,
            1 + width_bucket(m_key - 1, m_ends) as m_score
        from rfm_base, quintile_ends
    )

    select
        customer_id, recency_days, frequency, monetary, r_score, f_score, m_score,
        case
            when r_score >= 4 and f_score >= 4 and m_score >= 4 then 'Champions'
            when r_score >= 4 and f_score >= 2                  then 'Loyal Customers'
            when r_score >= 4 and f_score = 1                   then 'Recent Customers'
            when r_score = 3 and f_score >= 3                   then 'Potential Loyalists'
            when r_score = 2 and f_score >= 4                   then 'At Risk'
            when r_score <= 2 and f_score <= 2                  then 'Hibernating'
            else 'Needs Attention'
        end
    from rfm_scores;
end;
