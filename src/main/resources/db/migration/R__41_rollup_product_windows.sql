-- The product_windows family: the product_sales family's days summed whole over the default
-- windows (rollups.product_windows: 7, 30 and 90 shop days ending with the current shop day, and
-- the 30 ending the day before and two days before: shop_vitals' window as of a moment of today
-- and of yesterday), per product, in rollups.product_windows_folded. top_products,
-- category_sales, the category_products drill and shop_vitals read a default window as one row per
-- product plus the window's pending days; any other window, or a default one before the fold has
-- rolled it to a new day, from the spans and days (product_window_rows(), R__32).
--
-- Exact by construction, in the fold's transaction:
--   * a window's rows are the sum of the folded product days in first_day..last_day;
--   * the product_sales fold moves pending days into the folded ones by deleting them from
--     rollups.product_days_pending: a trigger on that delete adds the moved rows of each window's
--     days to its rows (the same statement, so the same rows);
--   * anything else that rewrites the folded days (a rebuild, a truncate of the order lines)
--     deletes from rollups.product_days_folded: a trigger on that marks every window not built
--     (first_day null), and the reports read the spans until a fold or a rebuild builds them again;
--   * the fold rolls a window when the shop day has turned (roll_product_windows()): its rows
--     rebuilt from the folded spans and days of its new days (about what one report read costs).
-- A reader sees the windows and the folded days of one snapshot, so either the old window and
-- the old days or the new ones. The triggers are named outside the rollup triggers' pattern so a
-- bulk load's suspension leaves them on (it empties and rebuilds these tables as every rollup).

-- ============================================================
-- ROLL, BUILD
-- ============================================================
-- The shop day the windows end on: the current one, or the day rollups.product_windows_pinned_day
-- holds (tests pin it on a day of their made-up history).
create or replace function product_windows_day() returns date
language sql stable as $$
    select coalesce((select max(day) from rollups.product_windows_pinned_day), shop_day(now()))
$$;

-- Builds every window that does not end where it should on the shop day today (days_before days
-- before it), from the folded product days (not the pending ones): a window one day behind moves
-- by one day (its first day's rows out, its new last day's in, products left at zero dropped);
-- any other from the spans and days of its days. The fold calls it with the current shop day; a
-- test may anchor the windows on another day.
create or replace function roll_product_windows(today date) returns void
language plpgsql as $$
declare
    kept record;
begin
    for kept in
        select window_id, today - days_before - window_days + 1 as first_day, today - days_before as last_day,
               first_day as old_first_day, last_day as old_last_day
        from rollups.product_windows
        where last_day is distinct from today - days_before or first_day is null
        order by window_id
        for update
    loop
        if kept.old_last_day = kept.last_day - 1 and kept.old_first_day = kept.first_day - 1 then
            insert into rollups.product_windows_folded as rollup (window_id, product_id, units, orders, gross_sales,
                                                                 discounts, returned_units, returns)
            select kept.window_id, days.product_id, sum(days.sign * days.units), sum(days.sign * days.orders),
                   sum(days.sign * days.gross_sales), sum(days.sign * days.discounts),
                   sum(days.sign * days.returned_units), sum(days.sign * days.returns)
            from (
                select case when day = kept.last_day then 1 else -1 end as sign, folded.*
                from rollups.product_days_folded as folded
                where folded.day in (kept.old_first_day, kept.last_day)
            ) as days
            group by days.product_id
            order by days.product_id
            on conflict (window_id, product_id) do update
                set units = rollup.units + excluded.units,
                    orders = rollup.orders + excluded.orders,
                    gross_sales = rollup.gross_sales + excluded.gross_sales,
                    discounts = rollup.discounts + excluded.discounts,
                    returned_units = rollup.returned_units + excluded.returned_units,
                    returns = rollup.returns + excluded.returns;
            delete from rollups.product_windows_folded as rollup
            where rollup.window_id = kept.window_id
              and rollup.units = 0 and rollup.orders = 0 and rollup.gross_sales = 0 and rollup.discounts = 0
              and rollup.returned_units = 0 and rollup.returns = 0
              and rollup.product_id in (select folded.product_id from rollups.product_days_folded as folded
                                        where folded.day = kept.old_first_day);
        else
            delete from rollups.product_windows_folded where window_id = kept.window_id;
            insert into rollups.product_windows_folded (window_id, product_id, units, orders, gross_sales, discounts,
                                                       returned_units, returns)
            select kept.window_id, rows.product_id, sum(rows.units), sum(rows.orders), sum(rows.gross_sales),
                   sum(rows.discounts), sum(rows.returned_units), sum(rows.returns)
            from (
                select days.product_id, days.units, days.orders, days.gross_sales, days.discounts, days.returned_units,
                       days.returns
                from day_spans(kept.first_day, kept.last_day) as spans
                join rollups.product_days_folded as days on days.day = spans.span_start
                where spans.span_days = 1
                union all
                select longer.product_id, longer.units, longer.orders, longer.gross_sales, longer.discounts,
                       longer.returned_units, longer.returns
                from day_spans(kept.first_day, kept.last_day) as spans
                join rollups.product_spans_folded as longer
                  on longer.span_days = spans.span_days and longer.span_start = spans.span_start
                where spans.span_days > 1
            ) as rows
            group by rows.product_id
            order by rows.product_id;
        end if;
        update rollups.product_windows
        set first_day = kept.first_day, last_day = kept.last_day
        where window_id = kept.window_id;
    end loop;
