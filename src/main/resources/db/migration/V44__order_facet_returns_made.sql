-- The order_facets rollup family (R__44_order_facets.sql) counts the returns made, beside their
-- money: returns_made, one per return as the sales model has them (order_returns: each status change
-- to cancelled or refunded, and each partial refund line, taken_back lines included), so that a
-- filtered period's drill total (period_orders_total) answers how many return rows its list holds,
-- as it does without a filter (docs/filters.md).

alter table rollups.order_facet_hours add column returns_made bigint not null default 0;
alter table rollups.order_facet_days add column returns_made bigint not null default 0;

-- An existing shop's hours and days get their counts here, set-based, rather than every hour
-- computed again (a rebuild: 86 s at scale 1). The returns are counted from the filtered drills'
-- kept rows (rollups.order_drill_rows_folded, kind 'return': one per order_returns row, with its
-- order's dimensions as order_facets gives them, which is what the hour rows are grouped by), in
-- each cut of the rollup. An hour row without a return keeps 0.
with

returned as (
    select shop_hour(d.at) as hour, d.country, d.region, d.channel, d.device, d.customer, d.coupon
    from rollups.order_drill_rows_folded d
    where d.kind = 'return'
),

-- each cut's counts, keyed as the hour rows are (the grouping sets of order_facet_hour_rows())
counted as (
    select
        case when grouping(r.region) = 1 then 1 when grouping(r.channel) = 1 then 2 else 3 end::smallint as cut,
        r.hour,
        r.country,
        case when grouping(r.region) = 1 then '*' else r.region end     as region,
        case when grouping(r.channel) = 1 then '*' else r.channel end   as channel,
        case when grouping(r.device) = 1 then '*' else r.device end     as device,
        case when grouping(r.customer) = 1 then '*' else r.customer end as customer,
        case when grouping(r.coupon) = 1 then '*' else r.coupon end     as coupon,
        count(*)                                                        as returns_made
    from returned r
    group by grouping sets (
        (r.hour, r.country, r.channel, r.device, r.customer, r.coupon),
        (r.hour, r.country, r.region, r.customer, r.coupon),
        (r.hour, r.country, r.region, r.channel, r.device)
    )
)

update rollups.order_facet_hours h
set returns_made = counted.returns_made
from counted
where h.cut = counted.cut and h.hour = counted.hour and h.country = counted.country and h.region = counted.region
  and h.channel = counted.channel and h.device = counted.device and h.customer = counted.customer
  and h.coupon = counted.coupon;

-- A day's rows are the sums of its hours'.
with

summed as (
    select cut, shop_day(hour) as day, country, region, channel, device, customer, coupon,
           sum(returns_made) as returns_made
    from rollups.order_facet_hours
    where returns_made <> 0
    group by cut, shop_day(hour), country, region, channel, device, customer, coupon
)

update rollups.order_facet_days d
set returns_made = summed.returns_made
from summed
where d.cut = summed.cut and d.day = summed.day and d.country = summed.country and d.region = summed.region
  and d.channel = summed.channel and d.device = summed.device and d.customer = summed.customer
  and d.coupon = summed.coupon;

-- The orders whose drill rows are marked (written since their last fold) may have returns the kept
-- rows do not hold yet, or no longer hold: their hours, where the kept rows and the raw rows put
-- them, are marked, so that readers read them from the raw rows and the next fold computes them
-- again with their counts.
insert into rollups.order_facet_hour_marks (hour)
select distinct hours.hour
from (
    select shop_hour(d.at) as hour
    from rollups.order_drill_rows_folded d
    where d.order_id in (select m.order_id from rollups.order_drill_marks m)
    union all
    select shop_hour(c.changed_at)
    from order_status_changes c
    where c.order_id in (select m.order_id from rollups.order_drill_marks m)
      and c.to_status in ('cancelled', 'refunded')
    union all
    select shop_hour(r.refunded_at)
    from order_refunds r
    where r.order_id in (select m.order_id from rollups.order_drill_marks m)
    union all
    select shop_hour(o.created_at)
    from orders o
    where o.order_id in (select m.order_id from rollups.order_drill_marks m)
) as hours;

-- No default: every writer names the count (a positional insert without it fails, not writes 0).
alter table rollups.order_facet_hours alter column returns_made drop default;
alter table rollups.order_facet_days alter column returns_made drop default;
