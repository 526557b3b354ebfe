-- The rfm family: every buyer's RFM scores kept between reads (rollups.rfm_scored,
-- rollups.rfm_quintiles, rollups.rfm_segments, rollups.rfm_stale), so rfm_segments and
-- rfm_customers rescore only the few customers an order moves.
--
-- Any change to the buyers moves the quintile ends of every score (ntile(5) over all buyers), so
-- rfm_scores(as_of) alone scores all buyers on every read (~100 ms at scale 1, ~1 s at scale 10).
-- But one customer more or less moves each end by at most one place, so with d customers changed
-- only the customers near the ends, and the changed ones, can change score. So:
--   * rollups.rfm_scored keeps each buyer's scores and segment as of the last scoring of the
--     folded customer rollup, rollups.rfm_quintiles the three sorted key arrays of that scoring,
--     rollups.rfm_segments its sums per segment;
--   * a trigger on the folded customer rollup marks each customer a fold (or a rebuild) changes
--     as changed since the scoring (rollups.rfm_stale);
--   * rfm_moved() takes changed customers' new figures and returns the rows that change: the
--     changed customers' and those of the customers between an old quintile end and its new one
--     (each new end found by binary search over the sorted keys), -1 for the scored row, +1 for
--     the new one;
--   * rfm_rescored(as_of) does that for the customers changed as of as_of (stale, pending, or with
--     orders after as_of): the reports add its rows to the kept ones, exactly ntile(5);
--   * fold_rfm_rollups() (after fold_customer_orders_rollups(), in the same transaction: families
--     run in name order) does it for the stale customers and writes the result into the kept
--     rows, once they are more than a handful; rebuild_rfm_rollups() scores everyone.
--
-- rfm_customers lists a segment's customers (Champions: ~6,800 at scale 1, ~68,000 at scale 10)
-- with their email and name, highest spend first. So the scoring keeps each buyer's email and
-- name too (no probe into customers per row), and writes its rows in (segment, export_key) order:
-- a segment's rows lie on consecutive pages already in the export's order. A trigger on customers
-- (customers_rollups_rfm_update) copies a changed email or name into the scored row.

-- ============================================================
-- SCORING
-- ============================================================
-- The brief's segment rules, in one place (rfm_scores and the scoring below read it).
create or replace function rfm_segment(r_score int, f_score int, m_score int) returns text
language sql immutable parallel safe
return case
    when r_score >= 4 and f_score >= 4 and m_score >= 4 then 'Champions'
    when r_score >= 4 and f_score >= 2                  then 'Loyal Customers'
    when r_score >= 4 and f_score = 1                   then 'Recent Customers'
    when r_score = 3 and f_score >= 3                   then 'Potential Loyalists'
    when r_score = 2 and f_score >= 4                   then 'At Risk'
    when r_score <= 2 and f_score <= 2                  then 'Hibernating'
    else 'Needs Attention'
end;

-- The position of the last key of tile k when ntile(tiles) cuts n sorted keys: ntile gives the
-- first n % tiles tiles one key more.
create or replace function ntile_end(n int, tiles int, k int) returns int
language sql immutable parallel safe
return k * (n / tiles) + least(k, n % tiles);

-- The last of the sorted keys in each tile but the last, when ntile(tiles) cuts them in order:
-- with n keys, ntile gives the first n % tiles tiles one key more, so tile k ends at key
-- k * (n / tiles) + least(k, n % tiles). A key's tile is then 1 + width_bucket(key - 1, ends)
-- (how many tiles end before it; integer keys, all distinct).
create or replace function ntile_ends(sorted_keys bigint[], tiles int) returns bigint[]
language sql immutable parallel safe
return array(
    select sorted_keys[ntile_end(cardinality(sorted_keys), tiles, k)]
    from generate_series(1, tiles - 1) as k
    order by k
);

