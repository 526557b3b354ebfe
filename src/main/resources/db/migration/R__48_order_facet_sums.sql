-- The order_facets rollup read for the filters (docs/filters.md): the sales model of the orders
-- the filters name, per shop day (daily_revenue, and the drill totals of its days and of
-- revenue_summary's periods, so a drill's total is the figure it was opened from) and per window
-- (revenue_summary). One reading each, which the reports call only when a filter is given.
--
-- Both read the same pieces (order_facet_pieces()), in the cut that keeps every filtered dimension:
-- a whole day from rollups.order_facet_days when no hour of it is marked or dirty in the caller's
-- snapshot and no window ends inside it; the hours of the other days from
-- rollups.order_facet_hours, each hour not marked nor dirty, the others from the raw rows
-- (order_facet_events, an hour at a time through the indexes on the moments); and each window's
-- last, unfinished hour from the raw rows up to its end (for as_of's window: the hour as_of is
-- in). So as_of's own day is its folded hours and one hour of raw rows, not its every order. A
-- combination no cut keeps reads every day raw, as does a Citus cluster (the rollup is not kept
-- there). Filters are '' when not given (want_channel ... want_coupon).
--
-- Without a filter they return nothing at once: PostgreSQL drops the call from a report's plan when
-- no filter is given, but a Citus coordinator runs a report's CTEs first, each on its own, the
-- path not taken too (and the raw path there joins tables that are not colocated, which it
-- refuses).
--
-- plpgsql, not an inlined SQL function: a report's path without filters names the call but never
-- runs it, and PostgreSQL plans an opaque call for nothing, where it would copy and prepare an
-- inlined body's whole tree before dropping it. Its queries are planned when it runs, with the
-- filters' values (the report runner's plan_cache_mode=force_custom_plan), so the filters not given
-- drop out of the plan.

-- The cut of the rollup that keeps every filtered dimension. The cuts are the grouping sets of
-- order_facet_hour_rows() (R__44_order_facets.sql): 1 keeps all but region, 2 all but channel and
-- device, 3 all but customer and coupon. 0 when no cut keeps them all, or when the rollup is not
-- kept (a Citus cluster): then every day is read raw. (PL/pgSQL: its body is checked when it runs,
-- after R__50_rollup_catch_up_job.sql has created rollups_kept_by_job().)
create or replace function order_facet_cut(want_channel text, want_device text, want_region text,
                                           want_customer text, want_coupon text)
returns smallint
language plpgsql stable as $$
begin
    return case when rollups_kept_by_job() then 0
                when want_region = '' then 1
                when want_channel = '' and want_device = '' then 2
                when want_customer = '' and want_coupon = '' then 3
                else 0
           end;
end
$$;

drop function if exists order_facet_raw_days(date, date, timestamptz, smallint);

-- The pieces of the sales model of the orders the filters name from first_day's start to each of
-- ends (each at or before as_of), none overlapping: 'day' a whole shop day from its day rows,
-- 'hour' a whole shop hour (from its hour rows, or raw when written since its fold), and 'tail'
-- the raw rows from the start of an end's last, unfinished hour to the end (ends_at is that end,
-- included). A window [s, e] is the pieces from s on that end by its first unfinished hour, and
-- the tail of e. The days an end cuts, and those with a raw hour, are read by the hour. Each piece
-- has the sales model's sums and returns_made, the returns made in it (order_returns rows).
--
-- The raw hours (a run of consecutive hours at a time) and each end's unfinished hour are read by
-- statements of their own, their moments constants when planned (force_custom_plan): read in one
-- statement with the ranges as rows, the planner could not tell a range's size and hashed every
-- order the filter names (coupon=yes: a parallel scan of all orders, 0.3 to 1 s). The statements
-- of a stable function share its caller's snapshot, so they see the marks the first one saw.
drop function if exists order_facet_pieces(date, timestamptz[], text, text, text, text, text, text);
create or replace function order_facet_pieces(first_day date, ends timestamptz[],
                                              want_channel text, want_device text, want_country text, want_region text,
                                              want_customer text, want_coupon text)
