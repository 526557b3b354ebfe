-- The order_drill family: the rows of the filtered drill-downs (period_orders, day_orders) kept with
-- their order's dimensions (rollups.order_drill_rows_folded), so that a page of a filtered list
-- costs the same whatever share of the orders the filter names (docs/filters.md, "Drill-downs").
-- Without it a page checked each order it walked with order_in_filters() (its first page view,
-- address and earlier order looked up), up to its limit-th match: a rare filter walked thousands.
--
-- Rows: one per order placed (kind 'order', at created_at) and per return of it (kind 'return':
-- each status change to cancelled or refunded at changed_at; each partial refund line at
-- refunded_at, with its net_sales in refunded and its refund_line_id), each with the dimensions
-- order_facets gives the order now (R__44_order_facets.sql).
--
-- A page's keyset is (at, order_id, kind, refund_line_id), in that order (newest first or oldest
-- first): total, since the lines of one refund share their moment (so do those an order's
-- cancellation takes back), refund_line_id tells them apart, and an order has at most one change
-- to cancelled or refunded (both statuses are final: R__21_order_lifecycle.sql), which with the
-- order placed has refund_line_id 0. Without it a page ending between two lines skipped the second.
--
-- How they stay exact: an order's rows are computed from the raw rows, never edited. Every write
-- that can change an order's rows or its dimensions appends the order to rollups.order_drill_marks
-- from a statement trigger (one insert per statement, no row updated: writers never wait on one
-- another): the order_facets family's triggers (R__44_order_facets.sql), which mark its hours for
-- the same writes. A page reads the kept rows of the orders not marked in its snapshot, and the
-- marked orders from the raw rows, each checked by order_in_filters() (order_drill_raw_rows()). The
-- fold (every second in the server) deletes the marks in one statement and computes those orders'
-- rows in a later one (a later snapshot), in one transaction: a reader sees the marks or the new
-- rows, and a write committed in between is in the rows computed and its mark stays for the next
-- fold.
--
-- What marks which orders:
--   orders inserted            themselves, and their customers' later orders (an order placed
--                              before a customer's others makes the first one returning)
--   orders updated             those whose moment, customer, address, session or money changed,
--                              and their customers' later orders (old and new customer)
--   orders deleted             themselves (their rows go) and their customers' later orders
--   order_status_changes       the orders of changes to cancelled or refunded (their return rows)
--   order_refunds written      their orders
--   page_views written         the orders of their sessions (a first page view may change)
--   addresses updated, deleted the orders shipped to them
--   orders, page_views truncated  every order's rows computed again
-- The market basket's facet days (R__57_rollup_basket_facets.sql) are kept from the same marks, by
-- the same fold; their triggers also mark an order whose lines are written or whose status moves in
-- or out of counting.
-- The customer kind of concurrent orders of one customer is seen as the order_facets marks see it:
-- the insert trigger runs after orders_rollups_insert, which holds the customers' locks. A page view
-- recorded in the same instant as its session's order, in another transaction, can escape the
-- order's mark (the same limit as order_facets'): its order is then kept with the landing it had.
-- On a Citus cluster `distribute` drops the triggers and the rebuild leaves the rows empty: there
-- every page reads the raw rows (order_drill_raw_rows()), as the filtered reports do.

-- An order's rows, computed from the raw rows with order_facets' dimensions (the orders given that
-- exist; none for a deleted one).
create or replace function order_drill_rows_of(order_ids int[]) returns setof rollups.order_drill_rows_folded
language sql stable as $$
    with facets as materialized (
        select f.order_id, f.created_at, f.channel, f.device, f.country, f.region, f.customer, f.coupon
        from order_facets f
        where f.order_id = any (order_ids)
    )
    select f.order_id, 'order', f.created_at, null::numeric, f.channel, f.device, f.country, f.region,
           f.customer, f.coupon, 0::bigint
    from facets f
    union all
    select f.order_id, 'return', c.changed_at, null::numeric, f.channel, f.device, f.country, f.region,
           f.customer, f.coupon, 0::bigint
    from order_status_changes c
    join facets f on f.order_id = c.order_id
    where c.order_id = any (order_ids) and c.to_status in ('cancelled', 'refunded')
    union all
    select f.order_id, 'return', r.refunded_at, r.net_sales, f.channel, f.device, f.country, f.region,
           f.customer, f.coupon, r.refund_line_id
    from order_refunds r
    join facets f on f.order_id = r.order_id
    where r.order_id = any (order_ids)
$$;

