-- An hour's sales and returns up to a moment in it, from the hour rollups and as few raw rows as
-- the moment allows: what revenue_summary, daily_revenue and kpi_window() (R__28_kpi_windows.sql)
-- add to their whole days and hours for the last, unfinished hour of a window.
--
-- Reading the hour's raw rows up to the moment cost what the hour holds: on a Black-Friday-sized
-- day (55,000 orders in the last hour at scale 1) 0.5 to 0.9 s per panel. The hour's rollup row
-- (folded, plus what was appended since the last fold) already holds the whole hour, exactly, in
-- the same transaction as every write; less what came after the moment, it is the hour up to
-- the moment. For the dashboard's "now" nothing comes after: one rollup row and an empty index
-- range, whatever the hour holds. For a moment in the past, the cheaper side is read: the raw rows
-- from the hour's start when the moment is in the hour's first half and something came after it,
-- otherwise the rollup less the rows after it (at most half an hour of rows either way).
--
-- On a Citus cluster the rollups lag the raw rows by what the catch-up job has not applied yet
-- (rows committed after its last run): there an hour's sales are taken from its rollup only less
-- the orders the job applied (hours_sales_to()), and its returns, few rows, always from the raw
-- rows. Each read there is a round trip to every shard, whatever it finds, so a report with
-- several windows' ends (revenue_summary: eight) asks for them all at once (hours_sales_to(),
-- hours_returns_to()): one round for the sales and two for the returns, where reading each end's
-- on its own (and the test of the rollup's side, which Citus ran too) made 56 rounds of 8 shard
-- queries.
--
-- from_hour is a shop hour's start; the rows from it to to_moment, both included, are summed.
-- A to_moment before from_hour (a window ending on a day's last microsecond, whose end hour is
-- the next day's first) sums nothing; a to_moment past the hour is not asked for.

-- Orders placed from from_hour to to_moment: their count and the sales model's placed measures
-- (R__22_sales_model.sql, as rollups.sales_hours holds them).
create or replace function hour_sales_to(from_hour timestamptz, to_moment timestamptz)
returns table (orders bigint, gross_sales numeric, discounts numeric, shipping numeric, taxes numeric)
language plpgsql stable as $$
#variable_conflict use_column
declare
    by_rollup boolean;
begin
    if to_moment < from_hour then
        return query select 0::bigint, 0::numeric, 0::numeric, 0::numeric, 0::numeric;
        return;
    end if;
    -- (the cluster apart first: Citus runs a subquery on a distributed table before the
    -- expression around it, whatever the expression needs)
    if rollups_kept_by_job() then
        return query
        select raw.orders, raw.gross_sales, raw.discounts, raw.shipping, raw.taxes
        from hours_sales_to(array[from_hour], array[to_moment]) as raw;
        return;
    end if;
    by_rollup := to_moment >= from_hour + interval '30 minutes'
        or not exists (select 1 from orders o
                       where o.created_at > to_moment and o.created_at < from_hour + interval '1 hour');
    if by_rollup then
        return query
        select coalesce(sum(parts.orders), 0)::bigint, coalesce(sum(parts.gross_sales), 0),
               coalesce(sum(parts.discounts), 0), coalesce(sum(parts.shipping), 0), coalesce(sum(parts.taxes), 0)
        from (
            select h.orders, h.gross_sales, h.discounts, h.shipping, h.taxes
            from rollups.sales_hours h
            where h.hour = from_hour
            union all
            select -1, -s.gross_sales, -s.discounts, -s.shipping, -s.taxes
            from order_sales s
            where s.created_at > to_moment and s.created_at < from_hour + interval '1 hour'
        ) as parts;
    else
        return query
        select count(*)::bigint, coalesce(sum(s.gross_sales), 0), coalesce(sum(s.discounts), 0),
               coalesce(sum(s.shipping), 0), coalesce(sum(s.taxes), 0)
        from order_sales s
        where s.created_at between from_hour and to_moment;
    end if;
end
$$;

-- The rows of order_returns from after_moment to up_to (after_moment itself too when with_start),
-- as revenue_summary read them: the returned orders' sales by their ids (joined by time alone, the
-- planner hashed all of orders), and the partial refunds' net sales.
-- (PL/pgSQL: Citus cannot plan a SQL function's statement that uses its parameters.)
create or replace function hour_raw_returns(after_moment timestamptz, up_to timestamptz, with_start boolean)
returns table (returns numeric, shipping numeric, taxes numeric)
language plpgsql stable as $$
#variable_conflict use_column
begin
    return query
    with changes as (
        select c.order_id
        from order_status_changes c
        where c.changed_at >= after_moment and (with_start or c.changed_at > after_moment)
          and c.changed_at <= up_to
          and c.to_status in ('cancelled', 'refunded')
    )
    select s.net_sales, s.shipping, s.taxes
    from changes
    join order_sales s on s.order_id = changes.order_id
    where s.order_id = any (array(select order_id from changes))
    union all
    select r.net_sales, 0::numeric, 0::numeric
    from order_refunds r
    where r.refunded_at >= after_moment and (with_start or r.refunded_at > after_moment)
      and r.refunded_at <= up_to;
end
$$;

-- Returns from from_hour to to_moment (order_returns: orders cancelled or refunded whole, valued at
-- their sales, and partial refunds' net sales), as rollups.return_hours holds them.
create or replace function hour_returns_to(from_hour timestamptz, to_moment timestamptz)
returns table (returns numeric, shipping numeric, taxes numeric)
language plpgsql stable as $$
#variable_conflict use_column
declare
    by_rollup boolean;
begin
    if to_moment < from_hour then
        return query select 0::numeric, 0::numeric, 0::numeric;
        return;
    end if;
    if rollups_kept_by_job() then
        return query
        select raw.returns, raw.shipping, raw.taxes
        from hours_returns_to(array[from_hour], array[to_moment]) as raw;
        return;
    end if;
    by_rollup := to_moment >= from_hour + interval '30 minutes'
        or not (exists (select 1 from order_status_changes c
                        where c.changed_at > to_moment and c.changed_at < from_hour + interval '1 hour'
                          and c.to_status in ('cancelled', 'refunded'))
                or exists (select 1 from order_refunds r
                           where r.refunded_at > to_moment and r.refunded_at < from_hour + interval '1 hour'));
    if by_rollup then
        return query
        select coalesce(sum(parts.returns), 0), coalesce(sum(parts.shipping), 0), coalesce(sum(parts.taxes), 0)
        from (
            select h.returns, h.shipping, h.taxes
            from rollups.return_hours h
            where h.hour = from_hour
            union all
            select -raw.returns, -raw.shipping, -raw.taxes
            from hour_raw_returns(to_moment, from_hour + interval '1 hour' - interval '1 microsecond', false) as raw
        ) as parts;
    else
        return query
        select coalesce(sum(raw.returns), 0), coalesce(sum(raw.shipping), 0), coalesce(sum(raw.taxes), 0)
        from hour_raw_returns(from_hour, to_moment, true) as raw;
    end if;
end
$$;

-- hour_sales_to() of each (from_hours[i], to_moments[i]), a row per distinct pair. On one node
-- each pair's by its rollup as above. On a cluster (a single-pair call of hour_sales_to() comes
-- here too) every pair in one read of the shards, each pair's side chosen as on one node: its raw
-- rows up to the moment, or its rollup row less the rows after the moment. The rollup there holds
-- what the catch-up job applied, the orders up to its watermark (each with its lines: place_order
-- writes them with the order), so only those are taken out of it: rows after the moment written
-- since are in the raw rows and not in the rollup. An order taken out that has a line the job has
-- not applied (a line added to it later) sends its pair back to its raw side, in a second read.
-- The rollup side is read where it is the cheaper one: in the hour's second half, and for a moment
-- at most a minute before the job's last targets (the dashboard's "now": its report applied the
-- rows written up to then first, so few come after it; the raw side grew with the hour:
-- revenue_summary as of now with 28,994 orders in it 150-174 -> 68-91 ms).
-- The pairs' ranges are written into the read as constants (one index range each on every shard):
-- joined with the pairs instead, each shard's planner, which cannot tell how many pairs there are,
-- scanned every order it holds (2.4 s at scale 1 for "now"). Each shard sums its rows per pair (a
-- row counts in every pair whose range holds it) and sends one row a pair: sent whole, every order
-- of a busy hour crossed to the coordinator (20,595 orders, 110 against 65 ms). Planned at each
-- call, for its arrays.
create or replace function hours_sales_to(from_hours timestamptz[], to_moments timestamptz[])
returns table (from_hour timestamptz, to_moment timestamptz, orders bigint, gross_sales numeric,
               discounts numeric, shipping numeric, taxes numeric)
language plpgsql stable
set plan_cache_mode = force_custom_plan as $$
#variable_conflict use_column
declare
    applied_orders bigint;
    applied_items bigint;
    targets_read_at timestamptz;
    by_rollup boolean[];
    attempt int;
    read_pairs bigint[];     -- the shards' sums per pair: orders, sales
    read_orders bigint[];
    read_gross_sales numeric[];
    read_discounts numeric[];
    read_shipping numeric[];
    read_taxes numeric[];
    late_pairs bigint[];     -- pairs by their rollup that took out an order with a line not applied
    pair_rows text;          -- each pair's (number, by its rollup, range) as a values list, and any range
    any_pair text;
begin
    if not rollups_kept_by_job() then
        return query
        select pairs.from_hour, pairs.to_moment, hour.*
        from (select distinct * from unnest(from_hours, to_moments) as p (from_hour, to_moment)) as pairs
        cross join lateral hour_sales_to(pairs.from_hour, pairs.to_moment) as hour;
        return;
    end if;
    if coalesce(cardinality(from_hours), 0) = 0 then
        return;
    end if;
    select w.applied_id, w.targets_read_at into applied_orders, targets_read_at
    from rollups.watermarks w where w.source = 'orders';
    select w.applied_id into applied_items from rollups.watermarks w where w.source = 'order_items';
    by_rollup := array(
        select coalesce(p.to_moment >= p.from_hour
                        and (p.to_moment >= p.from_hour + interval '30 minutes'
                             or p.to_moment >= targets_read_at - interval '1 minute'), false)
        from unnest(from_hours, to_moments) with ordinality as p (from_hour, to_moment, pair_no)
        order by p.pair_no);
    for attempt in 1..2 loop
        select string_agg(format('(%s, %s, %s)', r.pair_no, case when r.after then 'true' else 'false' end, r.condition),
                          ', ' order by r.pair_no),
               string_agg(r.condition, ' or ' order by r.pair_no)
        into pair_rows, any_pair
        from hour_sales_ranges(from_hours, to_moments, by_rollup, applied_orders) as r;
        execute format($read$
            select coalesce(array_agg(sums.pair_no), '{}'), array_agg(sums.orders), array_agg(sums.gross_sales),
                   array_agg(sums.discounts), array_agg(sums.shipping), array_agg(sums.taxes),
                   coalesce(array_agg(sums.pair_no) filter (where sums.late_orders > 0), '{}')
            from (
                select within.pair_no, count(*) as orders, sum(s.gross_sales) as gross_sales,
                       sum(s.discounts) as discounts, sum(s.shipping) as shipping, sum(s.taxes) as taxes,
                       count(*) filter (where within.after and lines.last_item > %s) as late_orders
                from order_sales s
                cross join lateral (select max(i.item_id) as last_item from order_items i
                                    where i.order_id = s.order_id) as lines
                cross join lateral (values %s) as within (pair_no, after, inside)
                where (%s) and within.inside
                group by within.pair_no
            ) as sums
            $read$, coalesce(applied_items, 0), pair_rows, any_pair)
        into read_pairs, read_orders, read_gross_sales, read_discounts, read_shipping, read_taxes, late_pairs;
        exit when cardinality(late_pairs) = 0;
        by_rollup := array(select b.after and b.pair_no <> all (late_pairs)
                           from unnest(by_rollup) with ordinality as b (after, pair_no) order by b.pair_no);
    end loop;
    return query
    select distinct pairs.from_hour, pairs.to_moment, (coalesce(kept.orders, 0) + side.sign * coalesce(r.orders, 0))::bigint,
           coalesce(kept.gross_sales, 0) + side.sign * coalesce(r.gross_sales, 0),
           coalesce(kept.discounts, 0) + side.sign * coalesce(r.discounts, 0),
           coalesce(kept.shipping, 0) + side.sign * coalesce(r.shipping, 0),
           coalesce(kept.taxes, 0) + side.sign * coalesce(r.taxes, 0)
    from unnest(from_hours, to_moments, by_rollup) with ordinality as pairs (from_hour, to_moment, after, pair_no)
    cross join lateral (select case when pairs.after then -1 else 1 end as sign) as side
    left join unnest(read_pairs, read_orders, read_gross_sales, read_discounts, read_shipping, read_taxes)
        as r (pair_no, orders, gross_sales, discounts, shipping, taxes) on r.pair_no = pairs.pair_no
    left join lateral (select sum(h.orders) as orders, sum(h.gross_sales) as gross_sales, sum(h.discounts) as discounts,
                              sum(h.shipping) as shipping, sum(h.taxes) as taxes
                       from rollups.sales_hours h
                       where pairs.after and h.hour = pairs.from_hour) as kept on true;
end
$$;

-- The range of orders each pair reads on a cluster (hours_sales_to()): its raw side, the orders
-- from its hour's start to its moment; or, by its rollup, those after its moment in its hour that
-- the job applied (ids up to applied_orders). As conditions on order_sales s, the moments and the
-- id written as constants.
create or replace function hour_sales_ranges(from_hours timestamptz[], to_moments timestamptz[], by_rollup boolean[],
                                             applied_orders bigint)
returns table (pair_no bigint, after boolean, condition text)
language sql stable as $$
    select p.pair_no, p.after,
           case when p.after
                then format('(s.created_at > %L::timestamptz and s.created_at < %L::timestamptz and s.order_id <= %s)',
                            p.to_moment, p.from_hour + interval '1 hour', coalesce(applied_orders, 0))
                else format('s.created_at between %L::timestamptz and %L::timestamptz', p.from_hour, p.to_moment) end
    from unnest(from_hours, to_moments, by_rollup) with ordinality as p (from_hour, to_moment, after, pair_no)
$$;

-- hour_returns_to() of each (from_hours[i], to_moments[i]), a row per distinct pair, as
-- hours_sales_to() does it: on a cluster, the orders returned whole in any pair's range (joined
-- with their sales on their shards) and the partial refunds in any, in two reads, each summed per
-- pair on the shards.
create or replace function hours_returns_to(from_hours timestamptz[], to_moments timestamptz[])
returns table (from_hour timestamptz, to_moment timestamptz, returns numeric, shipping numeric, taxes numeric)
language plpgsql stable
set plan_cache_mode = force_custom_plan as $$
#variable_conflict use_column
begin
    if not rollups_kept_by_job() then
        return query
        select pairs.from_hour, pairs.to_moment, hour.*
        from (select distinct * from unnest(from_hours, to_moments) as p (from_hour, to_moment)) as pairs
        cross join lateral hour_returns_to(pairs.from_hour, pairs.to_moment) as hour;
        return;
    end if;
    if coalesce(cardinality(from_hours), 0) = 0 then
        return;
    end if;
    return query execute format($read$
        select distinct pairs.from_hour, pairs.to_moment, coalesce(sum(sums.returns), 0), coalesce(sum(sums.shipping), 0),
               coalesce(sum(sums.taxes), 0)
        from unnest($1, $2) with ordinality as pairs (from_hour, to_moment, pair_no)
        left join (
            select within.pair_no, sum(s.net_sales) as returns, sum(s.shipping) as shipping, sum(s.taxes) as taxes
            from order_status_changes c
            join order_sales s on s.order_id = c.order_id
            cross join lateral (values %s) as within (pair_no, inside)
            where c.to_status in ('cancelled', 'refunded') and (%s) and within.inside
            group by within.pair_no
            union all
            select within.pair_no, sum(r.net_sales), 0, 0
            from order_refunds r
            cross join lateral (values %s) as within (pair_no, inside)
            where (%s) and within.inside
            group by within.pair_no
        ) as sums on sums.pair_no = pairs.pair_no
        group by pairs.pair_no, pairs.from_hour, pairs.to_moment
        $read$, moments_numbered('c.changed_at', from_hours, to_moments),
                moments_within('c.changed_at', from_hours, to_moments),
                moments_numbered('r.refunded_at', from_hours, to_moments),
                moments_within('r.refunded_at', from_hours, to_moments))
    using from_hours, to_moments;
