-- The KPI tiles' measures of the orders and sessions the filters name (docs/filters.md): what
-- kpi_window() (R__28_kpi_windows.sql) measures for every order and session, for kpi_tiles (a
-- period and its like-for-like window) and kpi_days (each recent day) with filters. Each report
-- calls these only when a filter is given; without one they return nothing at once (the reports'
-- other path answers, and a Citus coordinator runs the path not taken too).
--
-- From the order_facets rollup (R__48_order_facet_sums.sql), in one reading: orders, gross sales,
-- discounts and the returns of the orders named, as revenue_summary and daily_revenue read them
-- with the same filters, and the first-time orders, those of them whose customer kind is 'new'
-- (the rollup's new_orders, kept in every cut: a region with a channel or a device too).
--
-- From the funnel_traffic rollup (R__52_rollup_funnel_traffic.sql): sessions first seen in the
-- window with the channel and device named, and those of them that reached the order stage by the
-- window's end (conversion_funnel's first and last stages): the rollup's hours no write has touched
-- since they were computed, and the sessions of the other hours and of the window's last partial
-- hour from rollups.funnel_sessions by its indexes on the first and last times, as kpi_window()
-- reads it, with the landing kept on each session (both indexes hold it: no page view is read). Sessions have no country, region, customer kind or coupon: with any of
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
        where (want_channel = '' or s.landing_channel = want_channel)
          and (want_device = '' or s.landing_device = want_device)
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
                 where shop_hour(s.first_seen_at) = windows.end_hour
                   and s.first_seen_at between windows.end_hour and windows.ends_at
                   and s.first_seen_at >= windows.starts_at
                   and (want_channel = '' or s.landing_channel = want_channel)
                   and (want_device = '' or s.landing_device = want_device)) as sessions,
                (select count(*)
                 from rollups.funnel_sessions s
                 where s.last_reached_at between windows.end_hour and windows.ends_at
                   and s.first_seen_at >= windows.starts_at
                   and s.product_view_at is not null and s.add_at is not null and s.checkout_at is not null
                   and s.order_at is not null
                   and (want_channel = '' or s.landing_channel = want_channel)
                   and (want_device = '' or s.landing_device = want_device)) as converted
        ) as last_hour
    )

    select measured.window_no, measured.sessions::bigint, measured.converted::bigint from measured;
end
$$;

drop function if exists kpi_first_orders_checked(timestamptz[], timestamptz[], text, text, text, text, text);

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

    -- the named orders and, among them, the first-time orders (none with customer=returning)
    named as (
        select * from order_facet_window_sums(starts, ends, as_of, want_channel, want_device, want_country,
                                              want_region, want_customer, want_coupon)
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
        coalesce(named.new_orders, 0)::bigint
    from windows
    left join named using (window_no)
    left join traffic using (window_no);
end
$$;

-- The same per shop day of first_day..last_day (every day, zeros without orders): each day a
-- window from its start to its end, or to as_of on as_of's day. The orders' figures are
-- daily_revenue's with the same filters: both sum the same pieces of the rollup
-- (order_facet_pieces()), whole days where a window ends on the next midnight.
create or replace function kpi_filtered_days(first_day date, last_day date, as_of timestamptz,
                                             want_channel text, want_device text, want_country text,
                                             want_region text, want_customer text, want_coupon text)
returns table (day date, orders bigint, gross_sales numeric, discounts numeric, returns numeric,
               sessions bigint, converted_sessions bigint, first_time_orders bigint)
language plpgsql stable as $$
#variable_conflict use_column
declare
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
    select shop_day(day_starts[k.window_no]), k.orders, k.gross_sales, k.discounts, k.returns, k.sessions,
           k.converted_sessions, k.first_time_orders
    from kpi_filtered_windows(day_starts, day_ends, as_of, want_channel, want_device, want_country, want_region,
                              want_customer, want_coupon) as k;
end
$$;
