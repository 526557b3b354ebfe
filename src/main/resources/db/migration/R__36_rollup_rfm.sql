-- The rfm family: every buyer's RFM scores kept between reads (rollups.rfm_scored,
-- rollups.rfm_quintiles, rollups.rfm_cells, rollups.rfm_stale), so rfm_segments and
-- rfm_customers rescore only the few customers an order moves.
--
-- Scores come from the customers' values (R: the last counted order's shop day, F: counted
-- orders, M: net sales), cut at the values' quintile boundaries: the k-th boundary (k = 1..4) is
-- the value at position ceil(k * n / 5) of the n buyers' values sorted ascending (the discrete
-- k/5 percentile, percentile_disc), and a score is 1 + the number of boundaries the value is
-- above. Equal values, equal scores (every buyer with one order has the same F; a tie straddling
-- a boundary goes to the lower score, and a score can be empty: with 45 % of buyers at one
-- order, the first two F boundaries are both 1 and F = 2 is nobody).
--
-- Any change to the buyers can move a boundary, so rfm_scores(as_of) alone scores all buyers on
-- every read (~100 ms at scale 1, ~1 s at scale 10). But one customer more or less moves each
-- boundary's position by at most one place, so with d customers changed only the changed ones
-- and those whose value lies between a boundary's old value and its new one can change score. So:
--   * rollups.rfm_scored keeps each buyer's scores and segments as of the last scoring of the
--     folded customer rollup, rollups.rfm_quintiles the three sorted key arrays of that scoring
--     (as last written whole, with the keys taken out of each and put in since: rfm_keys()),
--     rollups.rfm_cells its sums per (r_score, f_score, m_score), which a report groups into the
--     segments of the scheme it is asked for;
--   * a trigger on the folded customer rollup marks each customer a fold (or a rebuild) changes
--     as changed since the scoring (rollups.rfm_stale);
--   * rfm_moved() takes changed customers' new figures and returns the rows that change: the
--     changed customers' and those of the customers between a boundary's old value and its new
--     one (each new boundary found by binary search over the sorted keys), -1 for the scored
--     row, +1 for the new one;
--   * rfm_rescored(as_of) does that for the customers changed as of as_of (stale, pending, or with
--     orders whose status or existence differs at as_of): the reports add its rows to the kept
--     ones, exactly rfm_scores(as_of);
--   * fold_rfm_rollups() (after fold_customer_orders_rollups(), in the same transaction: families
--     run in name order) does it for the stale customers and writes the result into the kept
--     rows, once they are more than a handful; rebuild_rfm_rollups() scores everyone.
-- (A boundary whose value changes moves every customer of the values it passes: one day of last
-- orders for R, every customer with that many orders for F; rare, and exact all the same.)
--
-- rfm_customers lists a segment's customers (Champions: thousands at scale 1) with their email
-- and name, highest spend first. So the scoring keeps each buyer's email and name too (no probe
-- into customers per row), and writes its rows in (segment, export_key) order: a segment's rows
-- lie on consecutive pages already in the export's order. A trigger on customers
-- (customers_rollups_rfm_update) copies a changed email or name into the scored row.

-- ============================================================
-- SCORING
-- ============================================================
-- The segment schemes, in one place (the scoring and the reports read them).
-- standard (the default): the R x F map marketers use; it covers all 25 cells, m_score is not used.
--   R 5 & F 4-5 Champions; R 3-4 & F 4-5 Loyal Customers; R 4-5 & F 2-3 Potential Loyalists;
--   R 5 & F 1 New Customers; R 4 & F 1 Promising; R 3 & F 3 Need Attention;
--   R 3 & F 1-2 About to Sleep; R 1-2 & F 3-4 At Risk; R 1-2 & F 5 Can't Lose Them;
--   R 1-2 & F 1-2 Hibernating.
create or replace function rfm_segment(r_score int, f_score int, m_score int) returns text
language sql immutable parallel safe
return case
    when r_score = 5 and f_score >= 4                   then 'Champions'
    when r_score >= 3 and f_score >= 4                  then 'Loyal Customers'
    when r_score >= 4 and f_score >= 2                  then 'Potential Loyalists'
    when r_score = 5                                    then 'New Customers'
    when r_score = 4                                    then 'Promising'
    when r_score = 3 and f_score = 3                    then 'Need Attention'
    when r_score = 3                                    then 'About to Sleep'
    when f_score = 5                                    then 'Can''t Lose Them'
    when f_score >= 3                                   then 'At Risk'
    else 'Hibernating'
