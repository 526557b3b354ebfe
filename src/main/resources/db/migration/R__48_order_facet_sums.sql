-- The order_facets rollup read for the filters (docs/filters.md): the sales model of the orders
-- the filters name, per shop day (daily_revenue, and the drill totals of its days and of
-- revenue_summary's periods, so a drill's total is the figure it was opened from) and per window
-- (revenue_summary). One reading each, which the reports call only when a filter is given.
--
-- A day is read from rollups.order_facet_days, in the cut that keeps every filtered dimension, when
-- no write has touched it since it was computed (neither marked nor dirty in the caller's
-- snapshot) and it is before as_of's day; otherwise from the raw rows (order_facet_events) up to
-- as_of, one day at a time through the indexes on the moments. A combination no cut keeps reads
-- every day raw, as does a Citus cluster (the rollup is not kept there). Filters are '' when not
-- given (want_channel ... want_coupon).
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

-- The days of first_day..last_day read from the raw rows rather than the rollup: those written
-- since they were computed (marked, or dirty), as_of's day (read up to as_of), and every day when
-- no cut answers (cut 0).
create or replace function order_facet_raw_days(first_day date, last_day date, as_of timestamptz, cut smallint)
returns setof date
language sql stable as $$
    select m.day from rollups.order_facet_marks m where m.day between first_day and last_day
    union
    select d.day from rollups.order_facet_dirty_days d where d.day between first_day and last_day
    union
    select shop_day(as_of) where shop_day(as_of) between first_day and last_day
    union
    select generate_series(first_day, last_day, interval '1 day')::date where cut = 0
$$;

-- Per shop day of first_day..last_day (days without sales or returns have no row).
create or replace function order_facet_day_sums(first_day date, last_day date, as_of timestamptz,
                                                want_channel text, want_device text, want_country text, want_region text,
                                                want_customer text, want_coupon text)
returns table (day date, orders numeric, gross_sales numeric, discounts numeric, shipping numeric, taxes numeric,
               returns numeric, returned_shipping numeric, returned_taxes numeric)
language plpgsql stable as $$
#variable_conflict use_column
begin
    if want_channel = '' and want_device = '' and want_country = '' and want_region = '' and want_customer = ''
       and want_coupon = '' then
        return; -- no filter: the reports' other path answers (a Citus coordinator may still call this)
    end if;
    return query
    with

    choice as (
        select order_facet_cut(want_channel, want_device, want_region, want_customer, want_coupon) as cut
    ),

    raw_days as (
        select raw.day
        from choice, order_facet_raw_days(first_day, last_day, as_of, choice.cut) as raw (day)
    ),

    rollup_days as (
        select f.day, sum(f.orders) as orders, sum(f.gross_sales) as gross_sales, sum(f.discounts) as discounts,
               sum(f.shipping) as shipping, sum(f.taxes) as taxes, sum(f.returns) as returns,
               sum(f.returned_shipping) as returned_shipping, sum(f.returned_taxes) as returned_taxes
        from rollups.order_facet_days f, choice
        where f.cut = choice.cut
          and f.day between first_day and least(last_day, shop_day(as_of))
          and f.day not in (select raw_days.day from raw_days)
          and (want_channel = '' or f.channel = want_channel)
          and (want_device = '' or f.device = want_device)
          and (want_country = '' or f.country = want_country)
          and (want_region = '' or f.region = want_region)
          and (want_customer = '' or f.customer = want_customer)
          and (want_coupon = '' or f.coupon = want_coupon)
        group by f.day
    ),

    raw_rows as (
        select raw_days.day, sum(e.orders) as orders, sum(e.gross_sales) as gross_sales,
               sum(e.discounts) as discounts, sum(e.shipping) as shipping, sum(e.taxes) as taxes,
               sum(e.returns) as returns, sum(e.returned_shipping) as returned_shipping,
               sum(e.returned_taxes) as returned_taxes
        from raw_days
        -- one day at a time, through the indexes on the orders' and returns' moments (joined by the
        -- moment alone, the planner valued every order of the shop first)
        cross join lateral (
            select *
            from order_facet_events e
            where e.at >= raw_days.day::timestamptz and e.at < (raw_days.day + 1)::timestamptz
              and e.at <= as_of
              and (want_channel = '' or e.channel = want_channel)
              and (want_device = '' or e.device = want_device)
              and (want_country = '' or e.country = want_country)
              and (want_region = '' or e.region = want_region)
              and (want_customer = '' or e.customer = want_customer)
              and (want_coupon = '' or e.coupon = want_coupon)
            offset 0
        ) as e
        where raw_days.day <= shop_day(as_of)
        group by raw_days.day
    )

    select * from rollup_days
    union all
    select * from raw_rows;
