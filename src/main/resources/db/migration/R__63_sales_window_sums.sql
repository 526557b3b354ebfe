-- The sales model of every order over a set of windows, from the order_days rollups
-- (R__31_rollup_order_days.sql): revenue_summary's path without filters, each of its periods and
-- their like-for-like windows in one call (the filtered path calls order_facet_window_sums(),
-- R__48_order_facet_sums.sql, the same way).
--
-- A window [starts_at, ends_at] (both included, starting at a shop day's start) is its whole days
-- from the day rollups, the whole hours of its last day from the hour rollups, and its last hour up
-- to its end from that hour's rollup less the raw rows after the end, or the raw rows up to it,
-- whichever are fewer (hours_sales_to(), hours_returns_to(), R__49_rollup_hour_to_moment.sql:
-- none for "now", at most half an hour's rows for a moment in the past; on a Citus cluster the raw
-- rows of every end in one read). The ends are shared: the hours of each distinct end are read once. Shipping and taxes are net of those returned, as
-- order_facet_window_sums() gives them. Days and hours are cut in the session's time zone (the
-- shop's: the report runner and psql set it).
--
-- Why a function: as a part of the report this was most of its cost, and all of it planning. The
-- report runner plans every report afresh (plan_cache_mode=force_custom_plan: a report's plan
-- depends on its moment), which here planned a query of some twenty joins, views and unions, and
-- every statement of the eight hour functions' calls again, for a few hundred index entries read:
-- at scale 1 about 4.3 of 5.5 ms of the backend's CPU per run. Here its statements are planned
-- once per connection, generic (force_generic_plan), which is safe: every read is an index range
-- bounded on both sides (days, hours, and the raw rows of at most an hour), whatever the moment.
create or replace function sales_window_sums(window_starts timestamptz[], window_ends timestamptz[])
returns table (window_no bigint, orders bigint, gross_sales numeric, discounts numeric, returns numeric,
               shipping numeric, taxes numeric)
-- (plpgsql: a SQL function's body is checked when it is created, and would be inlined into the
-- report and planned with it)
language plpgsql stable
set plan_cache_mode = force_generic_plan as $$
#variable_conflict use_column
begin
    return query
    with

    windows as (
        select w.window_no, w.starts_at, w.ends_at
        from unnest(window_starts, window_ends) with ordinality as w (starts_at, ends_at, window_no)
    ),

    ends as (
        select
            e.ends_at,
            e.ends_at::date                   as end_day,
            date_trunc('day', e.ends_at)      as end_day_start,
            date_trunc('hour', e.ends_at)     as end_hour
        from (select distinct windows.ends_at from windows) as e
    ),

    -- each end's own hour up to it, every end's at once
    end_hour_placed as materialized (
        select * from hours_sales_to(array(select ends.end_hour from ends), array(select ends.ends_at from ends))
    ),

    end_hour_returned as materialized (
        select * from hours_returns_to(array(select ends.end_hour from ends), array(select ends.ends_at from ends))
    ),

    -- the part of each end's day before it: its whole hours, then its own hour up to it
    end_placed as (
        select ends.ends_at, hours.orders, hours.gross_sales, hours.discounts, hours.shipping, hours.taxes
        from ends
        cross join lateral (
            select sum(h.orders) as orders, sum(h.gross_sales) as gross_sales, sum(h.discounts) as discounts,
                   sum(h.shipping) as shipping, sum(h.taxes) as taxes
            from (select s.orders, s.gross_sales, s.discounts, s.shipping, s.taxes
                  from rollups.sales_hours s
                  where s.hour >= ends.end_day_start and s.hour < ends.end_hour
                  union all
                  select t.orders, t.gross_sales, t.discounts, t.shipping, t.taxes
                  from end_hour_placed t
                  where t.to_moment = ends.ends_at) as h
        ) as hours
    ),

    end_returned as (
        select ends.ends_at, hours.returns, hours.shipping, hours.taxes
        from ends
        cross join lateral (
            select sum(h.returns) as returns, sum(h.shipping) as shipping, sum(h.taxes) as taxes
            from (select r.returns, r.shipping, r.taxes
                  from rollups.return_hours r
                  where r.hour >= ends.end_day_start and r.hour < ends.end_hour
                  union all
                  select t.returns, t.shipping, t.taxes
                  from end_hour_returned t
                  where t.to_moment = ends.ends_at) as h
        ) as hours
    ),

    -- each window's whole days before its end's day, summed straight from the day rollups (folded,
    -- and pending hours by their day)
    placed as (
        select windows.window_no,
               end_placed.orders + coalesce(days.orders, 0)            as orders,
               end_placed.gross_sales + coalesce(days.gross_sales, 0)  as gross_sales,
               end_placed.discounts + coalesce(days.discounts, 0)      as discounts,
               end_placed.shipping + coalesce(days.shipping, 0)        as shipping,
               end_placed.taxes + coalesce(days.taxes, 0)              as taxes
        from windows
        join ends using (ends_at)
        join end_placed using (ends_at)
        cross join lateral (
            select sum(d.orders) as orders, sum(d.gross_sales) as gross_sales, sum(d.discounts) as discounts,
                   sum(d.shipping) as shipping, sum(d.taxes) as taxes
            from rollups.sales_days d
            where d.day >= windows.starts_at::date and d.day < ends.end_day
        ) as days
    ),

    returned as (
        select windows.window_no,
               end_returned.returns + coalesce(days.returns, 0)    as returns,
               end_returned.shipping + coalesce(days.shipping, 0)  as shipping,
               end_returned.taxes + coalesce(days.taxes, 0)        as taxes
        from windows
        join ends using (ends_at)
        join end_returned using (ends_at)
        cross join lateral (
            select sum(d.returns) as returns, sum(d.shipping) as shipping, sum(d.taxes) as taxes
            from rollups.return_days d
            where d.day >= windows.starts_at::date and d.day < ends.end_day
        ) as days
    )

    select placed.window_no,
           placed.orders::bigint,
           placed.gross_sales::numeric,
           placed.discounts::numeric,
           returned.returns::numeric,
           (placed.shipping - returned.shipping)::numeric,
           (placed.taxes - returned.taxes)::numeric
    from placed
    join returned using (window_no)
    order by placed.window_no;
end
$$;