end;

-- brief: the brief's seven segments, its rules unchanged (first match wins).
create or replace function rfm_brief_segment(r_score int, f_score int, m_score int) returns text
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

-- The segment in the named scheme (standard or brief; the reports' parameter is checked against
-- that list before anything runs).
create or replace function rfm_segment(scheme text, r_score int, f_score int, m_score int) returns text
language sql immutable parallel safe
return case scheme
    when 'brief' then rfm_brief_segment(r_score, f_score, m_score)
    else rfm_segment(r_score, f_score, m_score)
end;

-- The segments of a scheme, in the order of the schemes' definitions above.
create or replace function rfm_segment_names(scheme text) returns text[]
language sql immutable parallel safe
return case scheme
    when 'brief' then array['Champions', 'Loyal Customers', 'Recent Customers', 'Potential Loyalists', 'At Risk',
                            'Hibernating', 'Needs Attention']
    else array['Champions', 'Loyal Customers', 'Potential Loyalists', 'New Customers', 'Promising', 'Need Attention',
               'About to Sleep', 'At Risk', 'Can''t Lose Them', 'Hibernating']
end;

-- Position (1-based) of the k-th quintile boundary among n sorted values: ceil(k * n / 5), the
-- first value with at least k/5 of the values up to it (percentile_disc(k / 5.0)).
create or replace function quintile_boundary_at(n int, k int) returns int
language sql immutable parallel safe
return (k * n + 4) / 5;

-- A boundary as a key threshold: keys are value * 2^32 + customer_id (rfm_key), so the customers
-- with a value above the boundary key's value are exactly those with a key >= (value + 1) * 2^32,
-- and a key's score is 1 + width_bucket(key, thresholds) (how many thresholds are up to it).
create or replace function quintile_threshold(boundary_key bigint) returns bigint
language sql immutable parallel safe
return ((boundary_key >> 32) + 1) << 32;

-- The four score thresholds of sorted keys (none for no keys).
create or replace function quintile_thresholds(sorted_keys bigint[]) returns bigint[]
language sql immutable parallel safe
return array(
    select quintile_threshold(sorted_keys[quintile_boundary_at(cardinality(sorted_keys), k)])
    from generate_series(1, 4) as k
    where cardinality(sorted_keys) > 0
    order by k
);

-- Days from the last order's shop day (recency_key / 2^32 days after 2000-01-01) to as_of's,
-- as the reference SQL counts them in a session in the shop's time zone.
create or replace function rfm_recency_days(as_of timestamptz, recency_key bigint) returns int
language sql stable parallel safe
return (as_of::date - date '2000-01-01') - (recency_key >> 32)::int;

-- (the row-number cuts RFM scored by before it scored by value)
drop function if exists ntile_ends(bigint[], int);
drop function if exists ntile_end(int, int, int);

