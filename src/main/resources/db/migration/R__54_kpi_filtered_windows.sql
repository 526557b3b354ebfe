-- The KPI tiles' measures of the orders and sessions the filters name (docs/filters.md): what
-- kpi_window() (R__28_kpi_windows.sql) measures for every order and session, for kpi_tiles (a
-- period and its like-for-like window) and kpi_days (each recent day) with filters. Each report
-- calls these only when a filter is given; without one they return nothing at once (the reports'
-- other path answers, and a Citus coordinator runs the path not taken too).
--
-- From the order_facets rollup (R__48_order_facet_sums.sql): orders, gross sales, discounts and the
-- returns of the orders named, as revenue_summary and daily_revenue read them with the same
-- filters. First-time orders are the named orders whose customer kind is 'new', read from the same
-- sums with customer=new added: the cut that keeps the filters and the customer kind together. A
-- region with a channel or a device is kept only by the cut without the customer kind: there the
-- first-time orders are counted one by one from rollups.customer_first_orders (each customer's
-- first order in the window, by its index on the moment), each order's shipping address checked
-- first and its landing (session_landing()) only for those in the region.
--
-- From the funnel_traffic rollup (R__52_rollup_funnel_traffic.sql): sessions first seen in the
-- window with the channel and device named, and those of them that reached the order stage by the
-- window's end (conversion_funnel's first and last stages): the rollup's hours no write has touched
-- since they were computed, the sessions of the other hours one by one, and the window's last
-- partial hour from rollups.funnel_sessions by its indexes on the first and last times, as
-- kpi_window() reads it. Sessions have no country, region, customer kind or coupon: with any of
-- those filters the sessions are null (the reports say why).
--
-- plpgsql, not inlined SQL functions: the reports' path without filters names these calls but
-- never runs them, and an opaque call costs nothing to plan (order_facet_day_sums() says more).

-- Sessions first seen in each window [starts[i], ends[i]] (each starting at a shop hour, ends at
-- or before now) whose landing has the channel and device named, and those of them that reached the
-- order stage by the window's end. Without a filter, nothing.
create or replace function funnel_traffic_window_sums(starts timestamptz[], ends timestamptz[],
                                                      want_channel text, want_device text)
returns table (window_no int, sessions bigint, converted_sessions bigint)
language plpgsql stable as $$
#variable_conflict use_column
begin
    if want_channel = '' and want_device = '' then
        return;
    end if;
    return query
    with

    -- end_hour: the first hour not wholly in the window (the rollup holds the hours before it)
    windows as (
        select w.window_no::int as window_no, w.starts_at, w.ends_at,
               shop_hour(w.ends_at + interval '1 microsecond') as end_hour
        from unnest(starts, ends) with ordinality as w (starts_at, ends_at, window_no)
    ),

    span as (
        select min(starts_at) as first_hour, max(end_hour) as end_hour from windows
    ),

    -- the hours of the span read session by session: written since they were computed, and every
    -- hour on a Citus cluster (the rollup is not kept there)
    raw_hours as (
        select m.hour from rollups.funnel_traffic_marks m, span where m.hour >= span.first_hour and m.hour < span.end_hour
        union
        select d.hour from rollups.funnel_traffic_dirty_hours d, span
        where d.hour >= span.first_hour and d.hour < span.end_hour
        union
        select generate_series(span.first_hour, span.end_hour - interval '1 hour', interval '1 hour')
        from span
        where rollups_kept_by_job()
    ),

    -- stages 1 and 5 of the other hours, by first hour and the hour the stage was reached
    rollup_rows as materialized (
        select f.first_hour, f.stage, f.reach_hour, f.sessions
        from rollups.funnel_traffic_hours f, span
        where f.channel = case when want_channel = '' then '*' else want_channel end
          and f.device = case when want_device = '' then '*' else want_device end
          and f.first_hour >= span.first_hour and f.first_hour < span.end_hour
          and f.stage in (1, 5)
          and f.first_hour not in (select raw_hours.hour from raw_hours)
    ),

    -- the sessions of the raw hours with the landing named: when first seen, when they reached the
    -- order stage (null: not yet)
    raw_sessions as materialized (
        select s.first_seen_at,
               (funnel_reach(s.first_seen_at, s.product_view_at, s.add_at, s.checkout_at, s.order_at))[5] as order_reach_at
        from raw_hours
        join rollups.funnel_sessions s on shop_hour(s.first_seen_at) = raw_hours.hour
        cross join lateral session_landing(s.session_id) as l
        where (want_channel = '' or l.channel = want_channel)
          and (want_device = '' or l.device = want_device)
    ),

    measured as (
        select
            windows.window_no,
            coalesce(hours.sessions, 0) + coalesce(raw.sessions, 0) + last_hour.sessions             as sessions,
            coalesce(hours.converted, 0) + coalesce(raw.converted, 0) + last_hour.converted         as converted
        from windows
        cross join lateral (
            select sum(r.sessions) filter (where r.stage = 1)                                        as sessions,
                   sum(r.sessions) filter (where r.stage = 5 and r.reach_hour < windows.end_hour)    as converted
            from rollup_rows r
            where r.first_hour >= windows.starts_at and r.first_hour < windows.end_hour
        ) as hours
        cross join lateral (
            select count(*)                                                                          as sessions,
                   count(*) filter (where r.order_reach_at < windows.end_hour)                       as converted
            from raw_sessions r
            where r.first_seen_at >= windows.starts_at and r.first_seen_at < windows.end_hour
        ) as raw
        -- the window's last hour up to its end (none for a window ending with a shop hour): first
        -- seen in it (idx_rollup_funnel_sessions_first_seen), or reaching the order stage in it,
        -- when the order came last of every stage (idx_rollup_funnel_sessions_last_reached)
        cross join lateral (
            select
                (select count(*)
                 from rollups.funnel_sessions s
                 cross join lateral session_landing(s.session_id) as l
                 where shop_hour(s.first_seen_at) = windows.end_hour
                   and s.first_seen_at between windows.end_hour and windows.ends_at
                   and s.first_seen_at >= windows.starts_at
                   and (want_channel = '' or l.channel = want_channel)
                   and (want_device = '' or l.device = want_device)) as sessions,
                (select count(*)
                 from rollups.funnel_sessions s
                 cross join lateral session_landing(s.session_id) as l
                 where s.last_reached_at between windows.end_hour and windows.ends_at
                   and s.first_seen_at >= windows.starts_at
                   and s.product_view_at is not null and s.add_at is not null and s.checkout_at is not null
                   and s.order_at is not null
                   and (want_channel = '' or l.channel = want_channel)
                   and (want_device = '' or l.device = want_device)) as converted
        ) as last_hour
    )

    select measured.window_no, measured.sessions::bigint, measured.converted::bigint from measured;
