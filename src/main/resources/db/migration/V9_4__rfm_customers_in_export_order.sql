-- rfm_customers from its rows alone, in the order it lists them (issue 7).
--
-- The export lists a segment's customers (Champions: ~6,800 at scale 1, ~68,000 at scale 10), each
-- with the customer's email and name, highest spend first. Read through an index on the segment
-- alone, every row was then looked up in customers by its key (one index probe each) and the whole
-- segment sorted by spend (numeric, then customer_id): those, not the scoring, were the cost (24 ms
-- at scale 1, 290 ms at scale 10). So:
--   * the kept scoring holds each buyer's email and name too: no probe;
--   * export_key, one bigint, sorts as the export does (spend descending, then customer_id);
--   * a scoring writes its rows in (segment, export_key) order, so a segment's rows lie on
--     consecutive pages already in the export's order, and the report's sort (it must still merge
--     in the customers rescored since, PostgreSQL 16 does not merge a union in order) finds them
--     sorted: one pass over bigints.
--
-- The copies of email and name follow the customers table: a scoring and a fold copy them from
-- customers as they score, and a trigger on customers (customers_rollups_rfm_update) copies a
-- changed email or name into the scored row in the same transaction. A customer with a scored row
-- has orders, so cannot be deleted (orders' foreign key).

-- ============================================================
-- TABLE, INDEX (filled by the scoring at the end)
-- ============================================================
alter table rollup_rfm_scored
    add column email      varchar(255),
    add column first_name varchar(100),
    add column last_name  varchar(100),
    -- spend in pence descending, then customer_id: -pence * 2^32 + customer_id (monetary_key is
    -- pence * 2^32 + customer_id)
    add column export_key bigint generated always as (2::bigint * customer_id - monetary_key) stored;

drop index idx_rollup_rfm_scored_segment;
create index idx_rollup_rfm_scored_export on rollup_rfm_scored (segment, export_key);

-- ============================================================
-- SCORING, FOLD: as V8_1, copying email and name
-- ============================================================
create or replace function rescore_rfm_rollups() returns void
language plpgsql as $$
declare
    r_ends bigint[];
    f_ends bigint[];
    m_ends bigint[];
begin
    lock table rollup_rfm_quintiles in exclusive mode;  -- see fold_rfm_rollups()
    delete from rollup_rfm_stale;

    update rollup_rfm_quintiles
    set customers = sorted.customers, recency_keys = sorted.recency_keys,
        frequency_keys = sorted.frequency_keys, monetary_keys = sorted.monetary_keys
    from (
        select
            count(*)                                                      as customers,
            coalesce(array_agg(recency_key order by recency_key), '{}')       as recency_keys,
            coalesce(array_agg(frequency_key order by frequency_key), '{}')   as frequency_keys,
            coalesce(array_agg(monetary_key order by monetary_key), '{}')     as monetary_keys
        from rollup_customer_orders_folded
        where orders > 0
    ) as sorted;

    select ntile_ends(recency_keys, 5), ntile_ends(frequency_keys, 5), ntile_ends(monetary_keys, 5)
    into r_ends, f_ends, m_ends
    from rollup_rfm_quintiles;

    delete from rollup_rfm_scored;
    insert into rollup_rfm_scored (customer_id, orders, spend, recency_key, frequency_key, monetary_key,
                                   r_score, f_score, m_score, segment, email, first_name, last_name)
    select scored.customer_id, orders, spend, recency_key, frequency_key, monetary_key,
           r_score, f_score, m_score, rfm_segment(r_score, f_score, m_score),
           customers.email, customers.first_name, customers.last_name
    from (
        select
            folded.*,
            1 + width_bucket(folded.recency_key - 1, r_ends)   as r_score,
            1 + width_bucket(folded.frequency_key - 1, f_ends) as f_score,
            1 + width_bucket(folded.monetary_key - 1, m_ends)  as m_score
        from rollup_customer_orders_folded as folded
        where folded.orders > 0
    ) as scored
    join customers using (customer_id)
    -- rfm_customers' order: a segment's rows on consecutive pages, in export_key order
    order by rfm_segment(r_score, f_score, m_score), 2::bigint * scored.customer_id - monetary_key;

    delete from rollup_rfm_segments;
    insert into rollup_rfm_segments (segment, customers, spend, orders, last_days)
    select segment, count(*), sum(spend), sum(orders), sum(recency_key >> 32)
    from rollup_rfm_scored
    group by segment;
end
$$;

create or replace function fold_rfm_rollups() returns void
language plpgsql as $$
declare
    scored int;
    changed_ids int[];
    changed_orders bigint[];
    changed_spend numeric[];
    changed_keys bigint[];
begin
    -- One scoring at a time (readers are not blocked): a fold adds its changes to the scoring it
    -- read, so one running beside a rebuild (`shopflow refresh` while the web server folds) would
    -- add them to the rebuilt scoring too. The statements below see what the other committed.
    lock table rollup_rfm_quintiles in exclusive mode;
    select customers into scored from rollup_rfm_quintiles;
    select coalesce(array_agg(stale.customer_id order by stale.customer_id), '{}'),
           coalesce(array_agg(coalesce(folded.orders, 0) order by stale.customer_id), '{}'),
           coalesce(array_agg(coalesce(folded.spend, 0) order by stale.customer_id), '{}'),
           coalesce(array_agg(array[folded.recency_key, folded.frequency_key, folded.monetary_key]
                              order by stale.customer_id), '{}')
    into changed_ids, changed_orders, changed_spend, changed_keys
    from rollup_rfm_stale as stale
    left join rollup_customer_orders_folded as folded using (customer_id);

    if cardinality(changed_ids) <= scored / 2048 then
        return;
    elsif cardinality(changed_ids) > greatest(64, scored / 16) then
        perform rescore_rfm_rollups();
        return;
    end if;

    -- one statement, one snapshot: rfm_moved reads the scoring as it was before this fold
    with

    moved as materialized (
        select * from rfm_moved(changed_ids, changed_orders, changed_spend, changed_keys)
    ),

    rescored as (
        insert into rollup_rfm_scored as s (customer_id, orders, spend, recency_key, frequency_key, monetary_key,
                                            r_score, f_score, m_score, segment, email, first_name, last_name)
        select moved.customer_id, orders, spend, recency_key, frequency_key, monetary_key, r_score, f_score, m_score,
               segment, customers.email, customers.first_name, customers.last_name
        from moved
        join customers using (customer_id)
        where change = 1
        order by moved.customer_id
        on conflict (customer_id) do update
            set orders = excluded.orders, spend = excluded.spend, recency_key = excluded.recency_key,
                frequency_key = excluded.frequency_key, monetary_key = excluded.monetary_key,
                r_score = excluded.r_score, f_score = excluded.f_score, m_score = excluded.m_score,
                segment = excluded.segment
    ),

    without_orders as (
        delete from rollup_rfm_scored as s
        where s.customer_id in (select customer_id from moved where change = -1)
          and s.customer_id not in (select customer_id from moved where change = 1)
    ),

    segment_sums as (
        insert into rollup_rfm_segments as sums (segment, customers, spend, orders, last_days)
        select segment, sum(change), sum(change * spend), sum(change * orders), sum(change * (recency_key >> 32))
        from moved
        group by segment
        order by segment
        on conflict (segment) do update
            set customers = sums.customers + excluded.customers, spend = sums.spend + excluded.spend,
                orders = sums.orders + excluded.orders, last_days = sums.last_days + excluded.last_days
    ),

    -- every moved customer's old key out, its new key in (the same key for most)
    keys as (
        select
            sum(change)                                                                          as customers,
            coalesce(array_agg(recency_key order by recency_key) filter (where change = -1), '{}')       as old_r,
            coalesce(array_agg(recency_key order by recency_key) filter (where change = 1), '{}')        as new_r,
            coalesce(array_agg(frequency_key order by frequency_key) filter (where change = -1), '{}')   as old_f,
            coalesce(array_agg(frequency_key order by frequency_key) filter (where change = 1), '{}')    as new_f,
            coalesce(array_agg(monetary_key order by monetary_key) filter (where change = -1), '{}')     as old_m,
            coalesce(array_agg(monetary_key order by monetary_key) filter (where change = 1), '{}')      as new_m
        from moved
    )

    update rollup_rfm_quintiles as q
    set customers = q.customers + coalesce(keys.customers, 0),
        recency_keys = sorted_after(q.recency_keys, keys.old_r, keys.new_r),
        frequency_keys = sorted_after(q.frequency_keys, keys.old_f, keys.new_f),
        monetary_keys = sorted_after(q.monetary_keys, keys.old_m, keys.new_m)
    from keys;

    delete from rollup_rfm_stale where customer_id = any (changed_ids);
end
$$;

-- ============================================================
-- A CUSTOMER'S EMAIL OR NAME CHANGED
-- ============================================================
-- Copied into the customer's scored row, if any, in the same transaction (the report shows the
-- customer as the customers table has it now, as the reference SQL does).
create function customers_rfm_updated() returns trigger
language plpgsql as $$
begin
    update rollup_rfm_scored as scored
    set email = new_customers.email, first_name = new_customers.first_name, last_name = new_customers.last_name
    from new_customers
    where scored.customer_id = new_customers.customer_id
      and (scored.email, scored.first_name, scored.last_name)
          is distinct from (new_customers.email, new_customers.first_name, new_customers.last_name);
    return null;
end
$$;

create trigger customers_rollups_rfm_update after update on customers
    referencing new table as new_customers
    for each statement execute function customers_rfm_updated();

-- every buyer scored again: names copied, rows in the export's order
select rescore_rfm_rollups();