end
$$;

-- Called by fold_rollups() (after fold_product_sales_rollups(), by name): rolls the windows when the
-- shop day has turned; otherwise one look at four rows.
create or replace function fold_product_windows_rollups() returns void
language plpgsql as $$
begin
    perform roll_product_windows(product_windows_day());
end
$$;

-- Called by rebuild_rollups() (after rebuild_product_sales_rollups(), by name, which has locked the
-- sales tables): every window built again from the rebuilt days.
create or replace function rebuild_product_windows_rollups() returns void
language plpgsql as $$
begin
    update rollups.product_windows set first_day = null, last_day = null;
    perform roll_product_windows(product_windows_day());
end
$$;

-- A whole shop's rebuild in parts (R__51_rollup_rebuild_parts.sql): the windows are sums of the
-- product days, so they are rebuilt in the days' part, after them, in its transaction; beside
-- them, in another part's transaction, they would read the days before their rebuild commits.
create or replace function rebuild_product_days_and_windows() returns void
language plpgsql as $$
begin
    perform rebuild_product_days();
    perform rebuild_product_windows_rollups();
end
$$;

-- ============================================================
-- FOLD: the moved pending days
-- ============================================================
create or replace function product_days_pending_windows_moved() returns trigger
language plpgsql as $$
begin
    insert into rollups.product_windows_folded as kept (window_id, product_id, units, orders, gross_sales, discounts,
                                                       returned_units, returns)
    select windows.window_id, moved.product_id, sum(moved.units), sum(moved.orders), sum(moved.gross_sales),
           sum(moved.discounts), sum(moved.returned_units), sum(moved.returns)
    from moved_rows as moved
    join rollups.product_windows as windows on moved.day between windows.first_day and windows.last_day
    group by windows.window_id, moved.product_id
    order by windows.window_id, moved.product_id
    on conflict (window_id, product_id) do update
        set units = kept.units + excluded.units,
            orders = kept.orders + excluded.orders,
            gross_sales = kept.gross_sales + excluded.gross_sales,
            discounts = kept.discounts + excluded.discounts,
            returned_units = kept.returned_units + excluded.returned_units,
            returns = kept.returns + excluded.returns;
    return null;
end
$$;

create or replace trigger product_days_pending_windows_moved after delete on rollups.product_days_pending
    referencing old table as moved_rows
    for each statement execute function product_days_pending_windows_moved();

-- The folded days rewritten other than by the fold: no window holds until built again.
create or replace function product_days_folded_windows_unbuilt() returns trigger
language plpgsql as $$
begin
    update rollups.product_windows set first_day = null, last_day = null where first_day is not null;
    return null;
end
$$;

create or replace trigger product_days_folded_windows_unbuilt_delete after delete on rollups.product_days_folded
    for each statement execute function product_days_folded_windows_unbuilt();