-- Appends orders to the marks (nulls and repeats dropped).
create or replace function order_drill_mark(order_ids int[]) returns void
language plpgsql as $$
begin
    insert into rollups.order_drill_marks (order_id)
    select distinct id from unnest(order_ids) as id where id is not null;
end
$$;

-- ============================================================
-- TRIGGERS
-- ============================================================
-- The order_facets family's triggers (R__44_order_facets.sql) mark these orders: the same writes
-- mark its hours, and one look-up of the orders a statement touched serves both. This family's
-- own triggers, which repeated them, are dropped.
drop trigger if exists orders_rollups_insert_drill on orders;
drop trigger if exists orders_rollups_update_drill on orders;
drop trigger if exists orders_rollups_delete_drill on orders;
drop trigger if exists order_status_changes_rollups_insert_drill on order_status_changes;
drop trigger if exists order_status_changes_rollups_update_drill on order_status_changes;
drop trigger if exists order_status_changes_rollups_delete_drill on order_status_changes;
drop trigger if exists order_refunds_rollups_insert_drill on order_refunds;
drop trigger if exists order_refunds_rollups_update_drill on order_refunds;
drop trigger if exists order_refunds_rollups_delete_drill on order_refunds;
drop trigger if exists page_views_rollups_insert_drill on page_views;
drop trigger if exists page_views_rollups_update_drill on page_views;
drop trigger if exists page_views_rollups_delete_drill on page_views;
drop trigger if exists addresses_rollups_update_drill on addresses;
drop trigger if exists addresses_rollups_delete_drill on addresses;
drop trigger if exists orders_rollups_truncate_drill on orders;
drop trigger if exists page_views_rollups_truncate_drill on page_views;
drop function if exists orders_rollups_drill_inserted();
drop function if exists orders_rollups_drill_changed();
drop function if exists orders_rollups_drill_removed();
drop function if exists order_status_changes_rollups_drill_written();
drop function if exists order_refunds_rollups_drill_written();
drop function if exists page_views_rollups_drill_written();
drop function if exists addresses_rollups_drill_changed();
drop function if exists orders_rollups_drill_truncated();

-- ============================================================
-- FOLD, REBUILD
-- ============================================================
-- The marked orders' rows computed again, in one transaction with the marks' delete.
create or replace function fold_order_drill_rollups() returns void
language plpgsql as $$
declare
    orders_marked int[];
begin
    with moved as (
        delete from rollups.order_drill_marks returning order_id
    )
    select array_agg(distinct order_id) into orders_marked from moved;
    if orders_marked is null then
        return;
    end if;
    -- (a later statement, a later snapshot: every write whose mark was deleted above is seen)
    delete from rollups.order_drill_rows_folded where order_id = any (orders_marked);
    insert into rollups.order_drill_rows_folded select * from order_drill_rows_of(orders_marked);
    -- the market basket's facet days, kept from the same marks (R__57_rollup_basket_facets.sql)
    perform rollup_basket_facets_apply(orders_marked);
end
$$;

-- Every order's rows from the raw rows, in the caller's transaction: the dimensions as
-- order_facets defines them, written set-wise (that view's per-order look-ups are right for a few
-- orders, not for all of them). rebuild_order_facets_rollups() reads its dimensions from these rows,
-- so wherever both are rebuilt, these are first.
create or replace function rebuild_order_drill_rollups() returns void
language plpgsql as $$
begin
    delete from rollups.order_drill_marks;
    delete from rollups.order_drill_rows_folded;
    -- On a Citus cluster nothing marks the orders written (the catch-up job does not keep these
    -- rows): they stay empty there, and the filtered drills read the raw rows.
    if rollups_kept_by_job() then
        perform rebuild_basket_facets(); -- (emptied: not kept there either)
        return;
    end if;
    perform lock_for_rebuild('order_drill', array['orders', 'order_status_changes', 'order_refunds']);

    with

    landing as (
        select distinct on (session_id) session_id, referrer, device_type::text as device_type
        from page_views
        where session_id in (select session_id from orders)
        order by session_id, viewed_at, view_id
    ),

    firsts as (
        select distinct on (customer_id) order_id
        from orders
        order by customer_id, created_at, order_id
    ),

    facets as materialized (
        select
            o.order_id,
            o.created_at,
            case when landing.session_id is not null then order_channel(landing.referrer) else 'unknown' end
                                                                                     as channel,
            coalesce(landing.device_type, 'unknown')                                 as device,
            coalesce(a.country::text, 'unknown')                                     as country,
            coalesce(a.state::text, 'unknown')                                       as region,
            case when firsts.order_id is not null then 'new' else 'returning' end    as customer,
            case when coalesce(o.discount_amount, 0) > 0 then 'yes' else 'no' end   as coupon
        from orders o
        left join landing on landing.session_id = o.session_id
        left join addresses a on a.address_id = o.shipping_address_id
        left join firsts on firsts.order_id = o.order_id
    )

    insert into rollups.order_drill_rows_folded
    select f.order_id, 'order', f.created_at, null::numeric, f.channel, f.device, f.country, f.region,
           f.customer, f.coupon, 0::bigint
    from facets f
    union all
    select f.order_id, 'return', c.changed_at, null::numeric, f.channel, f.device, f.country, f.region,
           f.customer, f.coupon, 0::bigint
    from order_status_changes c
    join facets f on f.order_id = c.order_id
    where c.to_status in ('cancelled', 'refunded')
    union all
    select f.order_id, 'return', r.refunded_at, r.net_sales, f.channel, f.device, f.country, f.region,
           f.customer, f.coupon, r.refund_line_id
    from order_refunds r
    join facets f on f.order_id = r.order_id;
    analyze rollups.order_drill_rows_folded;
    -- the market basket's facet days, from the order rows just computed (R__57_rollup_basket_facets.sql)
    perform rebuild_basket_facets();