returns table (kind text, starts_at timestamptz, ends_at timestamptz, orders numeric, new_orders numeric,
               gross_sales numeric, discounts numeric, shipping numeric, taxes numeric,
               returns numeric, returned_shipping numeric, returned_taxes numeric, returns_made numeric)
language plpgsql stable
set plan_cache_mode = force_custom_plan as $$
#variable_conflict use_column
declare
    the_cut smallint := order_facet_cut(want_channel, want_device, want_region, want_customer, want_coupon);
    -- the first hour not wholly before the last end: the hours before it are whole
    span_to timestamptz := (select max(shop_hour(e.ends_at + interval '1 microsecond'))
                            from unnest(ends) as e (ends_at) where e.ends_at >= first_day::timestamptz);
    run record;
    end_at timestamptz;
    end_hour timestamptz;
begin
    if span_to is null then
        return;
    end if;
    return query
    with

    -- the whole hours written since they were computed: marked, or dirty (with the current hour)
    raw_hours as (
        select m.hour from rollups.order_facet_hour_marks m
        where m.hour >= first_day::timestamptz and m.hour < span_to
        union
        select d.hour from rollups.order_facet_dirty_hours d
        where d.hour >= first_day::timestamptz and d.hour < span_to
    ),

    -- the days read by the hour: those with a raw hour, and those an end cuts
    hour_days as (
        select shop_day(raw_hours.hour) as day from raw_hours
        union
        select shop_day(shop_hour(e.ends_at + interval '1 microsecond'))
        from unnest(ends) as e (ends_at)
        where e.ends_at >= first_day::timestamptz
          and shop_hour(e.ends_at + interval '1 microsecond')
              <> shop_day(shop_hour(e.ends_at + interval '1 microsecond'))::timestamptz
    ),

    day_rows as (
        select 'day'::text, f.day::timestamptz, (f.day + 1)::timestamptz,
               sum(f.orders)::numeric, sum(f.new_orders)::numeric, sum(f.gross_sales), sum(f.discounts),
               sum(f.shipping), sum(f.taxes), sum(f.returns), sum(f.returned_shipping), sum(f.returned_taxes),
               sum(f.returns_made)::numeric
        from rollups.order_facet_days f
        where f.cut = the_cut
          and f.day >= first_day and f.day < shop_day(span_to)
          and f.day not in (select hour_days.day from hour_days)
          and (want_channel = '' or f.channel = want_channel)
          and (want_device = '' or f.device = want_device)
          and (want_country = '' or f.country = want_country)
          and (want_region = '' or f.region = want_region)
          and (want_customer = '' or f.customer = want_customer)
          and (want_coupon = '' or f.coupon = want_coupon)
        group by f.day
    ),

    hour_rows as (
        select 'hour'::text, hours.hour, hours.hour + interval '1 hour',
               hours.orders, hours.new_orders, hours.gross_sales, hours.discounts, hours.shipping, hours.taxes,
               hours.returns, hours.returned_shipping, hours.returned_taxes, hours.returns_made
        from hour_days
        -- each day's hours through the key (cut, hour): joined by the hour alone, the planner hashed
        -- every hour row of the cut
        cross join lateral (
            select h.hour, sum(h.orders)::numeric as orders, sum(h.new_orders)::numeric as new_orders,
                   sum(h.gross_sales) as gross_sales, sum(h.discounts) as discounts, sum(h.shipping) as shipping,
                   sum(h.taxes) as taxes, sum(h.returns) as returns, sum(h.returned_shipping) as returned_shipping,
                   sum(h.returned_taxes) as returned_taxes, sum(h.returns_made)::numeric as returns_made
            from rollups.order_facet_hours h
            where h.cut = the_cut
              and h.hour >= hour_days.day::timestamptz
              and h.hour < least((hour_days.day + 1)::timestamptz, span_to)
              and h.hour not in (select raw_hours.hour from raw_hours)
              and (want_channel = '' or h.channel = want_channel)
              and (want_device = '' or h.device = want_device)
              and (want_country = '' or h.country = want_country)
              and (want_region = '' or h.region = want_region)
              and (want_customer = '' or h.customer = want_customer)
              and (want_coupon = '' or h.coupon = want_coupon)
            group by h.hour
        ) as hours
    ),

    -- no cut answers (cut 0): every day from the raw rows, a day at a time through the indexes on
    -- the orders' and returns' moments (joined by the moment alone, the planner valued every order
    -- of the shop first)
    raw_days as (
        select g::date as day
        from generate_series(first_day, shop_day(span_to), interval '1 day') as g
        where the_cut = 0 and g::date::timestamptz < span_to
    ),

    raw_day_rows as (
        select 'hour'::text, shop_hour(e.at), shop_hour(e.at) + interval '1 hour',
               sum(e.orders)::numeric, sum(e.new_orders)::numeric, sum(e.gross_sales), sum(e.discounts),
               sum(e.shipping), sum(e.taxes), sum(e.returns), sum(e.returned_shipping), sum(e.returned_taxes),
               sum(e.returns_made)::numeric
        from raw_days
        cross join lateral (
            select *
            from order_facet_events e
            where e.at >= raw_days.day::timestamptz and e.at < least((raw_days.day + 1)::timestamptz, span_to)
              and (want_channel = '' or e.channel = want_channel)
              and (want_device = '' or e.device = want_device)
              and (want_country = '' or e.country = want_country)
              and (want_region = '' or e.region = want_region)
              and (want_customer = '' or e.customer = want_customer)
              and (want_coupon = '' or e.coupon = want_coupon)
            offset 0
        ) as e
        group by shop_hour(e.at)
    )

    select * from day_rows
    union all
    select * from hour_rows
    union all
    select * from raw_day_rows;

    -- the raw hours, a run of consecutive hours at a time (a cut answers: with cut 0 every day is
    -- read above)
    for run in
        with raw_hours as (
            select m.hour from rollups.order_facet_hour_marks m
            where m.hour >= first_day::timestamptz and m.hour < span_to
            union
            select d.hour from rollups.order_facet_dirty_hours d
            where d.hour >= first_day::timestamptz and d.hour < span_to
        )
        select min(runs.hour) as from_at, max(runs.hour) + interval '1 hour' as to_at
        from (
            select raw_hours.hour,
                   raw_hours.hour - (row_number() over (order by raw_hours.hour)) * interval '1 hour' as run_key
            from raw_hours
            where the_cut <> 0
        ) as runs
        group by runs.run_key
    loop
        return query
        select 'hour'::text, shop_hour(e.at), shop_hour(e.at) + interval '1 hour',
               sum(e.orders)::numeric, sum(e.new_orders)::numeric, sum(e.gross_sales), sum(e.discounts),
               sum(e.shipping), sum(e.taxes), sum(e.returns), sum(e.returned_shipping), sum(e.returned_taxes),
               sum(e.returns_made)::numeric
        from order_facet_events e
        where e.at >= run.from_at and e.at < run.to_at
          and (want_channel = '' or e.channel = want_channel)
          and (want_device = '' or e.device = want_device)
          and (want_country = '' or e.country = want_country)
          and (want_region = '' or e.region = want_region)
          and (want_customer = '' or e.customer = want_customer)
          and (want_coupon = '' or e.coupon = want_coupon)
        group by shop_hour(e.at);
    end loop;

    -- each end's unfinished hour up to the end (none for an end on an hour's last microsecond, as
    -- each day window's but as_of's: a statement planned for nothing costs milliseconds)
    for end_at in select distinct e.ends_at from unnest(ends) as e (ends_at) where e.ends_at >= first_day::timestamptz
    loop
        end_hour := shop_hour(end_at + interval '1 microsecond');
        continue when end_at < end_hour;
        return query
        select 'tail'::text, end_hour, end_at,
               sum(e.orders)::numeric, sum(e.new_orders)::numeric, sum(e.gross_sales), sum(e.discounts),
               sum(e.shipping), sum(e.taxes), sum(e.returns), sum(e.returned_shipping), sum(e.returned_taxes),
               sum(e.returns_made)::numeric
        from order_facet_events e
        where e.at >= end_hour and e.at <= end_at
          and (want_channel = '' or e.channel = want_channel)
          and (want_device = '' or e.device = want_device)
          and (want_country = '' or e.country = want_country)
          and (want_region = '' or e.region = want_region)
          and (want_customer = '' or e.customer = want_customer)
          and (want_coupon = '' or e.coupon = want_coupon)
        having count(*) > 0;
    end loop;