end
$$;

-- Orders placed in each window [starts[i], ends[i]] (both ends included; each starts at a shop
-- day's midnight and ends at or before as_of) that their customer's first order, of those the
-- filters name, when no cut of the order_facets rollup keeps the customer kind with the filters (a
-- region with a channel or a device): each customer's first order in the window
-- (rollups.customer_first_orders, the lowest id at its moment), its address and then its landing.
create or replace function kpi_first_orders_checked(starts timestamptz[], ends timestamptz[],
                                                    want_channel text, want_device text, want_country text,
                                                    want_region text, want_coupon text)
returns table (window_no int, first_time_orders bigint)
language plpgsql stable as $$
#variable_conflict use_column
begin
    return query
    with

    windows as (
        select w.window_no::int as window_no, w.starts_at, w.ends_at
        from unnest(starts, ends) with ordinality as w (starts_at, ends_at, window_no)
    ),

    -- each window's first orders whose address and coupon the filters name (the address first: a
    -- join by key, where the landing is a probe of the session's page views)
    addressed as (
        select windows.window_no, o.session_id
        from windows
        join rollups.customer_first_orders f on f.first_order_at between windows.starts_at and windows.ends_at
        cross join lateral (
            select o.order_id, o.session_id, o.shipping_address_id, o.discount_amount
            from orders o
            where o.customer_id = f.customer_id and o.created_at = f.first_order_at
            order by o.order_id
            limit 1
        ) as o
        -- by its key (fenced, offset 0: joined, the planner hashed every address of the shop)
        left join lateral (
            select a.country, a.state from addresses a where a.address_id = o.shipping_address_id offset 0
        ) as a on true
        where (want_country = '' or coalesce(a.country::text, 'unknown') = want_country)
          and (want_region = '' or coalesce(a.state::text, 'unknown') = want_region)
          and (want_coupon = '' or (case when coalesce(o.discount_amount, 0) > 0 then 'yes' else 'no' end) = want_coupon)
    )

    select windows.window_no, coalesce(counted.orders, 0)::bigint
    from windows
    left join (
        select addressed.window_no, count(*) as orders
        from addressed
        left join lateral session_landing(addressed.session_id) as l on true
        where (want_channel = '' or coalesce(l.channel, 'unknown') = want_channel)
          and (want_device = '' or coalesce(l.device, 'unknown') = want_device)
        group by addressed.window_no
    ) as counted using (window_no);
end
$$;

-- kpi_window()'s measures of each window [starts[i], ends[i]] (both ends included; each starts at
-- a shop day's midnight and ends at or before as_of), numbered i, for the orders and sessions the
-- filters name ('' for a filter not given): sessions and converted_sessions null with a filter
-- sessions do not have (country, region, customer, coupon). Without a filter, nothing.
create or replace function kpi_filtered_windows(starts timestamptz[], ends timestamptz[], as_of timestamptz,
                                                want_channel text, want_device text, want_country text,
                                                want_region text, want_customer text, want_coupon text)
returns table (window_no int, orders bigint, gross_sales numeric, discounts numeric, returns numeric,
               sessions bigint, converted_sessions bigint, first_time_orders bigint)
language plpgsql stable as $$
#variable_conflict use_column
declare
    -- the customer kind can be read from the rollup with the other filters: the cut keeping them
    -- all with it (0: none does; or the rollup is not kept, and every day is read raw anyway)
    new_cut smallint := order_facet_cut(want_channel, want_device, want_region, 'new', want_coupon);
begin
    if want_channel = '' and want_device = '' and want_country = '' and want_region = '' and want_customer = ''
       and want_coupon = '' then
        return;
    end if;
    return query
    with

    windows as (
        select w.window_no::int as window_no
        from unnest(starts) with ordinality as w (starts_at, window_no)
    ),

    named as (
        select * from order_facet_window_sums(starts, ends, as_of, want_channel, want_device, want_country,
                                              want_region, want_customer, want_coupon)
    ),

    -- the named orders' first-time orders: all of them or none with a customer filter; else the
    -- rollup's with customer=new, or one by one where no cut keeps it with the filters
    first_time as (
        select n.window_no, n.orders as first_time_orders from named n where want_customer = 'new'
        union all
        select f.window_no, f.orders
        from order_facet_window_sums(starts, ends, as_of, want_channel, want_device, want_country,
                                     want_region, 'new', want_coupon) as f
        where want_customer = '' and (new_cut <> 0 or rollups_kept_by_job())
        union all
        select c.window_no, c.first_time_orders
        from kpi_first_orders_checked(starts, ends, want_channel, want_device, want_country, want_region, want_coupon) as c
        where want_customer = '' and new_cut = 0 and not rollups_kept_by_job()
    ),

    -- sessions: only when every filter is one they have
    traffic as (
        select t.window_no, t.sessions, t.converted_sessions
        from funnel_traffic_window_sums(starts, ends, want_channel, want_device) as t
        where want_country = '' and want_region = '' and want_customer = '' and want_coupon = ''
    )

    select
        windows.window_no,
        coalesce(named.orders, 0)::bigint,
        coalesce(named.gross_sales, 0),
        coalesce(named.discounts, 0),
        coalesce(named.returns, 0),
        traffic.sessions,
        traffic.converted_sessions,
        coalesce(first_time.first_time_orders, 0)::bigint
    from windows
    left join named using (window_no)
    left join first_time using (window_no)
    left join traffic using (window_no);
end
$$;

-- The same per shop day of first_day..last_day (every day, zeros without orders): each day from
-- its start to its end, or to as_of on as_of's day; the orders' figures from order_facet_day_sums()
-- (the day rows, as daily_revenue reads them), the sessions per day window as above.
create or replace function kpi_filtered_days(first_day date, last_day date, as_of timestamptz,
                                             want_channel text, want_device text, want_country text,
                                             want_region text, want_customer text, want_coupon text)
returns table (day date, orders bigint, gross_sales numeric, discounts numeric, returns numeric,
               sessions bigint, converted_sessions bigint, first_time_orders bigint)
language plpgsql stable as $$
#variable_conflict use_column
declare
    new_cut smallint := order_facet_cut(want_channel, want_device, want_region, 'new', want_coupon);
    day_starts timestamptz[];
    day_ends timestamptz[];
begin
    if want_channel = '' and want_device = '' and want_country = '' and want_region = '' and want_customer = ''
       and want_coupon = '' then
        return;
    end if;
    select array_agg(d::timestamptz order by d),
           array_agg(least((d + interval '1 day')::timestamptz - interval '1 microsecond', as_of) order by d)
    into day_starts, day_ends
    from generate_series(first_day, last_day, interval '1 day') as d;
    return query
    with

    days as (
        select d.day::date as day, d.window_no::int as window_no
        from unnest(day_starts) with ordinality as d (day, window_no)
    ),

    named as (
        select * from order_facet_day_sums(first_day, last_day, as_of, want_channel, want_device, want_country,
                                           want_region, want_customer, want_coupon)
    ),

    first_time as (
        select n.day, n.orders as first_time_orders from named n where want_customer = 'new'
        union all
        select f.day, f.orders
        from order_facet_day_sums(first_day, last_day, as_of, want_channel, want_device, want_country,
                                  want_region, 'new', want_coupon) as f
        where want_customer = '' and (new_cut <> 0 or rollups_kept_by_job())
        union all
        select days.day, c.first_time_orders
        from kpi_first_orders_checked(day_starts, day_ends, want_channel, want_device, want_country, want_region,
                                      want_coupon) as c
        join days using (window_no)
        where want_customer = '' and new_cut = 0 and not rollups_kept_by_job()
    ),

    traffic as (
        select days.day, t.sessions, t.converted_sessions
        from funnel_traffic_window_sums(day_starts, day_ends, want_channel, want_device) as t
        join days using (window_no)
        where want_country = '' and want_region = '' and want_customer = '' and want_coupon = ''
    )

    select
        days.day,
        coalesce(named.orders, 0)::bigint,
        coalesce(named.gross_sales, 0),
        coalesce(named.discounts, 0),
        coalesce(named.returns, 0),
        traffic.sessions,
        traffic.converted_sessions,
        coalesce(first_time.first_time_orders, 0)::bigint
    from days
    left join named using (day)
    left join first_time using (day)
    left join traffic using (day);
end
$$;
