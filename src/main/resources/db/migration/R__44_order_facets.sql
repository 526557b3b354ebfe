-- The order_facets family: what the report filters filter on (docs/filters.md), per order, and the
-- sales model per shop hour and day keyed by those dimensions (rollups.order_facet_hours and
-- order_facet_days), for revenue_summary and daily_revenue with filters (read by the functions of
-- R__48_order_facet_sums.sql). A day's rows are the sums of its hours'.
--
-- The dimensions of an order, each a value for every order (order_facets):
--   channel   where its session came from: the referrer of the session's first page view
--             (order_channel(), session_landing()); 'direct' when that view has no referrer,
--             'unknown' when the order has no session or its session no page views (the
--             clickstream keeps 90 days)
--   device    the device_type of that first page view (session_landing()); 'unknown' as for channel
--   country   the country of its shipping address; 'unknown' without one
--   region    the region (addresses.state) of its shipping address; 'unknown' without one
--   customer  'new' for the customer's first order (the earliest placed, then the lowest id,
--             whatever became of it), else 'returning'
--   coupon    'yes' when the order has an order discount (orders.discount_amount > 0, a coupon:
--             as shop_vitals counts coupon use), else 'no'
--
-- The measures: orders placed and their sales, new_orders (those of them that were their
-- customer's first: the measure tiles' first-time orders, kept in every cut, the one without the
-- customer kind too), and the returns made: their money, and returns_made, how many (one per
-- order_returns row: a cancellation or refund of the whole order, and each line of a partial
-- refund, taken_back lines too; the filtered drill period_orders lists one return row for each).
--
-- How the hours and days stay exact: an hour's rows are computed from the raw rows
-- (order_facet_events, the sales model's views joined with order_facets), never added to, and a
-- day's rows are the sums of its hours'. Every write that can change an hour's figures or an
-- order's dimensions appends that shop hour to rollups.order_facet_hour_marks from a statement
-- trigger (one insert per statement, no row updated: writers never wait on one another); the fold
-- moves the marks to rollups.order_facet_dirty_hours and computes the dirty hours that have ended
-- again, and the days of those hours from their hour rows. Reports read a marked or dirty hour, and
-- as_of's own hour, from the raw rows, and a day holding one from its hours: an hour or a day is
-- read from the rollup only when no write has touched it since it was computed, in the reader's
-- snapshot. The marks are deleted by the fold in one statement and the hours computed in a later
-- one, so a write committed between them is in the hours computed and its mark stays for the next
-- fold: a reader never reads a rollup row older than a write it sees.
--
-- What marks which hours (an order's hours: the hour it was placed and the hours of its returns,
-- status changes to cancelled or refunded and partial refunds):
--   orders inserted            their hours, and the later orders of their customers (an order
--                              placed before a customer's others makes the first one returning)
--   orders updated             the old and new hours of orders whose moment, customer, address,
--                              session or money changed, and their customers' later orders
--   orders deleted             their hours and their customers' later orders
--   order_items written        their order's hours
--   order_status_changes       the hour of each change to cancelled or refunded
--   order_refunds written      the hour of each refund
--   page_views written         the hours of the orders of their sessions (a first page view may change)
--   addresses updated, deleted the hours of the orders shipped to them
-- On a Citus cluster `distribute` drops the triggers and nothing marks: there the rollup stays
-- empty and the filtered reports read every day from the raw rows (docs/filters.md).

-- The channel a referrer stands for (the generator's referrers and the common ones).
create or replace function order_channel(referrer text) returns text
language sql immutable parallel safe
return case
    when referrer is null or referrer = '' then 'direct'
    when referrer ~* '^https?://([a-z0-9-]+\.)*(google|bing|yahoo|duckduckgo|ecosia)\.' then 'search'
    when referrer ~* '^https?://([a-z0-9-]+\.)*(facebook|instagram|tiktok|pinterest|twitter|x|linkedin|youtube)\.' then 'social'
    when referrer ~* '^https?://mail\.|newsletter|utm_medium=email' then 'email'
    else 'referral'
end;

-- Where a session came from and on what device: the channel of the referrer of its first page view
-- (the earliest viewed_at, then the lowest view_id) and that view's device_type ('unknown' when it
-- has none); no row for a session without page views. The one definition of a session's channel
-- and device, read by order_facets (an order's are its session's), by the funnel's reference
-- filter, and by rollup_funnel_merge() (R__33_rollup_funnel.sql) where it keeps each session's
-- landing on its rollups.funnel_sessions row, which the funnel's filters read. An SQL function
-- PostgreSQL inlines: one index probe per session.
create or replace function session_landing(session_id varchar) returns table (channel text, device text)
language sql stable parallel safe as $$
    select order_channel(pv.referrer), coalesce(pv.device_type::text, 'unknown')
    from page_views pv
    where pv.session_id = session_landing.session_id
    order by pv.viewed_at, pv.view_id
    limit 1
$$;

-- One row per order with its dimensions (the definitions above); the filters' one definition,
-- which the reference SQL and the rollup both read.
create or replace view order_facets as
select
    o.order_id,
    o.created_at,
    coalesce(landing.channel, 'unknown')                                            as channel,
    coalesce(landing.device, 'unknown')                                             as device,
    coalesce(a.country::text, 'unknown')                                            as country,
    coalesce(a.state::text, 'unknown')                                              as region,
    case when earlier.order_id is null then 'new' else 'returning' end              as customer,
    case when coalesce(o.discount_amount, 0) > 0 then 'yes' else 'no' end          as coupon
from orders o
left join lateral session_landing(o.session_id) as landing on true
left join addresses a on a.address_id = o.shipping_address_id
left join lateral (
    select e.order_id
    from orders e
    where e.customer_id = o.customer_id
      and (e.created_at < o.created_at or (e.created_at = o.created_at and e.order_id < o.order_id))
    limit 1
) as earlier on true;

-- Whether an order has the dimensions the filters name ('' for a filter not given): the reference
-- SQL's filter. A function rather than a subquery in the reports, so that a Citus coordinator
-- plans them without filters as before (it refuses a subquery joining orders and page_views,
-- which are not colocated, even where the filters leave it out).
create or replace function order_in_filters(order_id int, channel text, device text, country text, region text,
                                            customer text, coupon text) returns boolean
language plpgsql stable as $$
begin
    if channel = '' and device = '' and country = '' and region = '' and customer = '' and coupon = '' then
        return true;
    end if;
    return exists (
        select 1
        from order_facets f
        where f.order_id = order_in_filters.order_id
          and (order_in_filters.channel = '' or f.channel = order_in_filters.channel)
          and (order_in_filters.device = '' or f.device = order_in_filters.device)
          and (order_in_filters.country = '' or f.country = order_in_filters.country)
          and (order_in_filters.region = '' or f.region = order_in_filters.region)
          and (order_in_filters.customer = '' or f.customer = order_in_filters.customer)
          and (order_in_filters.coupon = '' or f.coupon = order_in_filters.coupon));
end
$$;

-- The sales model's events with their order's dimensions: each order placed (at its moment) and
-- each return (at its moment), as order_sales and order_returns value them.
create or replace view order_facet_events as
select
    s.created_at as at, f.channel, f.device, f.country, f.region, f.customer, f.coupon,
    1 as orders, s.gross_sales, s.discounts, s.shipping, s.taxes,
    0::numeric as returns, 0::numeric as returned_shipping, 0::numeric as returned_taxes,
    case when f.customer = 'new' then 1 else 0 end as new_orders,
    0 as returns_made
from order_sales s
join order_facets f on f.order_id = s.order_id
union all
select
    r.returned_at, f.channel, f.device, f.country, f.region, f.customer, f.coupon,
    0, 0, 0, 0, 0,
    r.net_sales, r.shipping, r.taxes,
    0,
    1
from order_returns r
join order_facets f on f.order_id = r.order_id;

-- The rollup's hour rows of the moments [from_at, to_at), from the raw rows: each cut's sums.
drop function if exists order_facet_hour_rows(date, date);
create or replace function order_facet_hour_rows(from_at timestamptz, to_at timestamptz)
returns setof rollups.order_facet_hours
language sql stable as $$
    select
        case when grouping(e.region) = 1 then 1 when grouping(e.channel) = 1 then 2 else 3 end::smallint,
        shop_hour(e.at),
        e.country,
        case when grouping(e.region) = 1 then '*' else e.region end,
        case when grouping(e.channel) = 1 then '*' else e.channel end,
        case when grouping(e.device) = 1 then '*' else e.device end,
        case when grouping(e.customer) = 1 then '*' else e.customer end,
        case when grouping(e.coupon) = 1 then '*' else e.coupon end,
        sum(e.orders), sum(e.gross_sales), sum(e.discounts), sum(e.shipping), sum(e.taxes),
        sum(e.returns), sum(e.returned_shipping), sum(e.returned_taxes), sum(e.new_orders), sum(e.returns_made)
    from order_facet_events e
    where e.at >= from_at and e.at < to_at
    group by grouping sets (
        (shop_hour(e.at), e.country, e.channel, e.device, e.customer, e.coupon),
        (shop_hour(e.at), e.country, e.region, e.customer, e.coupon),
        (shop_hour(e.at), e.country, e.region, e.channel, e.device)
    )
$$;

-- The day rows of the given days, from their hour rows.
create or replace function order_facet_days_from_hours(days date[]) returns void
language plpgsql as $$
begin
    insert into rollups.order_facet_days
    select cut, shop_day(hour), country, region, channel, device, customer, coupon,
           sum(orders), sum(gross_sales), sum(discounts), sum(shipping), sum(taxes),
           sum(returns), sum(returned_shipping), sum(returned_taxes), sum(new_orders), sum(returns_made)
    from rollups.order_facet_hours
    where days is null
       or (hour >= (select min(d) from unnest(days) as d)::timestamptz
           and hour < ((select max(d) from unnest(days) as d) + 1)::timestamptz
           and shop_day(hour) = any (days))
    group by cut, shop_day(hour), country, region, channel, device, customer, coupon;
end
$$;

drop function if exists order_facet_day_rows(date, date);

-- An order's hours: the shop hour it was placed, and the hours of its returns.
drop function if exists order_facet_days_of(int[]);
create or replace function order_facet_hours_of(order_ids int[]) returns setof timestamptz
language sql stable as $$
    select shop_hour(o.created_at) from orders o where o.order_id = any (order_ids)
    union
    select shop_hour(c.changed_at) from order_status_changes c
    where c.order_id = any (order_ids) and c.to_status in ('cancelled', 'refunded')
    union
    select shop_hour(r.refunded_at) from order_refunds r where r.order_id = any (order_ids)
$$;

-- Appends hours to the marks (null and repeated hours dropped).
drop function if exists order_facet_mark(date[]);
create or replace function order_facet_mark(hours timestamptz[]) returns void
language plpgsql as $$
begin
    insert into rollups.order_facet_hour_marks (hour)
    select distinct h from unnest(hours) as h where h is not null;
end
$$;

-- ============================================================
-- TRIGGERS
-- ============================================================
-- The same writes change the filtered drills' kept rows (the order_drill family,
-- R__55_rollup_order_drill.sql): these triggers mark both, the hours here and the orders there
-- (order_drill_mark()), from one look-up of the orders a statement touched (its customers' later
-- orders, a session's orders, an address's orders), as the category_orders family's triggers keep
-- the category basket days. Order lines mark hours only (a drill row has no line).
-- (PL/pgSQL: order_drill_mark() comes with a later file.)

-- Orders inserted. Named to run after orders_rollups_insert (triggers fire in name order), which
-- holds the customers' locks (lock_order_risk_customers()): a concurrent order of the same customer
-- placed before this one is committed and seen here.
create or replace function orders_rollups_facets_inserted() returns trigger
language plpgsql as $$
declare
    later int[];
begin
    later := array(
        select later.order_id
        from new_orders n
        join orders later
          on later.customer_id = n.customer_id and later.created_at >= n.created_at
         and later.order_id <> n.order_id);
    perform order_facet_mark(array(
        select shop_hour(n.created_at) from new_orders n
        union all
        select d from order_facet_hours_of(later) as d));
    perform order_drill_mark(array(select n.order_id from new_orders n) || later);
    return null;
end
$$;

create or replace trigger orders_rollups_insert_facets after insert on orders
    referencing new table as new_orders
    for each statement execute function orders_rollups_facets_inserted();

-- Orders updated or deleted: the hours of those whose figures or dimensions may have changed, and
-- their customers' later orders (which may have become new or returning); the same orders' drill
-- rows (a change of money alone marks them too: they are computed again, the same).
create or replace function orders_rollups_facets_changed() returns trigger
language plpgsql as $$
declare
    changed int[];
    later int[];
begin
    changed := array(
        select n.order_id
        from new_orders n
        join old_orders o using (order_id)
        where (n.created_at, n.customer_id, n.shipping_address_id, n.session_id, n.discount_amount,
               n.shipping_cost, n.tax_amount)
              is distinct from
              (o.created_at, o.customer_id, o.shipping_address_id, o.session_id, o.discount_amount,
               o.shipping_cost, o.tax_amount));
    if cardinality(changed) = 0 then
        return null; -- a status change alone: its history row marks its return
    end if;
    later := array(
        select later.order_id
        from (
            select customer_id, created_at from old_orders where order_id = any (changed)
            union all
            select customer_id, created_at from new_orders where order_id = any (changed)
        ) as touched
        join orders later on later.customer_id = touched.customer_id and later.created_at >= touched.created_at);
    perform order_facet_mark(array(
        select shop_hour(o.created_at) from old_orders o where o.order_id = any (changed)
        union all
        select d from order_facet_hours_of(changed) as d
        union all
        select d from order_facet_hours_of(later) as d));
    perform order_drill_mark(changed || later);
    return null;
end
$$;

create or replace trigger orders_rollups_update_facets after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_rollups_facets_changed();

create or replace function orders_rollups_facets_removed() returns trigger
language plpgsql as $$
declare
    later int[];
begin
    later := array(
        select later.order_id
        from old_orders o
        join orders later on later.customer_id = o.customer_id and later.created_at >= o.created_at);
    perform order_facet_mark(array(
        select shop_hour(o.created_at) from old_orders o
        union all
        select d from order_facet_hours_of(later) as d));
    perform order_drill_mark(array(select o.order_id from old_orders o) || later);
    return null;
end
$$;

create or replace trigger orders_rollups_delete_facets after delete on orders
    referencing old table as old_orders
    for each statement execute function orders_rollups_facets_removed();

-- Order lines written: their orders' hours (before and after, for a line moved to another order).
create or replace function order_items_rollups_facets_written() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform order_facet_mark(array(
            select d from order_facet_hours_of(array(select distinct order_id from new_items)) as d));
    elsif tg_op = 'UPDATE' then
        perform order_facet_mark(array(
            select d from order_facet_hours_of(array(
                select order_id from new_items union select order_id from old_items)) as d));
    else
        perform order_facet_mark(array(
            select d from order_facet_hours_of(array(select distinct order_id from old_items)) as d));
    end if;
    return null;
end
$$;

create or replace trigger order_items_rollups_insert_facets after insert on order_items
    referencing new table as new_items
    for each statement execute function order_items_rollups_facets_written();

create or replace trigger order_items_rollups_update_facets after update on order_items
    referencing old table as old_items new table as new_items
    for each statement execute function order_items_rollups_facets_written();

create or replace trigger order_items_rollups_delete_facets after delete on order_items
    referencing old table as old_items
    for each statement execute function order_items_rollups_facets_written();

-- Status changes written: the hours of the changes to cancelled or refunded, old and new, and
-- their orders (their return rows).
create or replace function order_status_changes_rollups_facets_written() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform order_facet_mark(array(
            select shop_hour(changed_at) from new_changes where to_status in ('cancelled', 'refunded')));
        perform order_drill_mark(array(
            select order_id from new_changes where to_status in ('cancelled', 'refunded')));
    elsif tg_op = 'UPDATE' then
        perform order_facet_mark(array(
            select shop_hour(changed_at) from new_changes where to_status in ('cancelled', 'refunded')
            union
            select shop_hour(changed_at) from old_changes where to_status in ('cancelled', 'refunded')));
        perform order_drill_mark(array(
            select order_id from new_changes where to_status in ('cancelled', 'refunded')
            union
            select order_id from old_changes where to_status in ('cancelled', 'refunded')));
    else
        perform order_facet_mark(array(
            select shop_hour(changed_at) from old_changes where to_status in ('cancelled', 'refunded')));
        perform order_drill_mark(array(
            select order_id from old_changes where to_status in ('cancelled', 'refunded')));
    end if;
    return null;
end
$$;

create or replace trigger order_status_changes_rollups_insert_facets after insert on order_status_changes
    referencing new table as new_changes
    for each statement execute function order_status_changes_rollups_facets_written();

create or replace trigger order_status_changes_rollups_update_facets after update on order_status_changes
    referencing old table as old_changes new table as new_changes
    for each statement execute function order_status_changes_rollups_facets_written();

create or replace trigger order_status_changes_rollups_delete_facets after delete on order_status_changes
    referencing old table as old_changes
    for each statement execute function order_status_changes_rollups_facets_written();

-- Partial refunds written: their hours, and their orders.
create or replace function order_refunds_rollups_facets_written() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform order_facet_mark(array(select shop_hour(refunded_at) from new_refunds));
        perform order_drill_mark(array(select order_id from new_refunds));
    elsif tg_op = 'UPDATE' then
        perform order_facet_mark(array(
            select shop_hour(refunded_at) from new_refunds union select shop_hour(refunded_at) from old_refunds));
        perform order_drill_mark(array(select order_id from new_refunds union select order_id from old_refunds));
    else
        perform order_facet_mark(array(select shop_hour(refunded_at) from old_refunds));
        perform order_drill_mark(array(select order_id from old_refunds));
    end if;
    return null;
end
$$;

create or replace trigger order_refunds_rollups_insert_facets after insert on order_refunds
    referencing new table as new_refunds
    for each statement execute function order_refunds_rollups_facets_written();

create or replace trigger order_refunds_rollups_update_facets after update on order_refunds
    referencing old table as old_refunds new table as new_refunds
    for each statement execute function order_refunds_rollups_facets_written();

create or replace trigger order_refunds_rollups_delete_facets after delete on order_refunds
    referencing old table as old_refunds
    for each statement execute function order_refunds_rollups_facets_written();

-- Page views written: their sessions' orders, and those orders' hours (a session's first page
-- view, its channel and device, may have changed). Most page views belong to sessions without an
-- order: one index probe per session of the statement, once for both marks.
create or replace function page_views_mark_orders(session_ids varchar[]) returns void
language plpgsql as $$
declare
    touched int[];
begin
    touched := array(select o.order_id from orders o where o.session_id = any (session_ids));
    if cardinality(touched) = 0 then
        return;
    end if;
    perform order_facet_mark(array(select d from order_facet_hours_of(touched) as d));
    perform order_drill_mark(touched);
end
$$;

create or replace function page_views_rollups_facets_inserted() returns trigger
language plpgsql as $$
begin
    perform page_views_mark_orders(array(select distinct session_id from new_views));
    return null;
end
$$;

create or replace function page_views_rollups_facets_removed() returns trigger
language plpgsql as $$
begin
    perform page_views_mark_orders(array(select distinct session_id from old_views));
    return null;
end
$$;

create or replace function page_views_rollups_facets_updated() returns trigger
language plpgsql as $$
begin
    perform page_views_mark_orders(array(select session_id from new_views union select session_id from old_views));
    return null;
end
$$;

create or replace trigger page_views_rollups_insert_facets after insert on page_views
    referencing new table as new_views
    for each statement execute function page_views_rollups_facets_inserted();

create or replace trigger page_views_rollups_update_facets after update on page_views
    referencing old table as old_views new table as new_views
    for each statement execute function page_views_rollups_facets_updated();

create or replace trigger page_views_rollups_delete_facets after delete on page_views
    referencing old table as old_views
    for each statement execute function page_views_rollups_facets_removed();

-- Shipping addresses changed or removed: the orders shipped to them, and their hours.
create or replace function addresses_rollups_facets_changed() returns trigger
language plpgsql as $$
declare
    touched int[];
begin
    touched := array(select o.order_id from orders o
                     where o.shipping_address_id in (select address_id from old_addresses));
    perform order_facet_mark(array(select d from order_facet_hours_of(touched) as d));
    perform order_drill_mark(touched);
    return null;
end
$$;

create or replace trigger addresses_rollups_update_facets after update on addresses
    referencing old table as old_addresses
    for each statement execute function addresses_rollups_facets_changed();

create or replace trigger addresses_rollups_delete_facets after delete on addresses
    referencing old table as old_addresses
    for each statement execute function addresses_rollups_facets_changed();

-- Truncating orders or the clickstream: every drill row, then every hour and day (which read the
-- orders' dimensions from the drill rows), computed again.
create or replace function orders_rollups_facets_truncated() returns trigger
language plpgsql as $$
begin
    perform rebuild_order_drill_rollups();
    perform rebuild_order_facets_rollups();
    return null;
end
$$;

create or replace trigger orders_rollups_truncate_facets after truncate on orders
    for each statement execute function orders_rollups_facets_truncated();

create or replace trigger page_views_rollups_truncate_facets after truncate on page_views
    for each statement execute function orders_rollups_facets_truncated();

-- ============================================================
-- FOLD, REBUILD
-- ============================================================
-- The marks become dirty hours; the dirty hours that have ended are computed again, and the days
-- of those hours from their hour rows. The current hour keeps changing: reports read as_of's hour
-- from the raw rows anyway, and an hour is computed once, after it is over (a day whose hour is
-- still dirty is read by the hour, so its day row, the sum of its folded hours, is not read yet).
create or replace function fold_order_facets_rollups() returns void
language plpgsql as $$
declare
    hours timestamptz[];
    days date[];
begin
    with moved as (
        delete from rollups.order_facet_hour_marks returning hour
    )
    insert into rollups.order_facet_dirty_hours (hour)
    select distinct hour from moved
    on conflict do nothing;

    with done as (
        delete from rollups.order_facet_dirty_hours where hour < shop_hour(now()) returning hour
    )
    select array_agg(hour order by hour) into hours from done;
    if hours is null then
        return;
    end if;
    days := array(select distinct shop_day(h) from unnest(hours) as h order by 1);
    -- (a later statement, a later snapshot: every write whose mark was moved above is seen)
    delete from rollups.order_facet_hours
    where hour >= hours[1] and hour <= hours[cardinality(hours)] and hour = any (hours);
    delete from rollups.order_facet_days where day = any (days);
    insert into rollups.order_facet_hours
    select rows.*
    from unnest(hours) as h
    cross join lateral order_facet_hour_rows(h, h + interval '1 hour') as rows;
    perform order_facet_days_from_hours(days);
end
$$;

-- Every hour and day, in the caller's transaction: each order's dimensions from its drill rows
-- (rollups.order_drill_rows_folded, its placing and each of its returns, R__55_rollup_order_drill.sql),
-- its money from the raw rows, the same sums as order_facet_hour_rows() (order_facets, order_sales,
-- order_returns) written set-wise: that view's per-order look-ups (first page view, earlier order,
-- lines) are right for a day's orders, not for all of them. The drill rows define the dimensions
-- as order_facets does, and computing them (every ordering session's first page view, every
-- customer's first order, the shipping addresses) here did it a second time beside the drill rows'
-- rebuild: so they are read here, rebuilt first wherever both are (rebuild_rollups() runs the
-- families by name, order_drill before order_facets; the one truncate trigger of both, above, and
-- the generator's part rebuild them first), and their pending marks folded first.
create or replace function rebuild_order_facets_rollups() returns void
language plpgsql as $$
begin
    delete from rollups.order_facet_hour_marks;
    delete from rollups.order_facet_dirty_hours;
    delete from rollups.order_facet_days;
    delete from rollups.order_facet_hours;
    -- On a Citus cluster nothing marks the days written (the catch-up job does not keep this
    -- rollup): it stays empty there, and the filtered reports read every day raw.
    if rollups_kept_by_job() then
        return;
    end if;
    perform lock_for_rebuild('order_facets', array['orders', 'order_items', 'order_status_changes', 'order_refunds']);
    -- the drill rows of orders written since their last fold (none after their rebuild)
    perform fold_order_drill_rollups();

    with

    lines as (
        select order_id,
               sum(unit_price * quantity)                 as gross_sales,
               sum(unit_price * quantity - line_total)    as line_discounts,
               sum(line_total)                            as line_total
        from order_items
        group by order_id
    ),

    money as (
        select
            o.order_id,
            coalesce(lines.gross_sales, 0)                                           as gross_sales,
            coalesce(lines.line_discounts, 0) + coalesce(o.discount_amount, 0)       as discounts,
            coalesce(lines.line_total, 0) - coalesce(o.discount_amount, 0)           as net_sales,
            coalesce(o.shipping_cost, 0)                                             as shipping,
            coalesce(o.tax_amount, 0)                                                as taxes
        from orders o
        left join lines on lines.order_id = o.order_id
    ),

    -- an order's placing; a whole return (cancelled or refunded: its net sales, shipping and taxes;
    -- no refunded amount); a partial refund line (its refunded net sales); each return counted once
    events as (
        select d.at, d.channel, d.device, d.country, d.region, d.customer, d.coupon,
               case when d.kind = 'order' then 1 else 0 end                                 as orders,
               case when d.kind = 'order' then m.gross_sales else 0 end                    as gross_sales,
               case when d.kind = 'order' then m.discounts else 0 end                      as discounts,
               case when d.kind = 'order' then m.shipping else 0 end                       as shipping,
               case when d.kind = 'order' then m.taxes else 0 end                          as taxes,
               case when d.kind = 'order' then 0 else coalesce(d.refunded, m.net_sales) end as returns,
               case when d.kind = 'return' and d.refunded is null then m.shipping else 0 end as returned_shipping,
               case when d.kind = 'return' and d.refunded is null then m.taxes else 0 end  as returned_taxes,
               case when d.kind = 'order' and d.customer = 'new' then 1 else 0 end        as new_orders,
               case when d.kind = 'return' then 1 else 0 end                               as returns_made
        from rollups.order_drill_rows_folded d
        join money m on m.order_id = d.order_id
    )

    insert into rollups.order_facet_hours
    select
        case when grouping(e.region) = 1 then 1 when grouping(e.channel) = 1 then 2 else 3 end::smallint,
        shop_hour(e.at),
        e.country,
        case when grouping(e.region) = 1 then '*' else e.region end,
        case when grouping(e.channel) = 1 then '*' else e.channel end,
        case when grouping(e.device) = 1 then '*' else e.device end,
        case when grouping(e.customer) = 1 then '*' else e.customer end,
        case when grouping(e.coupon) = 1 then '*' else e.coupon end,
        sum(e.orders), sum(e.gross_sales), sum(e.discounts), sum(e.shipping), sum(e.taxes),
        sum(e.returns), sum(e.returned_shipping), sum(e.returned_taxes), sum(e.new_orders), sum(e.returns_made)
    from events e
    group by grouping sets (
        (shop_hour(e.at), e.country, e.channel, e.device, e.customer, e.coupon),
        (shop_hour(e.at), e.country, e.region, e.customer, e.coupon),
        (shop_hour(e.at), e.country, e.region, e.channel, e.device)
    );
    perform order_facet_days_from_hours(null);
    analyze rollups.order_facet_hours;
    analyze rollups.order_facet_days;
end
$$;