end
$$;

-- Per shop day of first_day..last_day up to as_of (days without sales or returns have no row): the
-- sales model's sums, and returns_made, the returns made that day (the filtered drills' return rows).
drop function if exists order_facet_day_sums(date, date, timestamptz, text, text, text, text, text, text);
create or replace function order_facet_day_sums(first_day date, last_day date, as_of timestamptz,
                                                want_channel text, want_device text, want_country text, want_region text,
                                                want_customer text, want_coupon text)
returns table (day date, orders numeric, gross_sales numeric, discounts numeric, shipping numeric, taxes numeric,
               returns numeric, returned_shipping numeric, returned_taxes numeric, returns_made numeric)
language plpgsql stable as $$
#variable_conflict use_column
declare
    end_at timestamptz := least(as_of, (last_day + 1)::timestamptz - interval '1 microsecond');
begin
    if want_channel = '' and want_device = '' and want_country = '' and want_region = '' and want_customer = ''
       and want_coupon = '' then
        return; -- no filter: the reports' other path answers (a Citus coordinator may still call this)
    end if;
    return query
    select shop_day(p.starts_at), sum(p.orders), sum(p.gross_sales), sum(p.discounts), sum(p.shipping),
           sum(p.taxes), sum(p.returns), sum(p.returned_shipping), sum(p.returned_taxes), sum(p.returns_made)
    from order_facet_pieces(first_day, array[end_at], want_channel, want_device, want_country, want_region,
                            want_customer, want_coupon) as p
    group by shop_day(p.starts_at);