-- ============================================================
-- FOLD, REBUILD (fold_rfm_rollups() after fold_customer_orders_rollups(): families run in name order)
-- ============================================================
-- Every change to the folded customer rollup (a fold, a rebuild, a truncate of orders) marks its
-- customers as changed since the last scoring, whoever makes it, with its transaction (marked:
-- the column's default), so that a scoring folding beside it keeps a mark set again after it read
-- the marks (forget_rfm_stale_marks()); a new mark with its moment (marked_at), which a mark set
-- again keeps: how long its customer has waited for a scoring (fold_rfm_rollups()).
create or replace function rollup_rfm_mark_stale() returns trigger
language plpgsql as $$
begin
    insert into rollups.rfm_stale as stale (customer_id)
    select distinct customer_id from changed_rows
    order by customer_id
    on conflict (customer_id) do update
        set marked = excluded.marked
        where stale.marked <> excluded.marked;
    return null;
end
$$;

-- Takes out the stale marks a scoring read (ids with the transactions that set them, read in the
-- snapshot the scoring read the customers' figures in), but a mark set again since: a catch-up run
-- committing while the scoring ran (on a Citus cluster the RFM scoring is folded beside the runs)
-- changed that customer after the scoring read it. Nor a mark another transaction is setting
-- (skip locked): kept, it only has a reader rescore that customer, and the scoring never waits
-- for a writer that may wait for it (a fold_rollups() marking customers, then waiting for the
-- scoring's lock on rollups.rfm_quintiles to fold its own).
create or replace function forget_rfm_stale_marks(ids int[], marks xid8[]) returns void
language sql
begin atomic
    delete from rollups.rfm_stale as stale
    where stale.customer_id in (
        select unlocked.customer_id
        from rollups.rfm_stale as unlocked
        join unnest(ids, marks) as read (customer_id, marked) using (customer_id)
        where unlocked.marked = read.marked
        for update of unlocked skip locked
    );
end;

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

-- A score's keys are its sorted array as last written whole, less the keys taken out of it since
-- (removed_before, all in it) and with the keys put in since (added_before, none in it). After
-- taking out `removed` (all among those keys) and putting in `added`: the keys taken out of the
-- array and put in, each sorted, a key in one of them at most once and in neither when it was
-- taken out of the array and put back (a customer scored again with the same key). Rewriting the
-- three arrays at every fold cost about 310 ms at scale 1 (219,000 buyers); these lists are a few
-- hundred keys a fold.
create or replace function key_changes_after(removed_before bigint[], added_before bigint[],
                                             removed bigint[], added bigint[],
                                             out removed_after bigint[], out added_after bigint[])
language sql immutable parallel safe
begin atomic
    with

    taken_out as (
        select unnest(removed_before) as key
        union all
        (select unnest(removed) except select unnest(added_before))
    ),

    put_in as (
        (select unnest(added_before) as key except select unnest(removed))
        union all
        select unnest(added)
    )

    select array(select key from (select key from taken_out except select key from put_in) as k order by key),
           array(select key from (select key from put_in except select key from taken_out) as k order by key);
end;

-- The scoring's three sorted key arrays with the changes since they were written whole: what
-- rfm_moved() reads as the keys of the scored customers (for psql and the tests).
create or replace function rfm_keys(out customers int, out recency_keys bigint[], out frequency_keys bigint[],
                                    out monetary_keys bigint[])
language sql stable
begin atomic
    select q.customers, sorted_after(q.recency_keys, q.recency_removed, q.recency_added),
           sorted_after(q.frequency_keys, q.frequency_removed, q.frequency_added),
           sorted_after(q.monetary_keys, q.monetary_removed, q.monetary_added)
    from rollups.rfm_quintiles as q;
end;

-- The changes written into the sorted arrays once a score has more than max_changes keys taken out
-- or put in: the readers' binary searches do not grow with them, but each read with changes to
-- rescore adds its own to them (key_changes_after()) and walks the scored keys between a
-- boundary's thresholds through them.
create or replace function absorb_rfm_key_changes(max_changes int) returns void
language sql
begin atomic
    update rollups.rfm_quintiles
    set recency_keys = sorted_after(recency_keys, recency_removed, recency_added),
        frequency_keys = sorted_after(frequency_keys, frequency_removed, frequency_added),
        monetary_keys = sorted_after(monetary_keys, monetary_removed, monetary_added),
        recency_removed = '{}', recency_added = '{}', frequency_removed = '{}', frequency_added = '{}',
        monetary_removed = '{}', monetary_added = '{}'
    where greatest(cardinality(recency_removed) + cardinality(recency_added),
                   cardinality(frequency_removed) + cardinality(frequency_added),
                   cardinality(monetary_removed) + cardinality(monetary_added)) > max_changes;
end;

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

-- rfm_changed(as_of) as arrays in customer order: ids, figures and the three sort keys (null for
-- a customer without orders). One-dimensional: a SQL function reads them by unnest; a subscript
-- of a large array with nulls in it walks the array from its start. PL/pgSQL, which keeps its
-- plan for the session: as a SQL function it is planned again at every report.
create or replace function rfm_changed_arrays(as_of timestamptz,
                                              out ids int[], out orders bigint[], out spend numeric[],
                                              out recency_keys bigint[], out frequency_keys bigint[],
                                              out monetary_keys bigint[])
language plpgsql stable as $$
begin
    select coalesce(array_agg(c.customer_id order by c.customer_id), '{}'),
           coalesce(array_agg(c.orders order by c.customer_id), '{}'),
           coalesce(array_agg(c.spend order by c.customer_id), '{}'),
           coalesce(array_agg(c.recency_key order by c.customer_id), '{}'),
           coalesce(array_agg(c.frequency_key order by c.customer_id), '{}'),
           coalesce(array_agg(c.monetary_key order by c.customer_id), '{}')
    into ids, orders, spend, recency_keys, frequency_keys, monetary_keys
    from rfm_changed(as_of) as c;
end
$$;

-- RFM scores and segment (standard scheme) of every customer with a counted order as of as_of,
-- from the folded customer rollup with the changed customers' figures as of as_of in place of
-- their folded rows (rfm_changed_arrays(as_of)): what customer_orders_as_of(as_of) gives, from the
-- recount a caller has already made. rfm_scores(as_of) below and rfm_rescored() when it scores
-- everyone read it (one definition of the scoring).
--   r_score  5 = most recent buyers (latest last order's shop day), 1 = longest ago
--   f_score  5 = most counted orders;  m_score  5 = highest net sales
-- Each score is 1 + the number of quintile boundaries of the buyers' values the customer's value
-- is above (see the top of this file): one sorted array of the customers' rfm_key per score, its
-- four thresholds (quintile_thresholds), and each customer's score by binary search
-- (width_bucket). Days are shop days, as in the reference SQL run in the shop's time zone (the
-- database's default).
create or replace function rfm_scores_of(as_of timestamptz, changed_ids int[], changed_orders bigint[],
                                         changed_spend numeric[], changed_recency_keys bigint[],
                                         changed_frequency_keys bigint[], changed_monetary_keys bigint[])
returns table (customer_id int, recency_days int, frequency bigint, monetary numeric,
               r_score int, f_score int, m_score int, segment text)
language sql stable
begin atomic
    with

    changed as (
        select *
        from unnest(changed_ids, changed_orders, changed_spend,
                    changed_recency_keys, changed_frequency_keys, changed_monetary_keys)
             as changed (customer_id, orders, spend, recency_key, frequency_key, monetary_key)
    ),

    rfm_base as (
        select
            folded.customer_id,
            rfm_recency_days(as_of, folded.recency_key)                 as recency_days,
            folded.orders                                               as frequency,
            folded.spend                                                as monetary,
            folded.recency_key                                          as r_key,
            folded.frequency_key                                        as f_key,
            folded.monetary_key                                         as m_key
        from rollups.customer_orders_folded as folded
        where folded.orders > 0
          and folded.customer_id not in (select changed.customer_id from changed)
        union all
        select
            changed.customer_id,
            rfm_recency_days(as_of, changed.recency_key),
            changed.orders,
            changed.spend,
            changed.recency_key,
            changed.frequency_key,
            changed.monetary_key
        from changed
        where changed.orders > 0
    ),

    thresholds as (
        select
            quintile_thresholds(array_agg(r_key order by r_key)) as r_thresholds,
            quintile_thresholds(array_agg(f_key order by f_key)) as f_thresholds,
            quintile_thresholds(array_agg(m_key order by m_key)) as m_thresholds
        from rfm_base
    ),

    rfm_scores as (
        select
            rfm_base.*,
            1 + width_bucket(r_key, r_thresholds) as r_score,
            1 + width_bucket(f_key, f_thresholds) as f_score,
            1 + width_bucket(m_key, m_thresholds) as m_score
        from rfm_base, thresholds
    )

    select customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, rfm_segment(r_score, f_score, m_score)
    from rfm_scores;
end;

-- RFM scores and segment (standard scheme) of every customer with a counted order as of as_of.
--   psql: select segment, count(*) from rfm_scores(now()) group by segment;
create or replace function rfm_scores(as_of timestamptz)
returns table (customer_id int, recency_days int, frequency bigint, monetary numeric,
               r_score int, f_score int, m_score int, segment text)
language sql stable
begin atomic
    select scores.*
    from rfm_changed_arrays(as_of) as changed
    cross join lateral rfm_scores_of(as_of, changed.ids, changed.orders, changed.spend, changed.recency_keys,
                                     changed.frequency_keys, changed.monetary_keys) as scores;
end;

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
            -- (added is sorted: the keys after below_key up to above_key are a slice of it)
            select candidate
            from unnest(added[coalesce(width_bucket(below_key, added), 0) + 1
                              : coalesce(width_bucket(above_key, added), cardinality(added))]) as candidate
            union all
            select above_key
            where above_key is not null and removed[width_bucket(above_key, removed)] is distinct from above_key
        ) as candidates
        order by candidate
        offset k - new_keys_up_to_below - 1
        limit 1
    );
    sorted_up_to_key := case when key = above_key then above else below end;
end
$$;

-- The first position from start on of a key of sorted (ascending) at or above key (past the end:
-- none), by binary search over its elements; and the keys from low up to before high.
-- For the sorted arrays a PL/pgSQL variable holds (rfm_moved()), which PL/pgSQL keeps expanded:
-- width_bucket() over such an array, or a slice of it, flattens the whole array first, 16 MB at
-- scale 10, about 3 ms a call, three calls for every quintile boundary a read moved; so does a
-- query handed the array (its plan takes the value in as a constant). So elements only, and each
-- called as an expression of its own, not inside a query.
create or replace function first_key_at_least(sorted bigint[], key bigint, start int) returns int
language plpgsql immutable parallel safe as $$
declare
    found int := start;
    above int := cardinality(sorted) + 1;
    middle int;
begin
    while found < above loop
        middle := (found + above) / 2;
        if sorted[middle] < key then
            found := middle + 1;
        else
            above := middle;
        end if;
    end loop;
    return found;
end
$$;

create or replace function sorted_keys_from_to(sorted bigint[], low bigint, high bigint) returns bigint[]
language plpgsql immutable parallel safe as $$
declare
    first_at int := first_key_at_least(sorted, low, 1);
    end_at int := first_key_at_least(sorted, high, first_at);
    keys bigint[] := '{}';
begin
    for i in first_at .. end_at - 1 loop
        keys[i - first_at + 1] := sorted[i];
    end loop;
    return keys;
end
$$;

-- The RFM rows that change when the given customers change (their new figures: orders 0 for none,
-- keys as in rollups.customer_orders_folded, indexed alike): for each such customer, change -1
-- with its scored row (none for a customer not scored) and change +1 with its new row (none for a
-- customer without orders now). The changed customers' old keys come out of the scoring's sorted
-- keys, their new keys go in, and each new quintile boundary is found by binary search
-- (kth_key_after): a score moves only for the changed customers and the scored customers whose
-- key lies between a boundary's old threshold and its new one. Cost: the three sorted arrays
-- read, and the moved customers.
create or replace function rfm_moved(changed_ids int[], changed_orders bigint[], changed_spend numeric[], changed_keys bigint[])
returns table (customer_id int, change int, orders bigint, spend numeric, recency_key bigint, frequency_key bigint,
               monetary_key bigint, r_score int, f_score int, m_score int, segment text)
language plpgsql stable as $$
declare
    scored int;                 -- customers at the last scoring
    n int;                      -- customers after the changes
    removed_keys bigint[];      -- one score's old keys of the changed customers
    added_keys bigint[];        -- and their new keys
    sorted bigint[];            -- the score's sorted array, as last written whole
    taken_out bigint[];         -- the scoring's keys: sorted, less these
    put_in bigint[];            -- and with these (rfm_keys())
    all_removed bigint[];       -- the keys after the changes: sorted, less these
    all_added bigint[];         -- and with these
    old_threshold bigint;       -- a boundary's threshold at the scoring (quintile_threshold)
    new_threshold bigint;       -- and after the changes
    low bigint;
    high bigint;
    between_keys bigint[];      -- the scoring's sorted keys from low to before high
    ends bigint[] := '{}';      -- the new thresholds: recency 1-4, frequency 5-8, monetary 9-12
    moved int[] := '{}';
    affected int[];             -- the changed customers and those between an old threshold and its new one
begin
    select customers into scored from rollups.rfm_quintiles;
    n := scored
         - (select count(*) from rollups.rfm_scored as s where s.customer_id = any (changed_ids))::int
         + (select count(*) from unnest(changed_orders) as o where o > 0)::int;

    if n > 0 then
        for score in 1..3 loop
            -- one array at a time, read whole (each of them is an n-key array)
            select case score when 1 then q.recency_keys when 2 then q.frequency_keys else q.monetary_keys end,
                   case score when 1 then q.recency_removed when 2 then q.frequency_removed else q.monetary_removed end,
                   case score when 1 then q.recency_added when 2 then q.frequency_added else q.monetary_added end
            into sorted, taken_out, put_in from rollups.rfm_quintiles as q;
            removed_keys := array(
                select case score when 1 then s.recency_key when 2 then s.frequency_key else s.monetary_key end as key
                from rollups.rfm_scored as s where s.customer_id = any (changed_ids)
                order by key);
            added_keys := array(
                select changed_keys[i][score] as key from generate_subscripts(changed_ids, 1) as i
                where changed_orders[i] > 0
                order by key);
            select c.removed_after, c.added_after into all_removed, all_added
            from key_changes_after(taken_out, put_in, removed_keys, added_keys) as c;
            for k in 1..4 loop
                new_threshold := quintile_threshold(
                    (kth_key_after(quintile_boundary_at(n, k), sorted, all_removed, all_added)).key);
                ends := ends || new_threshold;
                if scored > 0 then
                    -- the scored customers with a key from the lower threshold to below the higher
                    -- change score (width_bucket: how many sorted keys are up to a key)
                    old_threshold := quintile_threshold(
                        (kth_key_after(quintile_boundary_at(scored, k), sorted, taken_out, put_in)).key);
                    low := least(old_threshold, new_threshold);
                    high := greatest(old_threshold, new_threshold);
                    if low < high then
                        between_keys := sorted_keys_from_to(sorted, low, high);
                        moved := moved || array(
                            select (key & 4294967295)::int
                            from unnest(between_keys) as key
                            where key not in (select unnest(taken_out))
                            union all
                            select (key & 4294967295)::int
                            from unnest(put_in[width_bucket(low - 1, put_in) + 1 : width_bucket(high - 1, put_in)]) as key);
                    end if;
                end if;
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
                   1 + width_bucket(now_rows.recency_key, ends[1:4])    as r,
                   1 + width_bucket(now_rows.frequency_key, ends[5:8])  as f,
                   1 + width_bucket(now_rows.monetary_key, ends[9:12])  as m
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

-- How many changed customers a reader rescores one by one (rfm_rescored()): 1/64 of the buyers, at
-- least 64; past that it scores everyone.
create or replace function rfm_rescore_everyone_above() returns int
language sql stable
return (select greatest(64, customers / 64) from rollups.rfm_quintiles);

-- Whether the stale customers alone are more than that: the readers score every buyer until the
-- scoring is folded (fold_rfm_rollups()).
create or replace function rfm_rescores_everyone() returns boolean
language sql stable
return (select count(*) from rollups.rfm_stale) > rfm_rescore_everyone_above();

-- The customers whose RFM row as of as_of differs from their scored row (rfm_moved() for the
-- customers of rfm_changed(as_of)), recency_days as of as_of. Everyone else keeps their scored
-- row: a report reads rollups.rfm_scored (or rollups.rfm_cells), takes these customers out and
-- puts their +1 rows in. With more changed customers than full_rescore_above (default 1/64 of the
-- buyers, at least 64: as of long ago, or after a rebuild of the customer rollup alone, when
-- scoring everyone costs less), the -1 rows are every scored row and the +1 rows rfm_scores(as_of),
-- scored from the customers already recounted (rfm_scores_of()).
create or replace function rfm_rescored(as_of timestamptz, full_rescore_above int default null)
returns table (customer_id int, change int, recency_days int, frequency bigint, monetary numeric,
               r_score int, f_score int, m_score int, segment text)
language plpgsql stable as $$
declare
    changed_ids int[];
    changed_orders bigint[];
    changed_spend numeric[];
    recency_keys bigint[];      -- the new keys, null for a customer without orders
    frequency_keys bigint[];
    monetary_keys bigint[];
begin
    select changed.ids, changed.orders, changed.spend, changed.recency_keys, changed.frequency_keys,
           changed.monetary_keys
    into changed_ids, changed_orders, changed_spend, recency_keys, frequency_keys, monetary_keys
    from rfm_changed_arrays(as_of) as changed;

    if cardinality(changed_ids) = 0 then
        return;  -- everyone's scored row holds
    elsif cardinality(changed_ids) > coalesce(full_rescore_above, rfm_rescore_everyone_above()) then
        return query
            select s.customer_id, -1, rfm_recency_days(as_of, s.recency_key), s.orders, s.spend,
                   s.r_score, s.f_score, s.m_score, s.segment
            from rollups.rfm_scored as s
            union all
            select scores.customer_id, 1, scores.recency_days, scores.frequency, scores.monetary,
                   scores.r_score, scores.f_score, scores.m_score, scores.segment
            -- from the customers just recounted, not recounted again (rfm_scores(as_of))
            from rfm_scores_of(as_of, changed_ids, changed_orders, changed_spend, recency_keys, frequency_keys,
                               monetary_keys) as scores;
    else
        return query
            select moved.customer_id, moved.change, rfm_recency_days(as_of, moved.recency_key), moved.orders,
                   moved.spend, moved.r_score, moved.f_score, moved.m_score, moved.segment
            from rfm_moved(changed_ids, changed_orders, changed_spend,
                           array(select array[k.recency_key, k.frequency_key, k.monetary_key]
                                 from unnest(recency_keys, frequency_keys, monetary_keys) with ordinality
                                      as k (recency_key, frequency_key, monetary_key, position)
                                 order by k.position)) as moved;
    end if;
end
$$;

-- ============================================================
-- SCORING, FOLD
-- ============================================================
-- Scores every buyer of the folded customer rollup again. The rollup is held in share mode first:
-- its sorted keys and its scored rows are read from it by two statements, which must see the same
-- rows, and with no fold changing it none marks a customer stale meanwhile, so every mark is this
-- scoring's to take out. On a Citus cluster the catch-up runs, which fold it, wait meanwhile (the
-- RFM scoring is folded beside them, and scoring everyone comes after a rebuild or a burst of
-- changes only). Held before the scoring's own lock, as a rebuild that rescores holds it after
-- rebuilding the customer rollup: taken the other way round, a rebuild and a fold of the scoring
-- would wait for each other.
--
-- It runs with the search path public, so that the customers' email and name it copies come from
-- public.customers: on a cluster the catch-up job runs the folds with the schema rollup_job first
-- on its search path, where "customers" is a copy of the customers it touched in this run only,
-- and this function also rescores customers the run did not touch (those a quintile boundary passed;
-- everyone in a full rescoring). It reads no other raw table, and customers is a reference table
-- on a cluster, so the coordinator holds all of it.
create or replace function rescore_rfm_rollups() returns void
language plpgsql
set search_path = public as $$
declare
    r_thresholds bigint[];
    f_thresholds bigint[];
    m_thresholds bigint[];
begin
    lock table rollups.customer_orders_folded in share mode;
    lock table rollups.rfm_quintiles in exclusive mode;  -- see fold_rfm_rollups()
    delete from rollups.rfm_stale;

    update rollups.rfm_quintiles
    set customers = sorted.customers, recency_keys = sorted.recency_keys,
        frequency_keys = sorted.frequency_keys, monetary_keys = sorted.monetary_keys,
        recency_removed = '{}', recency_added = '{}', frequency_removed = '{}', frequency_added = '{}',
        monetary_removed = '{}', monetary_added = '{}'
    from (
        select
            count(*)                                                      as customers,
            coalesce(array_agg(recency_key order by recency_key), '{}')       as recency_keys,
            coalesce(array_agg(frequency_key order by frequency_key), '{}')   as frequency_keys,
            coalesce(array_agg(monetary_key order by monetary_key), '{}')     as monetary_keys
        from rollups.customer_orders_folded
        where orders > 0
    ) as sorted;

    select quintile_thresholds(recency_keys), quintile_thresholds(frequency_keys), quintile_thresholds(monetary_keys)
    into r_thresholds, f_thresholds, m_thresholds
    from rollups.rfm_quintiles;

    delete from rollups.rfm_scored;
    insert into rollups.rfm_scored (customer_id, orders, spend, recency_key, frequency_key, monetary_key,
                                   r_score, f_score, m_score, segment, brief_segment, email, first_name, last_name)
    select scored.customer_id, orders, spend, recency_key, frequency_key, monetary_key,
           r_score, f_score, m_score, rfm_segment(r_score, f_score, m_score), rfm_brief_segment(r_score, f_score, m_score),
           customers.email, customers.first_name, customers.last_name
    from (
        select
            folded.*,
            1 + width_bucket(folded.recency_key, r_thresholds)   as r_score,
            1 + width_bucket(folded.frequency_key, f_thresholds) as f_score,
            1 + width_bucket(folded.monetary_key, m_thresholds)  as m_score
        from rollups.customer_orders_folded as folded
        where folded.orders > 0
    ) as scored
    join customers using (customer_id)
    -- rfm_customers' order: a segment's rows on consecutive pages, in export_key order
    order by rfm_segment(r_score, f_score, m_score), 2::bigint * scored.customer_id - monetary_key;

    delete from rollups.rfm_cells;
    insert into rollups.rfm_cells (r_score, f_score, m_score, customers, spend, orders, last_days)
    select r_score, f_score, m_score, count(*), sum(spend), sum(orders), sum(recency_key >> 32)
    from rollups.rfm_scored
    group by r_score, f_score, m_score;
end
$$;

-- Brings the scoring up to the folded customer rollup, the way the readers do: only the stale
-- customers and those they move (rfm_moved) are scored again, the cell sums adjusted and the keys
-- taken out and put in recorded beside the sorted keys (written into them once they are many:
-- absorb_rfm_key_changes()). Left to the readers while the stale customers are a handful (up to
-- 1/2048 of the buyers: a scoring has a fixed cost, at scale 10 about a second) and none has waited
-- half a minute (marked_at), so that a handful never stays stale in a quiet shop, every RFM read
-- rescoring them (at scale 10 on a cluster 441 stale customers cost rfm_customers about 90 ms a
-- read); everyone scored again from scratch when they are many (more than 64 and 1/16).
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
    marks xid8[];
    waiting_since timestamptz;  -- the oldest stale mark's
begin
    -- everyone, when many changed (deciding before the lock below: rescore_rfm_rollups() takes the
    -- customer rollup's lock first)
    if (select count(*) from rollups.rfm_stale) > (select greatest(64, customers / 16) from rollups.rfm_quintiles) then
        perform rescore_rfm_rollups();
        return;
    end if;
    -- One scoring at a time (readers are not blocked): a fold adds its changes to the scoring it
    -- read, so one running beside a rebuild (`shopflow refresh` while the web server folds) would
    -- add them to the rebuilt scoring too. The statements below see what the other committed.
    lock table rollups.rfm_quintiles in exclusive mode;
    select customers into scored from rollups.rfm_quintiles;
    -- the stale customers and their figures in one snapshot (writers may mark them again meanwhile)
    select coalesce(array_agg(stale.customer_id order by stale.customer_id), '{}'),
           coalesce(array_agg(stale.marked order by stale.customer_id), '{}'),
           coalesce(array_agg(coalesce(folded.orders, 0) order by stale.customer_id), '{}'),
           coalesce(array_agg(coalesce(folded.spend, 0) order by stale.customer_id), '{}'),
           coalesce(array_agg(array[folded.recency_key, folded.frequency_key, folded.monetary_key]
                              order by stale.customer_id), '{}'),
           min(stale.marked_at)
    into changed_ids, marks, changed_orders, changed_spend, changed_keys, waiting_since
    from rollups.rfm_stale as stale
    left join rollups.customer_orders_folded as folded using (customer_id);

    if cardinality(changed_ids) <= scored / 2048
       and (waiting_since is null or waiting_since > now() - interval '30 seconds') then
        return;
    end if;

    -- one statement, one snapshot: rfm_moved reads the scoring as it was before this fold
    with

    moved as materialized (
        select * from rfm_moved(changed_ids, changed_orders, changed_spend, changed_keys)
    ),

    rescored as (
        insert into rollups.rfm_scored as s (customer_id, orders, spend, recency_key, frequency_key, monetary_key,
                                            r_score, f_score, m_score, segment, brief_segment, email, first_name,
                                            last_name)
        select moved.customer_id, orders, spend, recency_key, frequency_key, monetary_key, r_score, f_score, m_score,
               segment, rfm_brief_segment(r_score, f_score, m_score), customers.email, customers.first_name,
               customers.last_name
        from moved
        join customers using (customer_id)
        where change = 1
        order by moved.customer_id
        on conflict (customer_id) do update
            set orders = excluded.orders, spend = excluded.spend, recency_key = excluded.recency_key,
                frequency_key = excluded.frequency_key, monetary_key = excluded.monetary_key,
                r_score = excluded.r_score, f_score = excluded.f_score, m_score = excluded.m_score,
                segment = excluded.segment, brief_segment = excluded.brief_segment
    ),

    without_orders as (
        delete from rollups.rfm_scored as s
        where s.customer_id in (select customer_id from moved where change = -1)
          and s.customer_id not in (select customer_id from moved where change = 1)
    ),

    cell_sums as (
        insert into rollups.rfm_cells as sums (r_score, f_score, m_score, customers, spend, orders, last_days)
        select r_score, f_score, m_score, sum(change), sum(change * spend), sum(change * orders),
               sum(change * (recency_key >> 32))
        from moved
        group by r_score, f_score, m_score
        order by r_score, f_score, m_score
        on conflict (r_score, f_score, m_score) do update
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
        (recency_removed, recency_added) =
            (select * from key_changes_after(q.recency_removed, q.recency_added, keys.old_r, keys.new_r)),
        (frequency_removed, frequency_added) =
            (select * from key_changes_after(q.frequency_removed, q.frequency_added, keys.old_f, keys.new_f)),
        (monetary_removed, monetary_added) =
            (select * from key_changes_after(q.monetary_removed, q.monetary_added, keys.old_m, keys.new_m))
    from keys;

    -- at scale 1 (219,000 buyers) every 20 folds or so
    perform absorb_rfm_key_changes(greatest(1024, scored / 64));

    perform forget_rfm_stale_marks(changed_ids, marks);
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