-- Days from the last order's shop day (recency_key / 2^32 days after 2000-01-01) to as_of's,
-- as the reference SQL counts them in a session in the shop's time zone.
create or replace function rfm_recency_days(as_of timestamptz, recency_key bigint) returns int
language sql stable parallel safe
return (as_of::date - date '2000-01-01') - (recency_key >> 32)::int;

-- RFM scores and segment of every customer with a counted order up to as_of: rfm_segments.sql
-- and rfm_customers.sql both read it (one definition of the scoring).
--   r_score  5 = most recent buyers (fewest days since the last order), 1 = longest ago
--   f_score  5 = most orders;  m_score  5 = highest spend
-- Each score is the customer's quintile exactly as ntile(5) over (order by value, customer_id)
-- gives it (ties in a fixed order, so a rerun scores everyone alike), computed without window
-- functions: one sorted array of the customers' rfm_key per score, its four quintile ends
-- (ntile_ends), and each customer's quintile by binary search (width_bucket). Days are shop
-- days, as in the reference SQL run in the shop's time zone (the database's default).
--   psql: select segment, count(*) from rfm_scores(now()) group by segment;
create or replace function rfm_scores(as_of timestamptz)
returns table (customer_id int, recency_days int, frequency bigint, monetary numeric,
               r_score int, f_score int, m_score int, segment text)