end
$$;

-- ============================================================
-- READ
-- ============================================================
-- The rows of a filtered drill page that the kept rows do not answer: those of the orders marked in
-- the caller's snapshot (on a Citus cluster: of every order, the kept rows being empty there), read
-- from the raw rows and checked by order_in_filters(). Rows with at in [from_at, to_at] after the
-- keyset (after_at, after_order_id, after_kind, after_refund_line_id) in the page's order
-- (newest_first: descending; else ascending), at most row_limit; with_returns false: the orders
-- placed only. The keyset's last part comes last, with a default (0), for the callers that list
-- orders placed alone (their refund_line_id is 0).
-- Nothing without a filter (the drills' other path answers), nothing at once without marks (the
-- folder leaves none for long). PL/pgSQL: opaque to a Citus coordinator, which plans a drill's path
-- without filters as before; and stable, so it reads the caller's snapshot.
drop function if exists order_drill_raw_rows(timestamptz, timestamptz, boolean, timestamptz, bigint, text, int, boolean,
                                             text, text, text, text, text, text);
create or replace function order_drill_raw_rows(from_at timestamptz, to_at timestamptz, newest_first boolean,
                                                after_at timestamptz, after_order_id bigint, after_kind text,
                                                row_limit int, with_returns boolean,
                                                want_channel text, want_device text, want_country text,
                                                want_region text, want_customer text, want_coupon text,
                                                after_refund_line_id bigint default 0)
returns table (kind text, at timestamptz, order_id int, refunded numeric, refund_line_id bigint)
language plpgsql stable as $$
#variable_conflict use_column
begin
    if want_channel = '' and want_device = '' and want_country = '' and want_region = '' and want_customer = ''
       and want_coupon = '' then
        return;
    end if;
    if rollups_kept_by_job() then
        return query select * from order_drill_unkept_rows(from_at, to_at, newest_first, after_at, after_order_id,
                                                           after_kind, after_refund_line_id, row_limit,
                                                           with_returns, want_channel, want_device, want_country,
                                                           want_region, want_customer, want_coupon);
        return;
    end if;
    if not exists (select 1 from rollups.order_drill_marks) then
        return;
    end if;
    -- a few orders: each of their rows in the stretch is valued, then the page's first row_limit kept
    return query
    with

    marked as (
        select distinct m.order_id from rollups.order_drill_marks m
    ),

    candidates as (
        select 'order'::text as kind, o.created_at as at, o.order_id, null::numeric as refunded,
               0::bigint as refund_line_id
        from orders o
        where o.order_id in (select marked.order_id from marked)
          and o.created_at between from_at and to_at
        union all
        select 'return'::text, c.changed_at, c.order_id, null::numeric, 0::bigint
        from order_status_changes c
        where with_returns
          and c.order_id in (select marked.order_id from marked)
          and c.to_status in ('cancelled', 'refunded')
          and c.changed_at between from_at and to_at
        union all
        select 'return'::text, f.refunded_at, f.order_id, f.net_sales, f.refund_line_id
        from order_refunds f
        where with_returns
          and f.order_id in (select marked.order_id from marked)
          and f.refunded_at between from_at and to_at
    )

    select r.kind, r.at, r.order_id, r.refunded, r.refund_line_id
    from candidates r
    where case when newest_first
               then (r.at, r.order_id, r.kind, r.refund_line_id) < (after_at, after_order_id, after_kind, after_refund_line_id)
               else (r.at, r.order_id, r.kind, r.refund_line_id) > (after_at, after_order_id, after_kind, after_refund_line_id) end
      and order_in_filters(r.order_id, want_channel, want_device, want_country, want_region, want_customer,
                           want_coupon)
    order by case when newest_first then r.at end desc, case when newest_first then r.order_id end desc,
             case when newest_first then r.kind end desc, case when newest_first then r.refund_line_id end desc,
             r.at, r.order_id, r.kind, r.refund_line_id
    limit row_limit;