end
$$;

-- Per window [starts[i], ends[i]] (both ends included; each starts at a shop day's midnight and
-- ends at or before as_of), numbered i: orders placed in it, their sales, and the returns made in
-- it of the orders the filters name; shipping and taxes net of those returned; new_orders, the
-- orders placed that were their customer's first.
drop function if exists order_facet_window_sums(timestamptz[], timestamptz[], timestamptz, text, text, text, text,
                                                text, text);
create or replace function order_facet_window_sums(starts timestamptz[], ends timestamptz[], as_of timestamptz,
                                                   want_channel text, want_device text, want_country text, want_region text,
                                                   want_customer text, want_coupon text)
returns table (window_no int, orders numeric, gross_sales numeric, discounts numeric, returns numeric,
               shipping numeric, taxes numeric, new_orders numeric)
language plpgsql stable as $$
#variable_conflict use_column
begin
    if want_channel = '' and want_device = '' and want_country = '' and want_region = '' and want_customer = ''
       and want_coupon = '' then
        return; -- no filter: the reports' other path answers (a Citus coordinator may still call this)
    end if;
    return query
    with

    -- the windows asked for, numbered, with their first hour not wholly in them
    windows as (
        select w.window_no::int as window_no, w.starts_at, w.ends_at,
               shop_hour(w.ends_at + interval '1 microsecond') as whole_to
        from unnest(starts, ends) with ordinality as w (starts_at, ends_at, window_no)
    ),

    -- read once for every window
    pieces as materialized (
        select *
        from order_facet_pieces((select shop_day(min(s)) from unnest(starts) as s), ends,
                                want_channel, want_device, want_country, want_region, want_customer, want_coupon)
    )

    select
        windows.window_no,
        coalesce(sum(p.orders), 0),
        coalesce(sum(p.gross_sales), 0),
        coalesce(sum(p.discounts), 0),
        coalesce(sum(p.returns), 0),
        coalesce(sum(p.shipping), 0) - coalesce(sum(p.returned_shipping), 0),
        coalesce(sum(p.taxes), 0) - coalesce(sum(p.returned_taxes), 0),
        coalesce(sum(p.new_orders), 0)
    from windows
    -- a window's whole days and hours, and the tail of its end
    left join pieces p
      on p.starts_at >= windows.starts_at
     and case when p.kind = 'tail' then p.ends_at = windows.ends_at else p.ends_at <= windows.whole_to end
    group by windows.window_no;
end
$$;