end
$$;

-- Per window [starts[i], ends[i]] (both ends included; each starts at a shop day's midnight and
-- ends at or before as_of), numbered i: orders placed in it, their sales, and the returns made in
-- it of the orders the filters name; shipping and taxes net of those returned. Whole days from the
-- rollup; a window's last day, when read from the rollup, from its whole hours
-- (rollups.order_facet_hours) and the raw rows of its last hour.
create or replace function order_facet_window_sums(starts timestamptz[], ends timestamptz[], as_of timestamptz,
                                                   want_channel text, want_device text, want_country text, want_region text,
                                                   want_customer text, want_coupon text)
returns table (window_no int, orders numeric, gross_sales numeric, discounts numeric, returns numeric,
               shipping numeric, taxes numeric)
language plpgsql stable as $$
#variable_conflict use_column
begin
    if want_channel = '' and want_device = '' and want_country = '' and want_region = '' and want_customer = ''
       and want_coupon = '' then
        return; -- no filter: the reports' other path answers (a Citus coordinator may still call this)
    end if;
    return query
    with

    -- the windows asked for, numbered
    windows as (
        select w.window_no::int as window_no, w.starts_at, w.ends_at
        from unnest(starts, ends) with ordinality as w (starts_at, ends_at, window_no)
    ),

    choice as (
        select order_facet_cut(want_channel, want_device, want_region, want_customer, want_coupon) as cut
    ),

    span as (
        select shop_day(min(starts_at)) as first_day, shop_day(as_of) as last_day
        from windows
    ),

    raw_days as (
        select raw.day
        from span, choice, order_facet_raw_days(span.first_day, span.last_day, as_of, choice.cut) as raw (day)
    ),

    -- the window ends on a day read from the rollup: their whole hours from its hour rows, then the
    -- raw rows of their last hour up to the end (a week, a month and a year before as_of)
    clean_ends as (
        select distinct ends_at, shop_day(ends_at) as end_day, shop_hour(ends_at) as end_hour
        from windows
        where shop_day(ends_at) not in (select day from raw_days)
    ),

    end_hours as (
        select clean_ends.ends_at, hours.*
        from clean_ends
        -- each end's hours through the key (cut, hour): joined by the hour alone, the planner hashed
        -- every hour row of the cut
        cross join lateral (
            select sum(h.orders) as orders, sum(h.gross_sales) as gross_sales,
                   sum(h.discounts) as discounts, sum(h.shipping) as shipping, sum(h.taxes) as taxes,
                   sum(h.returns) as returns, sum(h.returned_shipping) as returned_shipping,
                   sum(h.returned_taxes) as returned_taxes
            from rollups.order_facet_hours h
            where h.cut = (select cut from choice)
              and h.hour >= clean_ends.end_day::timestamptz and h.hour < clean_ends.end_hour
              and (want_channel = '' or h.channel = want_channel)
              and (want_device = '' or h.device = want_device)
              and (want_country = '' or h.country = want_country)
              and (want_region = '' or h.region = want_region)
              and (want_customer = '' or h.customer = want_customer)
              and (want_coupon = '' or h.coupon = want_coupon)
        ) as hours
    ),

    end_hour_events as (
        select clean_ends.ends_at, sum(e.orders) as orders, sum(e.gross_sales) as gross_sales,
               sum(e.discounts) as discounts, sum(e.shipping) as shipping, sum(e.taxes) as taxes,
               sum(e.returns) as returns, sum(e.returned_shipping) as returned_shipping,
               sum(e.returned_taxes) as returned_taxes
        from clean_ends
        cross join lateral (
            select *
            from order_facet_events e
            where e.at >= clean_ends.end_hour and e.at <= clean_ends.ends_at
              and (want_channel = '' or e.channel = want_channel)
              and (want_device = '' or e.device = want_device)
              and (want_country = '' or e.country = want_country)
              and (want_region = '' or e.region = want_region)
              and (want_customer = '' or e.customer = want_customer)
              and (want_coupon = '' or e.coupon = want_coupon)
            offset 0
        ) as e
        group by clean_ends.ends_at
    ),

    -- the other days from the rollup, summed per day over the filtered combinations (once: every
    -- window sums its days)
    rollup_days as materialized (
        select f.day, sum(f.orders) as orders, sum(f.gross_sales) as gross_sales, sum(f.discounts) as discounts,
               sum(f.shipping) as shipping, sum(f.taxes) as taxes, sum(f.returns) as returns,
               sum(f.returned_shipping) as returned_shipping, sum(f.returned_taxes) as returned_taxes
        from rollups.order_facet_days f, choice, span
        where f.cut = choice.cut
          and f.day between span.first_day and span.last_day
          and f.day not in (select day from raw_days)
          and (want_channel = '' or f.channel = want_channel)
          and (want_device = '' or f.device = want_device)
          and (want_country = '' or f.country = want_country)
          and (want_region = '' or f.region = want_region)
          and (want_customer = '' or f.customer = want_customer)
          and (want_coupon = '' or f.coupon = want_coupon)
        group by f.day
    ),

    -- the raw days' events up to as_of, each with its moment (once: every window sums its part)
    raw_events as materialized (
        select e.*
        from raw_days
        -- one day at a time, through the indexes on the orders' and returns' moments (joined by the
        -- moment alone, the planner valued every order of the shop first)
        cross join lateral (
            select *
            from order_facet_events e
            where e.at >= raw_days.day::timestamptz and e.at < (raw_days.day + 1)::timestamptz
              and e.at <= as_of
              and (want_channel = '' or e.channel = want_channel)
              and (want_device = '' or e.device = want_device)
              and (want_country = '' or e.country = want_country)
              and (want_region = '' or e.region = want_region)
              and (want_customer = '' or e.customer = want_customer)
              and (want_coupon = '' or e.coupon = want_coupon)
            offset 0
        ) as e
    ),

    measures as (
        select
            windows.window_no,
            parts.orders,
            parts.gross_sales,
            parts.discounts,
            parts.returns,
            parts.shipping - parts.returned_shipping                                            as shipping,
            parts.taxes - parts.returned_taxes                                                  as taxes
        from windows
        left join end_hours using (ends_at)
        left join end_hour_events using (ends_at)
        cross join lateral (
            select sum(orders) as orders, sum(gross_sales) as gross_sales, sum(discounts) as discounts,
                   sum(shipping) as shipping, sum(taxes) as taxes, sum(returns) as returns,
                   sum(returned_shipping) as returned_shipping, sum(returned_taxes) as returned_taxes
            from rollup_days
            where rollup_days.day >= shop_day(windows.starts_at) and rollup_days.day < shop_day(windows.ends_at)
        ) as whole_days
        cross join lateral (
            select sum(orders) as orders, sum(gross_sales) as gross_sales, sum(discounts) as discounts,
                   sum(shipping) as shipping, sum(taxes) as taxes, sum(returns) as returns,
                   sum(returned_shipping) as returned_shipping, sum(returned_taxes) as returned_taxes
            from raw_events
            where raw_events.at between windows.starts_at and windows.ends_at
        ) as raw
        -- whole days, raw days, and the whole hours and last hour of a last day read from the rollup
        cross join lateral (
            select
                coalesce(whole_days.orders, 0) + coalesce(raw.orders, 0) + coalesce(end_hours.orders, 0)
                    + coalesce(end_hour_events.orders, 0) as orders,
                coalesce(whole_days.gross_sales, 0) + coalesce(raw.gross_sales, 0) + coalesce(end_hours.gross_sales, 0)
                    + coalesce(end_hour_events.gross_sales, 0) as gross_sales,
                coalesce(whole_days.discounts, 0) + coalesce(raw.discounts, 0) + coalesce(end_hours.discounts, 0)
                    + coalesce(end_hour_events.discounts, 0) as discounts,
                coalesce(whole_days.returns, 0) + coalesce(raw.returns, 0) + coalesce(end_hours.returns, 0)
                    + coalesce(end_hour_events.returns, 0) as returns,
                coalesce(whole_days.shipping, 0) + coalesce(raw.shipping, 0) + coalesce(end_hours.shipping, 0)
                    + coalesce(end_hour_events.shipping, 0) as shipping,
                coalesce(whole_days.returned_shipping, 0) + coalesce(raw.returned_shipping, 0)
                    + coalesce(end_hours.returned_shipping, 0) + coalesce(end_hour_events.returned_shipping, 0)
                    as returned_shipping,
                coalesce(whole_days.taxes, 0) + coalesce(raw.taxes, 0) + coalesce(end_hours.taxes, 0)
                    + coalesce(end_hour_events.taxes, 0) as taxes,
                coalesce(whole_days.returned_taxes, 0) + coalesce(raw.returned_taxes, 0)
                    + coalesce(end_hours.returned_taxes, 0) + coalesce(end_hour_events.returned_taxes, 0)
                    as returned_taxes
        ) as parts
    )

    select * from measures;
end
$$;