end
$$;

-- Where the rows are not kept (a Citus cluster): a filtered page's rows from the raw rows of every
-- order, each walked through the index on its moment from the keyset on and checked by
-- order_in_filters() up to row_limit matches, as the drills read them before these rows were kept
-- (a rare filter walks thousands). Its query is made for the call, for the page's direction.
drop function if exists order_drill_unkept_rows(timestamptz, timestamptz, boolean, timestamptz, bigint, text, int,
                                                boolean, text, text, text, text, text, text);
create or replace function order_drill_unkept_rows(from_at timestamptz, to_at timestamptz, newest_first boolean,
                                                   after_at timestamptz, after_order_id bigint, after_kind text,
                                                   after_refund_line_id bigint, row_limit int, with_returns boolean,
                                                   want_channel text, want_device text, want_country text,
                                                   want_region text, want_customer text, want_coupon text)
returns table (kind text, at timestamptz, order_id int, refunded numeric, refund_line_id bigint)
language plpgsql stable as $$
begin
    return query execute format($query$
        select r.kind, r.at, r.order_id, r.refunded, r.refund_line_id
        from (
            (select 'order'::text as kind, o.created_at as at, o.order_id, null::numeric as refunded,
                    0::bigint as refund_line_id
             from orders o
             where o.created_at between $1 and $2
               and (o.created_at, o.order_id, 'order'::text, 0::bigint) %1$s ($3, $4, $5, $14)
               and order_in_filters(o.order_id, $7, $8, $9, $10, $11, $12)
             order by o.created_at %2$s, o.order_id %2$s
             limit $6)
            union all
            (select 'return'::text, c.changed_at, c.order_id, null::numeric, 0::bigint
             from order_status_changes c
             where $13 and c.to_status in ('cancelled', 'refunded')
               and c.changed_at between $1 and $2
               and (c.changed_at, c.order_id, 'return'::text, 0::bigint) %1$s ($3, $4, $5, $14)
               and order_in_filters(c.order_id, $7, $8, $9, $10, $11, $12)
             order by c.changed_at %2$s, c.order_id %2$s
             limit $6)
            union all
            (select 'return'::text, f.refunded_at, f.order_id, f.net_sales, f.refund_line_id
             from order_refunds f
             where $13
               and f.refunded_at between $1 and $2
               and (f.refunded_at, f.order_id, 'return'::text, f.refund_line_id) %1$s ($3, $4, $5, $14)
               and order_in_filters(f.order_id, $7, $8, $9, $10, $11, $12)
             order by f.refunded_at %2$s, f.order_id %2$s, f.refund_line_id %2$s
             limit $6)
        ) as r
        order by r.at %2$s, r.order_id %2$s, r.kind %2$s, r.refund_line_id %2$s
        limit $6
        $query$, case when newest_first then '<' else '>' end, case when newest_first then 'desc' else 'asc' end)
    using from_at, to_at, after_at, after_order_id, after_kind, row_limit,
          want_channel, want_device, want_country, want_region, want_customer, want_coupon, with_returns,
          after_refund_line_id;
end
$$;

-- A database migrated to these rows has them computed here once (not on a cluster, where they are
-- not kept), rather than every filtered page reading the raw rows until a rebuild; so are the order
-- facets' hours and days (R__44_order_facets.sql) of a database migrated to them, after the drill
-- rows, which their rebuild reads.
do $$
begin
    if not rollups_kept_by_job() and exists (select 1 from orders) then
        if not exists (select 1 from rollups.order_drill_rows_folded) then
            perform rebuild_order_drill_rollups();
        end if;
        if not exists (select 1 from rollups.order_facet_hours) then
            perform rebuild_order_facets_rollups();
        end if;
    end if;
end
$$;
