-- The dashboard tiles' measures of one window, from the rollups: kpi_tiles (a period and its
-- like-for-like window) and kpi_days (each recent day) call it once per window, so the two
-- reports cannot disagree on a definition (docs/reports.md#the-tiles).
--
-- A window runs from starts_at, the start of a shop day, to ends_at, both included. Its whole days
-- come from the day rollups, the whole hours of ends_at's day from the hour rollups, and ends_at's
-- own hour up to ends_at from its hour rollup less the raw rows after ends_at (hour_sales_to(),
-- hour_returns_to(), funnel_hour_to(): none for "now"; for a moment in the past the fewer of the
-- hour's rows before and after it): exact at any moment, and a few dozen rollup rows plus at most
-- half an hour of orders and sessions whatever the window's length.
-- The full-scan definitions are reports/reference/kpi_tiles.sql and kpi_days.sql.
--   orders, gross_sales, discounts, returns: the sales model (R__22_sales_model.sql, rollups of
--       R__31_rollup_order_days.sql), as revenue_summary reads them
--   sessions, converted_sessions: sessions whose first page view is in the window, and those of
--       them that reached the funnel's order stage by ends_at (every stage before it first), as
--       conversion_funnel counts its first and last stages (rollups.funnel_days by the hour the
--       stage was reached; ends_at's hour up to ends_at as its sales, funnel_hour_to())
--   first_time_orders: orders placed in the window that were their customer's first order
--       (rollups.customer_first_orders, R__27_rollup_first_orders.sql)

-- The sessions first seen from hour_start, a shop hour's start, to to_moment in it (stage 1), and
-- those that reached the order stage then (stage 5: every stage reached, the last of them then),
-- of the sessions first seen at or after since, the start of a shop day: from the hour's row of
-- rollups.funnel_days less the sessions that reached the stage after to_moment, where those are
-- the fewer (in the hour's second half, and whenever none came after: the dashboard's "now"),
-- else counted one by one from the hour's start. Counting the hour's sessions one by one cost what
-- the hour holds, and more while writers keep changing them (an index-only scan reads the table
-- for rows changed since the last vacuum): at scale 10 under 500 events a second, 218,000
-- sessions and 190 ms of kpi_days' 240. On a Citus cluster both tables are the job's, applied
-- together.
create or replace function funnel_hour_to(hour_start timestamptz, to_moment timestamptz, since timestamptz,
                                          out sessions bigint, out converted bigint)
language plpgsql stable
set plan_cache_mode = force_generic_plan as $$
declare
    hour_end timestamptz := hour_start + interval '1 hour';
begin
    if to_moment < hour_start then
        sessions := 0;
        converted := 0;
    elsif to_moment >= hour_start + interval '30 minutes'
          or (not exists (select 1 from rollups.funnel_sessions s
                          where shop_hour(s.first_seen_at) = hour_start and s.first_seen_at > to_moment)
              and not exists (select 1 from rollups.funnel_sessions s
                              where s.last_reached_at > to_moment and s.last_reached_at < hour_end)) then
        select coalesce(sum(f.sessions) filter (where f.stage = 1), 0)::bigint,
               coalesce(sum(f.sessions) filter (where f.stage = 5), 0)::bigint
        into sessions, converted
        from rollups.funnel_days f
        where f.reach_day = shop_day(hour_start) and f.reach_hour = hour_start and f.stage in (1, 5)
          and f.first_day >= shop_day(since);
        sessions := sessions - (
            select count(*) from rollups.funnel_sessions s
            where shop_hour(s.first_seen_at) = hour_start and s.first_seen_at > to_moment and s.first_seen_at >= since);
        converted := converted - (
            select count(*) from rollups.funnel_sessions s
            where s.last_reached_at > to_moment and s.last_reached_at < hour_end and s.first_seen_at >= since
              and s.product_view_at is not null and s.add_at is not null and s.checkout_at is not null
              and s.order_at is not null);
    else
        -- stage 1 when the session was first seen (idx_rollup_funnel_sessions_first_seen), stage 5
        -- when its last_reached_at is (idx_rollup_funnel_sessions_last_reached holds the times:
        -- an index-only scan)
        sessions := (
            select count(*) from rollups.funnel_sessions s
            where shop_hour(s.first_seen_at) = hour_start and s.first_seen_at <= to_moment
              and s.first_seen_at >= since);
        converted := (
            select count(*) from rollups.funnel_sessions s
            where s.last_reached_at between hour_start and to_moment and s.first_seen_at >= since
              and s.product_view_at is not null and s.add_at is not null and s.checkout_at is not null
              and s.order_at is not null);
    end if;
end
$$;

create or replace function kpi_window(starts_at timestamptz, ends_at timestamptz)
returns table (orders bigint, gross_sales numeric, discounts numeric, returns numeric,
               sessions bigint, converted_sessions bigint, first_time_orders bigint)
-- (plpgsql: a SQL function's body is checked when it is created, and the rollups' views it reads
-- are created by later files.) Planned generic, once per connection: the report runner plans every
-- report afresh (force_custom_plan), which made each call plan this query and the hour functions'
-- statements again, most of kpi_days' cost (its 14 calls: 28 of 29 ms of backend CPU per run at
-- scale 1, against 9 ms with generic plans). Every read here is a range bounded on both sides
-- (days, hours, an hour's sessions), so a generic plan is the custom one for any moment. On a
-- Citus cluster too: the last hour's raw rows, which Citus plans only with their moments written
-- in, are read by hours_sales_to() and hours_returns_to(), planned at each call.
language plpgsql stable
set plan_cache_mode = force_generic_plan as $$
#variable_conflict use_column
begin
    return query
    with

    -- end_hour: the first hour not wholly in the window (for a window to the last microsecond of
    -- a day, the next day's first: then the rollups hold the whole window and no raw row is read)
    bounds as (
        select
            shop_day(starts_at)                                       as first_day,
            shop_day(shop_hour(ends_at + interval '1 microsecond'))   as end_day,
            shop_hour(ends_at + interval '1 microsecond')             as end_hour
    ),

    placed as (
        select coalesce(sum(parts.orders), 0)::bigint as orders, coalesce(sum(parts.gross_sales), 0) as gross_sales,
               coalesce(sum(parts.discounts), 0) as discounts
        from (
            select d.orders, d.gross_sales, d.discounts
            from rollups.sales_days d, bounds
            where d.day >= bounds.first_day and d.day < bounds.end_day
            union all
            -- ends_at's day has 23 to 25 hours: the hours of the last 26 that fall on it
            select h.orders, h.gross_sales, h.discounts
            from rollups.sales_hours h, bounds
            where h.hour > bounds.end_hour - interval '26 hours' and h.hour < bounds.end_hour
              and shop_day(h.hour) = bounds.end_day
            union all
            select last_hour.orders, last_hour.gross_sales, last_hour.discounts
            from bounds, hour_sales_to(bounds.end_hour, ends_at) as last_hour
        ) as parts
    ),

    returned as (
        select coalesce(sum(parts.returns), 0) as returns
        from (
            select d.returns
            from rollups.return_days d, bounds
            where d.day >= bounds.first_day and d.day < bounds.end_day
            union all
            select h.returns
            from rollups.return_hours h, bounds
            where h.hour > bounds.end_hour - interval '26 hours' and h.hour < bounds.end_hour
              and shop_day(h.hour) = bounds.end_day
            union all
            select last_hour.returns
            from bounds, hour_returns_to(bounds.end_hour, ends_at) as last_hour
        ) as parts
    ),

    -- stages 1 (a session) and 5 (an order) reached in a whole hour before ends_at's
    funnel_hours as (
        select
            coalesce(sum(f.sessions) filter (where f.stage = 1), 0)::bigint as sessions,
            coalesce(sum(f.sessions) filter (where f.stage = 5), 0)::bigint as converted
        from rollups.funnel_days f, bounds
        where f.first_day >= bounds.first_day
          and f.first_day <= bounds.end_day
          and f.stage in (1, 5)
          and f.reach_hour < bounds.end_hour
    ),

    -- stages 1 and 5 reached in ends_at's hour, up to ends_at (funnel_hour_to())
    funnel_last_hour as (
        select last_hour.sessions, last_hour.converted
        from bounds, funnel_hour_to(bounds.end_hour, ends_at, starts_at) as last_hour
    ),

    first_orders as (
        select count(*)::bigint as first_time_orders
        from rollups.customer_first_orders f
        where f.first_order_at between starts_at and ends_at
    )

    select placed.orders, placed.gross_sales, placed.discounts, returned.returns,
           funnel_hours.sessions + funnel_last_hour.sessions,
           funnel_hours.converted + funnel_last_hour.converted,
           first_orders.first_time_orders
    from placed, returned, funnel_hours, funnel_last_hour, first_orders;
end
$$;