language sql stable
begin atomic
    with

    rfm_base as (
        select
            customer_id,
            rfm_recency_days(as_of, recency_key)                        as recency_days,
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

    select customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, rfm_segment(r_score, f_score, m_score)
    from rfm_scores;
end;

-- ============================================================
-- FOLD, REBUILD (fold_rfm_rollups() after fold_customer_orders_rollups(): families run in name order)
-- ============================================================
-- Every change to the folded customer rollup (a fold, a rebuild, a truncate of orders) marks its
-- customers as changed since the last scoring, whoever makes it.
create or replace function rollup_rfm_mark_stale() returns trigger
language plpgsql as $$
begin
    insert into rollups.rfm_stale (customer_id)
    select distinct customer_id from changed_rows
    order by customer_id
    on conflict (customer_id) do nothing;
    return null;
end
$$;

create or replace trigger rollup_customer_orders_folded_rfm_stale_insert after insert on rollups.customer_orders_folded
    referencing new table as changed_rows
    for each statement execute function rollup_rfm_mark_stale();

create or replace trigger rollup_customer_orders_folded_rfm_stale_update after update on rollups.customer_orders_folded
    referencing new table as changed_rows
    for each statement execute function rollup_rfm_mark_stale();

create or replace trigger rollup_customer_orders_folded_rfm_stale_delete after delete on rollups.customer_orders_folded
    referencing old table as changed_rows
    for each statement execute function rollup_rfm_mark_stale();

-- Sorted keys after taking some out (all in sorted) and putting others in.
create or replace function sorted_after(sorted bigint[], removed bigint[], added bigint[]) returns bigint[]
language sql immutable parallel safe
return array(
    select key from unnest(sorted) as key where key not in (select unnest(removed))
    union all
    select unnest(added)
    order by 1
);

create or replace function rebuild_rfm_rollups() returns void
language plpgsql as $$
begin
    perform rescore_rfm_rollups();
end
$$;

-- ============================================================
-- READING
-- ============================================================
-- The customers whose scored row is not their figures as of as_of: folded since the last scoring
-- (stale), with changes pending, or with counted orders after as_of. Their figures as of as_of
-- (orders 0: no counted order up to as_of) with their sort keys.
create or replace function rfm_changed(as_of timestamptz)
returns table (customer_id int, orders bigint, spend numeric, recency_key bigint, frequency_key bigint, monetary_key bigint)
language plpgsql stable as $$
#variable_conflict use_column
begin
    -- (PL/pgSQL: planned once per connection, not at every call)
    return query
    with

    changed as (
        select * from customer_orders_changed(as_of)
    )

    select
        changed.customer_id, changed.orders, changed.spend,
        rfm_key(shop_day(changed.last_order_at) - date '2000-01-01', changed.customer_id),
        rfm_key(changed.orders, changed.customer_id),
        rfm_key((changed.spend * 100)::bigint, changed.customer_id)
    from changed
    union all
    select stale.customer_id, coalesce(folded.orders, 0), coalesce(folded.spend, 0),
           folded.recency_key, folded.frequency_key, folded.monetary_key
    from rollups.rfm_stale as stale
    -- each by its key: the stale table churns, its statistics are rarely current
    left join lateral (
        select * from rollups.customer_orders_folded as folded where folded.customer_id = stale.customer_id offset 0
    ) as folded on true
    where stale.customer_id not in (select changed.customer_id from changed);
end
$$;

-- The k-th smallest key of a sorted array after taking out the keys removed (all in sorted) and
-- putting in the keys added (none in sorted but those removed), both sorted and small, and how many of the sorted
-- keys are up to it: a binary search over sorted for the first key with at least k new keys up to
-- it, then the k-th among it and the added keys just below it. width_bucket(key, keys) counts the
-- keys up to key.
create or replace function kth_key_after(k int, sorted bigint[], removed bigint[], added bigint[],
                              out key bigint, out sorted_up_to_key int)
language plpgsql immutable parallel safe as $$
declare
    below int := 0;                          -- the last position with fewer than k new keys up to it (0: none)
    above int := cardinality(sorted) + 1;    -- the first position with k or more (past the end: none)
    middle int;
    new_keys_up_to_below int := 0;
    below_key bigint;                        -- sorted[below], sorted[above] (null: none), taken out of the
    above_key bigint;                        -- array first, so that the query below is not handed all of it
begin
    while above - below > 1 loop
        middle := (below + above) / 2;
        if middle - width_bucket(sorted[middle], removed) + width_bucket(sorted[middle], added) >= k then
            above := middle;
        else
            below := middle;
        end if;
    end loop;
    if below > 0 then
        below_key := sorted[below];
        new_keys_up_to_below := below - width_bucket(below_key, removed) + width_bucket(below_key, added);
    end if;
    if above <= cardinality(sorted) then
        above_key := sorted[above];
    end if;
    -- the new keys after sorted[below] up to sorted[above]: that one unless removed (a key removed
    -- and added again, a customer whose value did not change, is among the added)
    key := (
        select candidate
        from (
            select candidate from unnest(added) as candidate
            where (below_key is null or candidate > below_key) and (above_key is null or candidate <= above_key)
            union all
            select above_key where above_key is not null and above_key <> all (removed)
        ) as candidates
        order by candidate
        offset k - new_keys_up_to_below - 1
        limit 1
    );
    sorted_up_to_key := case when key = above_key then above else below end;
end
$$;

-- The RFM rows that change when the given customers change (their new figures: orders 0 for none,
-- keys as in rollups.customer_orders_folded, indexed alike): for each such customer, change -1
-- with its scored row (none for a customer not scored) and change +1 with its new row (none for a
-- customer without orders now). The changed customers' old keys come out of the scoring's sorted
-- keys, their new keys go in, and each new quintile end is found by binary search
-- (kth_key_after): a score moves only for the changed customers and the scored customers between
-- an old end and its new one. Cost: the three sorted arrays read, and the moved customers.
create or replace function rfm_moved(changed_ids int[], changed_orders bigint[], changed_spend numeric[], changed_keys bigint[])
returns table (customer_id int, change int, orders bigint, spend numeric, recency_key bigint, frequency_key bigint,
               monetary_key bigint, r_score int, f_score int, m_score int, segment text)
language plpgsql stable as $$
declare
    scored int;                 -- customers at the last scoring
    n int;                      -- customers after the changes
    removed_keys bigint[];      -- one score's old keys of the changed customers
    added_keys bigint[];        -- and their new keys
    sorted bigint[];
    old_end int;                -- a quintile end's position among the scored keys
    new_end record;             -- its key after the changes, and its position among the scored keys
    between_ends bigint[];
    ends bigint[] := '{}';      -- the new quintile ends: recency 1-4, frequency 5-8, monetary 9-12
    moved int[] := '{}';
    affected int[];             -- the changed customers and those between an old end and its new one
begin
    select customers into scored from rollups.rfm_quintiles;
    n := scored
         - (select count(*) from rollups.rfm_scored as s where s.customer_id = any (changed_ids))::int
         + (select count(*) from unnest(changed_orders) as o where o > 0)::int;

    if n > 0 then
        for score in 1..3 loop
            -- one array at a time, read whole (each of them is an n-key array)
            select case score when 1 then q.recency_keys when 2 then q.frequency_keys else q.monetary_keys end
            into sorted from rollups.rfm_quintiles as q;
            removed_keys := array(
                select case score when 1 then s.recency_key when 2 then s.frequency_key else s.monetary_key end as key
                from rollups.rfm_scored as s where s.customer_id = any (changed_ids)
                order by key);
            added_keys := array(
                select changed_keys[i][score] as key from generate_subscripts(changed_ids, 1) as i
                where changed_orders[i] > 0
                order by key);
            for k in 1..4 loop
                old_end := ntile_end(scored, 5, k);
                select * into new_end from kth_key_after(ntile_end(n, 5, k), sorted, removed_keys, added_keys);
                ends := ends || new_end.key;
                -- the scored customers between the old end and the new one change tile
                between_ends := sorted[least(old_end, new_end.sorted_up_to_key) + 1
                                       : greatest(old_end, new_end.sorted_up_to_key)];
                moved := moved || array(select (key & 4294967295)::int from unnest(between_ends) as key);
            end loop;
        end loop;
    end if;

    affected := array(select distinct id from unnest(changed_ids || moved) as id);

    -- (= any (array): each customer by its key)
    return query
        with

        now_keys as (
            select ids.id, ids.orders, ids.spend, ids.i as changed_at
            from unnest(changed_ids, changed_orders, changed_spend) with ordinality as ids (id, orders, spend, i)
        ),

        -- the changed customers' new figures, the others' scored ones
        now_rows as (
            select now_keys.id, now_keys.orders, now_keys.spend,
                   changed_keys[now_keys.changed_at][1] as recency_key,
                   changed_keys[now_keys.changed_at][2] as frequency_key,
                   changed_keys[now_keys.changed_at][3] as monetary_key
            from now_keys
            where now_keys.orders > 0
            union all
            select s.customer_id, s.orders, s.spend, s.recency_key, s.frequency_key, s.monetary_key
            from rollups.rfm_scored as s
            where s.customer_id = any (affected)
              and s.customer_id not in (select unnest(changed_ids))  -- hashed, not a scan of the array per row
        ),

        rescored as (
            select now_rows.*,
                   1 + width_bucket(now_rows.recency_key - 1, ends[1:4])    as r,
                   1 + width_bucket(now_rows.frequency_key - 1, ends[5:8])  as f,
                   1 + width_bucket(now_rows.monetary_key - 1, ends[9:12])  as m
            from now_rows
        )

        select s.customer_id, -1, s.orders, s.spend, s.recency_key, s.frequency_key, s.monetary_key,
               s.r_score, s.f_score, s.m_score, s.segment
        from rollups.rfm_scored as s
        where s.customer_id = any (affected)
        union all
        select rescored.id, 1, rescored.orders, rescored.spend, rescored.recency_key, rescored.frequency_key,
               rescored.monetary_key, rescored.r, rescored.f, rescored.m, rfm_segment(rescored.r, rescored.f, rescored.m)
        from rescored;
end
$$;

-- The customers whose RFM row as of as_of differs from their scored row (rfm_moved() for the
-- customers of rfm_changed(as_of)), recency_days as of as_of. Everyone else keeps their scored
-- row: a report reads rollups.rfm_scored (or rollups.rfm_segments), takes these customers out and
-- puts their +1 rows in. With more changed customers than full_rescore_above (default 1/64 of the
-- buyers, at least 64: as of long ago, or after a rebuild of the customer rollup alone, when
-- scoring everyone costs less), the -1 rows are every scored row and the +1 rows rfm_scores(as_of).
create or replace function rfm_rescored(as_of timestamptz, full_rescore_above int default null)
returns table (customer_id int, change int, recency_days int, frequency bigint, monetary numeric,
               r_score int, f_score int, m_score int, segment text)
language plpgsql stable as $$
declare
    changed_ids int[];
    changed_orders bigint[];
    changed_spend numeric[];
    changed_keys bigint[];      -- [customer][score]: the new keys, null for a customer without orders
begin
    select coalesce(array_agg(c.customer_id order by c.customer_id), '{}'),
           coalesce(array_agg(c.orders order by c.customer_id), '{}'),
           coalesce(array_agg(c.spend order by c.customer_id), '{}'),
           coalesce(array_agg(array[c.recency_key, c.frequency_key, c.monetary_key] order by c.customer_id), '{}')
    into changed_ids, changed_orders, changed_spend, changed_keys
    from rfm_changed(as_of) as c;

    if cardinality(changed_ids) = 0 then
        return;  -- everyone's scored row holds
    elsif cardinality(changed_ids) > coalesce(full_rescore_above,
                                               greatest(64, (select customers / 64 from rollups.rfm_quintiles))) then
        return query
            select s.customer_id, -1, rfm_recency_days(as_of, s.recency_key), s.orders, s.spend,
                   s.r_score, s.f_score, s.m_score, s.segment
            from rollups.rfm_scored as s
            union all
            select scores.customer_id, 1, scores.recency_days, scores.frequency, scores.monetary,
                   scores.r_score, scores.f_score, scores.m_score, scores.segment
            from rfm_scores(as_of) as scores;
    else
        return query
            select moved.customer_id, moved.change, rfm_recency_days(as_of, moved.recency_key), moved.orders,
                   moved.spend, moved.r_score, moved.f_score, moved.m_score, moved.segment
            from rfm_moved(changed_ids, changed_orders, changed_spend, changed_keys) as moved;
    end if;
end
$$;

-- ============================================================
-- SCORING, FOLD
-- ============================================================
-- Scores every buyer of the folded customer rollup again. Stale marks first: a fold committing
-- meanwhile (there is one folder, but fold_customer_orders_rollups() can be called alone) leaves
-- its marks, at worst for customers this scoring already sees as they are.
--
-- It runs with the search path public, so that the customers' email and name it copies come from
-- public.customers: on a cluster the catch-up job runs the folds with the schema rollup_job first
-- on its search path, where "customers" is a copy of the customers it touched in this run only,
-- and this function also rescores customers the run did not touch (those a quintile end passed;
-- everyone in a full rescoring). It reads no other raw table, and customers is a reference table
-- on a cluster, so the coordinator holds all of it.
create or replace function rescore_rfm_rollups() returns void
language plpgsql
set search_path = public as $$
declare
    r_ends bigint[];
    f_ends bigint[];
    m_ends bigint[];
begin
    lock table rollups.rfm_quintiles in exclusive mode;  -- see fold_rfm_rollups()
    delete from rollups.rfm_stale;

    update rollups.rfm_quintiles
    set customers = sorted.customers, recency_keys = sorted.recency_keys,
        frequency_keys = sorted.frequency_keys, monetary_keys = sorted.monetary_keys
    from (
        select
            count(*)                                                      as customers,
            coalesce(array_agg(recency_key order by recency_key), '{}')       as recency_keys,
            coalesce(array_agg(frequency_key order by frequency_key), '{}')   as frequency_keys,
            coalesce(array_agg(monetary_key order by monetary_key), '{}')     as monetary_keys
        from rollups.customer_orders_folded
        where orders > 0
    ) as sorted;

    select ntile_ends(recency_keys, 5), ntile_ends(frequency_keys, 5), ntile_ends(monetary_keys, 5)
    into r_ends, f_ends, m_ends
    from rollups.rfm_quintiles;

    delete from rollups.rfm_scored;
    insert into rollups.rfm_scored (customer_id, orders, spend, recency_key, frequency_key, monetary_key,
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
        from rollups.customer_orders_folded as folded
        where folded.orders > 0
    ) as scored
    join customers using (customer_id)
    -- rfm_customers' order: a segment's rows on consecutive pages, in export_key order
    order by rfm_segment(r_score, f_score, m_score), 2::bigint * scored.customer_id - monetary_key;

    delete from rollups.rfm_segments;
    insert into rollups.rfm_segments (segment, customers, spend, orders, last_days)
    select segment, count(*), sum(spend), sum(orders), sum(recency_key >> 32)
    from rollups.rfm_scored
    group by segment;
end
$$;

-- Brings the scoring up to the folded customer rollup, the way the readers do: only the stale
-- customers and those they move (rfm_moved) are scored again, the segment sums and the sorted
-- keys adjusted. Left to the readers while the stale customers are a handful (up to 1/2048 of the
-- buyers); everyone scored again from scratch when they are many (more than 64 and 1/16).
-- The search path: as rescore_rfm_rollups().
create or replace function fold_rfm_rollups() returns void
language plpgsql
set search_path = public as $$
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
    lock table rollups.rfm_quintiles in exclusive mode;
    select customers into scored from rollups.rfm_quintiles;
    select coalesce(array_agg(stale.customer_id order by stale.customer_id), '{}'),
           coalesce(array_agg(coalesce(folded.orders, 0) order by stale.customer_id), '{}'),
           coalesce(array_agg(coalesce(folded.spend, 0) order by stale.customer_id), '{}'),
           coalesce(array_agg(array[folded.recency_key, folded.frequency_key, folded.monetary_key]
                              order by stale.customer_id), '{}')
    into changed_ids, changed_orders, changed_spend, changed_keys
    from rollups.rfm_stale as stale
    left join rollups.customer_orders_folded as folded using (customer_id);

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
        insert into rollups.rfm_scored as s (customer_id, orders, spend, recency_key, frequency_key, monetary_key,
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
        delete from rollups.rfm_scored as s
        where s.customer_id in (select customer_id from moved where change = -1)
          and s.customer_id not in (select customer_id from moved where change = 1)
    ),

    segment_sums as (
        insert into rollups.rfm_segments as sums (segment, customers, spend, orders, last_days)
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

    update rollups.rfm_quintiles as q
    set customers = q.customers + coalesce(keys.customers, 0),
        recency_keys = sorted_after(q.recency_keys, keys.old_r, keys.new_r),
        frequency_keys = sorted_after(q.frequency_keys, keys.old_f, keys.new_f),
        monetary_keys = sorted_after(q.monetary_keys, keys.old_m, keys.new_m)
    from keys;

    delete from rollups.rfm_stale where customer_id = any (changed_ids);
end
$$;

-- ============================================================
-- A CUSTOMER'S EMAIL OR NAME CHANGED
-- ============================================================
-- Copied into the customer's scored row, if any, in the same transaction (the report shows the
-- customer as the customers table has it now, as the reference SQL does).
create or replace function customers_rfm_updated() returns trigger
language plpgsql as $$
begin
    update rollups.rfm_scored as scored
    set email = new_customers.email, first_name = new_customers.first_name, last_name = new_customers.last_name
    from new_customers
    where scored.customer_id = new_customers.customer_id
      and (scored.email, scored.first_name, scored.last_name)
          is distinct from (new_customers.email, new_customers.first_name, new_customers.last_name);
    return null;
end
$$;

create or replace trigger customers_rollups_rfm_update after update on customers
    referencing new table as new_customers
    for each statement execute function customers_rfm_updated();