create or replace trigger product_days_folded_windows_unbuilt_truncate after truncate on rollups.product_days_folded
    for each statement execute function product_days_folded_windows_unbuilt();

-- ============================================================
-- READ
-- ============================================================
-- The kept window that is exactly first_day..last_day, if one is built (null otherwise).
create or replace function product_window_kept(first_day date, last_day date) returns smallint
language sql stable as $$
    select window_id from rollups.product_windows
    where product_windows.first_day = product_window_kept.first_day
      and product_windows.last_day = product_window_kept.last_day
    order by window_id
    limit 1
$$;

-- The rollup rows whose sum per product is its sales over the shop days first_day..last_day, as
-- product_window_rows() (R__32) returns them: a kept window's rows and its pending days when one is
-- exactly these days, the spans and days otherwise. One snapshot (a stable function): the window
-- and its rows agree.
create or replace function product_window_totals(first_day date, last_day date)
returns table (product_id int, units bigint, orders bigint, gross_sales numeric, discounts numeric,
               returned_units bigint, returns numeric)
language plpgsql stable rows 10000 as $$
declare
    kept_id smallint := product_window_kept(first_day, last_day);
begin
    if kept_id is null then
        return query select * from product_window_rows(first_day, last_day);
        return;
    end if;
    return query
    select kept.product_id, kept.units, kept.orders, kept.gross_sales, kept.discounts, kept.returned_units,
           kept.returns
    from rollups.product_windows_folded as kept
    where kept.window_id = kept_id
    union all
    select pending.product_id, pending.units, pending.orders, pending.gross_sales, pending.discounts,
           pending.returned_units, pending.returns
    from rollups.product_days_pending as pending
    where pending.day between first_day and last_day;
end
$$;

-- The rows top_products needs to rank the first `top` products of first_day..last_day by net sales
-- (then product_id), when a kept window is exactly those days: the rows of every product whose
-- kept row is not its answer (pending days in the window, or the `changed` products the caller
-- corrects, e.g. for what as_of's day holds after as_of), and the kept rows of the first `top`
-- other products with sales or returns. Any product of the true first `top` is among them: the
-- unchanged products ahead of it are ahead in the kept order too. Otherwise every row, as
-- product_window_rows().
create or replace function product_window_top_rows(first_day date, last_day date, top int, changed int[])
returns table (product_id int, units bigint, orders bigint, gross_sales numeric, discounts numeric,
               returned_units bigint, returns numeric)
language plpgsql stable rows 1000 as $$
declare
    kept_id smallint := product_window_kept(first_day, last_day);
begin
    if kept_id is null then
        return query select * from product_window_rows(first_day, last_day);
        return;
    end if;
    return query
    with pending as materialized (
        select * from rollups.product_days_pending as pending
        where pending.day between first_day and last_day
    ),
    corrected as materialized (
        select pending.product_id from pending
        union
        select unnest(changed)
    ),
    leaders as (
        select kept.product_id
        from rollups.product_windows_folded as kept
        where kept.window_id = kept_id
          and (kept.orders > 0 or kept.returned_units <> 0 or kept.returns <> 0)
          and kept.product_id not in (select corrected.product_id from corrected where corrected.product_id is not null)
        order by kept.net_sales desc, kept.product_id
        limit top
    )
    select kept.product_id, kept.units, kept.orders, kept.gross_sales, kept.discounts, kept.returned_units,
           kept.returns
    from rollups.product_windows_folded as kept
    where kept.window_id = kept_id
      and kept.product_id in (select leaders.product_id from leaders
                              union all
                              select corrected.product_id from corrected)
    union all
    select pending.product_id, pending.units, pending.orders, pending.gross_sales, pending.discounts,
           pending.returned_units, pending.returns
    from pending;
end
$$;

-- A database migrated to these windows has them built here once (on a cluster too: they read only
-- the coordinator's rollups), rather than by its first fold.
do $$
begin
    if exists (select 1 from rollups.product_windows where first_day is null) then
        perform roll_product_windows(product_windows_day());
        analyze rollups.product_windows_folded;
    end if;
end
$$;