end
$$;

-- "column between from_hours[i] and to_moments[i]" for each i, or'ed, the moments as literals
-- ("false" for no pair): a condition each shard reads through its index on the column. (Stable:
-- the literals are written in the session's time zone, and read back in it.)
create or replace function moments_within(moment_column text, from_hours timestamptz[], to_moments timestamptz[])
returns text
language sql stable as $$
    select coalesce(string_agg(format('%s between %L::timestamptz and %L::timestamptz', moment_column,
                                      p.from_hour, p.to_moment), ' or '), 'false')
    from unnest(from_hours, to_moments) as p (from_hour, to_moment)
$$;

-- "(i, column between from_hours[i] and to_moments[i])" for each i, comma-separated (as many pairs
-- as given, at least one): the rows of a lateral values list that tell each shard, row by row,
-- which pairs' ranges hold it, so that it sums each pair itself and sends a row per pair.
create or replace function moments_numbered(moment_column text, from_hours timestamptz[], to_moments timestamptz[])
returns text
language sql stable as $$
    select string_agg(format('(%s, %s between %L::timestamptz and %L::timestamptz)', p.pair_no, moment_column,
                             p.from_hour, p.to_moment), ', ' order by p.pair_no)
    from unnest(from_hours, to_moments) with ordinality as p (from_hour, to_moment, pair_no)
$$;
