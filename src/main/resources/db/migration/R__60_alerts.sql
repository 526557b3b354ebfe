-- Anomaly alerts (docs/alerts.md): each KPI of a complete shop hour or day against its seasonal
-- baseline, the same local hour (or weekday) of the last 8 weeks: the median of those windows is
-- what is expected, their median absolute deviation (MAD) how far it usually strays, never less
-- than the counting noise of the window's volume. An alert is a window whose score
-- (observed - expected) / spread reaches the KPI's threshold and whose change is large enough to
-- matter, in a window busy enough to judge: quiet hours never alert.
--
-- Read from the rollups (sales and returns per hour and day, the funnel's stages per hour, the
-- order risk rows) and two index range counts of the raw events, one window at a time, so one
-- evaluation of the last hours and day costs a few milliseconds. Runnable by hand:
--   select * from alert_evaluations('hour', now() - interval '1 day', now());
--   select * from evaluate_alerts(now());

-- ============================================================
-- THE KPIs AND THEIR THRESHOLDS
-- ============================================================
-- kind: how the counting noise of a window's volume n bounds the spread from below
--   count  sqrt(expected) (Poisson)
--   money  expected * sqrt(5 / n): a sum of n orders whose values vary twice as much as their mean
--          (order values have a long tail: one large order moves a quiet hour)
--   mean   2 expected / sqrt(n): the mean of n such orders (n: the fewer of observed and expected)
--   rate   sqrt(p (1 - p) / n) (binomial; n: the fewer of observed and expected)
-- direction: the changes that alert (a fall in fraud flags or checkout abandonment is good news)
-- scales_with: a KPI that grows with the shop's traffic has each earlier week's value scaled by
--   how much busier the 7 days before the window were than the 7 days before that week's
--   (orders, or sessions), at most 2x either way: a shop growing into Christmas is not an anomaly
-- min_volume_*: the expected volume (orders, sessions, checkouts, events) a window needs to be
--   judged; for fraud flags, the flags observed (the usual number is none)
-- min_change: the least relative change (against expected) that alerts, whatever the score
create or replace view alerts.kpis as
select kpi, label, kind, direction, volume_unit, scales_with, min_volume_hour, min_volume_day, min_change,
       warning_score, critical_score
from (values
    ('net_sales',            'Net sales',            'money', 'both', 'orders',    'orders',   10,  100, 0.30, 4.5, 8.0),
    ('orders',               'Orders',               'count', 'both', 'orders',    'orders',   10,  100, 0.30, 4.5, 8.0),
    ('average_order_value',  'Average order value',  'mean',  'both', 'orders',    null,       10,  100, 0.30, 4.5, 8.0),
    ('conversion_rate',      'Conversion rate',      'rate',  'both', 'sessions',  null,       50,  500, 0.30, 4.5, 8.0),
    ('add_to_cart_rate',     'Add-to-cart rate',     'rate',  'both', 'sessions',  null,       50,  500, 0.30, 4.5, 8.0),
    ('checkout_abandonment', 'Checkout abandonment', 'rate',  'up',   'checkouts', null,       10,  100, 0.20, 4.5, 8.0),
    ('fraud_flags',          'Fraud flags',          'count', 'up',   'flags',     null,        5,   10, 1.00, 4.5, 8.0),
    ('ingested_events',      'Ingested events',      'count', 'both', 'events',    'sessions', 100, 1000, 0.30, 4.5, 8.0)
) as k (kpi, label, kind, direction, volume_unit, scales_with, min_volume_hour, min_volume_day, min_change,
        warning_score, critical_score);

-- How many earlier weeks make a baseline, and how many of them must hold data (an imported shop
-- with less history is not judged: alert_history() says so).
create or replace function alert_baseline_weeks() returns int language sql immutable return 8;
create or replace function alert_min_samples() returns int language sql immutable return 4;

-- Black Friday to Cyber Monday (the Friday after the fourth Thursday of November to the Monday
-- after): the shop's planned peak, when traffic and sales are meant to be several times a usual
-- week's. Surges then are not alerted (falls are: an outage on Black Friday matters most).
create or replace function alert_sales_peak(day date) returns boolean
language sql immutable
return day between make_date(extract(year from day)::int, 11, 1)
                   + ((11 - extract(dow from make_date(extract(year from day)::int, 11, 1))::int) % 7) + 22
               and make_date(extract(year from day)::int, 11, 1)
                   + ((11 - extract(dow from make_date(extract(year from day)::int, 11, 1))::int) % 7) + 25;

-- The first moment the shop has data (orders or sessions): a window before it is no sample.
create or replace function alert_data_start() returns timestamptz
language sql stable
as $$
    select least((select min(hour) from rollups.sales_hours_folded),
                 (select min(hour) from rollups.sales_hours_pending),
                 (select min(first_day) from rollups.funnel_days_folded)::timestamp at time zone shop_time_zone(),
                 (select min(first_day) from rollups.funnel_days_pending)::timestamp at time zone shop_time_zone())
$$;

-- A KPI value in words: GBP with pence, a percentage with one decimal, or a whole count.
create or replace function alert_format(kind text, value numeric) returns text
language sql immutable
return case kind
    when 'money' then '£' || to_char(value, 'FM999,999,999,990.00')
    when 'mean'  then '£' || to_char(value, 'FM999,999,999,990.00')
    when 'rate'  then to_char(100 * value, 'FM990.0') || ' %'
    else to_char(value, 'FM999,999,999,990')
end;

-- Page views and cart events in [from_time, to_time): the one KPI counted from the raw tables, by
-- their time index. PL/pgSQL, not SQL: on a Citus cluster the two tables are distributed, and
-- Citus plans a query with parameters inside a SQL function not at all ("could not create
-- distributed plan"), inside PL/pgSQL with the values bound.
create or replace function alert_events(from_time timestamptz, to_time timestamptz) returns bigint
language plpgsql stable
as $$
begin
    return (select count(*) from page_views where viewed_at >= from_time and viewed_at < to_time)
         + (select count(*) from cart_events where event_at >= from_time and event_at < to_time);
end
$$;

-- The largest order's share of the order value (total_amount) placed in [from_time, to_time).
-- PL/pgSQL for the same reason as alert_events(); an index-only scan of the orders' time index.
create or replace function alert_largest_order_share(from_time timestamptz, to_time timestamptz) returns numeric
language plpgsql stable
as $$
begin
    return (select max(total_amount) / nullif(sum(total_amount), 0)
            from orders where created_at >= from_time and created_at < to_time);
end
$$;

-- ============================================================
-- KPI VALUES OF GIVEN WINDOWS
-- ============================================================
-- Grain: one row per (window start in buckets, KPI): its value (null when it has no volume to be
-- a ratio of) and its volume. grain 'hour': shop hours; 'day': shop days, given by their midnight.
-- Fraud flags count the orders of the window with a burst (a 4th order within the hour), a high
-- multiple (over 5 times the customer's earlier average) or a new account's (within an hour of
-- signup), from rollups.order_risk as of its last fold (card testing needs the raw orders).
-- Funnel stages are counted in the window they were reached in, for sessions that began that day
-- or the day before.
create or replace function alert_kpi_values(grain text, buckets timestamptz[])
returns table (bucket timestamptz, kpi text, value numeric, volume numeric)
language sql stable
as $$
with

windows as (
    select distinct b as bucket,
           case when grain = 'hour' then b + interval '1 hour'
                else (shop_day(b) + 1)::timestamp at time zone shop_time_zone() end as bucket_end,
           shop_day(b) as day
    from unnest(buckets) as b
),

measures as (
    select w.bucket, s.orders, s.placed_sales, r.returns, f.sessions, f.added, f.checkouts, f.ordered,
           e.events, x.flags
    from windows w
    cross join lateral (
        select coalesce(sum(orders), 0) as orders, coalesce(sum(gross_sales - discounts), 0) as placed_sales
        from (select orders, gross_sales, discounts from rollups.sales_hours
              where grain = 'hour' and hour = w.bucket
              union all
              select orders, gross_sales, discounts from rollups.sales_days
              where grain = 'day' and day = w.day) as sales
    ) as s
    cross join lateral (
        select coalesce(sum(returns), 0) as returns
        from (select returns from rollups.return_hours where grain = 'hour' and hour = w.bucket
              union all
              select returns from rollups.return_days where grain = 'day' and day = w.day) as r
    ) as r
    cross join lateral (
        select coalesce(sum(sessions) filter (where stage = 1), 0) as sessions,
               coalesce(sum(sessions) filter (where stage = 3), 0) as added,
               coalesce(sum(sessions) filter (where stage = 4), 0) as checkouts,
               coalesce(sum(sessions) filter (where stage = 5), 0) as ordered
        from rollups.funnel_days
        where first_day in (w.day, w.day - 1)
          and case when grain = 'hour' then reach_hour = w.bucket else reach_day = w.day end
    ) as f
    cross join lateral (select alert_events(w.bucket, w.bucket_end) as events) as e
    cross join lateral (
        select count(*) as flags
        from (select sum(total_amount) as total_amount, sum(earlier_orders) as earlier_orders,
                     sum(earlier_revenue) as earlier_revenue, sum(prior_hour_orders) as prior_hour_orders,
                     sum(new_account) as new_account
              from (-- the folded rows through their candidates' index (its very predicate), and the pending ones
                    select order_id, customer_id, created_at, total_amount, earlier_orders, earlier_revenue,
                           prior_hour_orders, new_account
                    from rollups.order_risk_folded
                    where created_at >= w.bucket and created_at < w.bucket_end
                      and (prior_hour_orders >= 3 or (earlier_orders > 0 and total_amount * earlier_orders >= 5 * earlier_revenue)
                           or new_account > 0)
                    union all
                    select order_id, customer_id, created_at, total_amount, earlier_orders, earlier_revenue,
                           prior_hour_orders, new_account
                    from rollups.order_risk_pending
                    where created_at >= w.bucket and created_at < w.bucket_end) as rows
              group by order_id, customer_id, created_at) as risk
        where prior_hour_orders >= 3
           or (earlier_orders > 0 and total_amount * earlier_orders > 5 * earlier_revenue)
           or new_account > 0
    ) as x
),

final as (
    select bucket, 'net_sales' as kpi, placed_sales - returns as value, orders as volume from measures
    union all
    select bucket, 'orders', orders, orders from measures
    union all
    select bucket, 'average_order_value', placed_sales / nullif(orders, 0), orders from measures
    union all
    select bucket, 'conversion_rate', ordered / nullif(sessions, 0), sessions from measures
    union all
    select bucket, 'add_to_cart_rate', added / nullif(sessions, 0), sessions from measures
    union all
    select bucket, 'checkout_abandonment', 1 - least(ordered, checkouts) / nullif(checkouts, 0), checkouts
    from measures
    union all
    select bucket, 'fraud_flags', flags, flags from measures
    union all
    select bucket, 'ingested_events', events, events from measures
)

select bucket, kpi, value, volume from final
$$;

-- The shop's level of activity before each day: orders placed and sessions begun in the 7 shop
-- days before it (not the day itself: an incident on the day does not move its own baseline).
create or replace function alert_levels(days date[]) returns table (day date, orders numeric, sessions numeric)
language sql stable
as $$
    select d,
           (select coalesce(sum(s.orders), 0) from rollups.sales_days s where s.day >= d - 7 and s.day < d),
           (select coalesce(sum(f.sessions), 0) from rollups.funnel_days f
            where f.stage = 1 and f.first_day >= d - 7 and f.first_day < d)
    from unnest(days) as d
$$;

-- ============================================================
-- EVALUATIONS OF A SPAN OF WINDOWS
-- ============================================================
-- Grain: one row per (KPI, complete window of the grain ending in (from_time, to_time]) with a
-- baseline: observed, expected (the median of the same local hour or weekday of the last
-- alert_baseline_weeks() weeks since the data starts), spread (1.4826 x MAD, at least the noise
-- floor), score, and severity and message when it alerts (null when it does not).
create or replace function alert_evaluations(grain text, from_time timestamptz, to_time timestamptz)
returns table (kpi text, grain text, window_start timestamptz, window_end timestamptz, observed numeric,
               expected numeric, spread numeric, score numeric, volume numeric, expected_volume numeric,
               samples int, severity text, direction text, message text)
language sql stable
as $$
with

params as (
    select grain as grain, from_time as from_time, to_time as to_time, alert_data_start() as data_start,
           shop_time_zone() as zone
),

windows as (
    select distinct on (local_start at time zone p.zone)  -- a clock change's missing hour is the next one
           local_start at time zone p.zone as window_start,
           (local_start + case when p.grain = 'hour' then interval '1 hour' else interval '1 day' end)
               at time zone p.zone as window_end,
           local_start
    from params p
    cross join lateral generate_series(
        case when p.grain = 'hour' then date_trunc('hour', p.from_time at time zone p.zone) - interval '1 hour'
             else date_trunc('day', p.from_time at time zone p.zone) - interval '1 day' end,
        p.to_time at time zone p.zone,
        case when p.grain = 'hour' then interval '1 hour' else interval '1 day' end) as local_start
),

complete_windows as (
    select w.*
    from windows w, params p
    where w.window_end > p.from_time and w.window_end <= p.to_time
      and w.window_start >= p.data_start
),

-- the window itself (weeks_back 0) and the same local hour or day of the weeks before it
buckets as (
    select w.window_start, w.window_end, k as weeks_back,
           (w.local_start - make_interval(days => 7 * k)) at time zone p.zone as bucket
    from complete_windows w, params p, generate_series(0, alert_baseline_weeks()) as k
),

kpi_values as (
    select * from alert_kpi_values((select grain from params), (select array_agg(distinct bucket) from buckets))
),

levels as (
    select * from alert_levels((select array_agg(distinct shop_day(bucket)) from buckets))
),

-- each earlier week's value scaled to the window's level of activity (kpis.scales_with)
valued as (
    select b.window_start, b.window_end, b.weeks_back, v.kpi,
           v.value * r.ratio as value, v.volume * r.ratio as volume
    from buckets b
    join kpi_values v on v.bucket = b.bucket
    join alerts.kpis k on k.kpi = v.kpi
    left join levels lw on lw.day = shop_day(b.window_start)
    left join levels ls on ls.day = shop_day(b.bucket)
    cross join lateral (
        select case when b.weeks_back = 0 or k.scales_with is null then 1
                    else least(2, greatest(0.5, coalesce(
                        case k.scales_with when 'orders' then lw.orders / nullif(ls.orders, 0)
                                           else lw.sessions / nullif(ls.sessions, 0) end, 1)))
               end as ratio
    ) as r
    cross join params p
    where b.weeks_back = 0 or (b.bucket >= p.data_start and v.value is not null)
),

-- per window and KPI: the window's own value and the median of the weeks before (one pass), then
-- the median absolute deviation from that median (over the few samples of each row)
medians as (
    select window_start, window_end, kpi,
           max(value) filter (where weeks_back = 0) as observed,
           max(volume) filter (where weeks_back = 0) as volume,
           (percentile_cont(0.5) within group (order by value) filter (where weeks_back > 0))::numeric as expected,
           (percentile_cont(0.5) within group (order by volume) filter (where weeks_back > 0))::numeric as expected_volume,
           (count(*) filter (where weeks_back > 0))::int as samples,
           array_agg(value) filter (where weeks_back > 0) as sample_values
    from valued
    group by window_start, window_end, kpi
),

scored as (
    select m.kpi, m.window_start, m.window_end, m.observed, m.expected, m.volume, m.expected_volume,
           m.samples, k.label, k.direction as allowed, k.min_change, k.warning_score, k.critical_score,
           case when (select grain from params) = 'hour' then k.min_volume_hour else k.min_volume_day end as min_volume,
           k.kpi = 'fraud_flags' as volume_observed,
           k.scales_with is not null as scales,
           greatest(1.4826 * (select percentile_cont(0.5) within group (order by abs(x - m.expected))
                              from unnest(m.sample_values) as x)::numeric,
                    case k.kind
                        when 'count' then sqrt(greatest(m.expected, 1))
                        when 'money' then abs(m.expected) * sqrt(5 / greatest(m.expected_volume, 1))
                        when 'mean'  then 2 * abs(m.expected) / sqrt(greatest(least(m.volume, m.expected_volume), 1))
                        else sqrt(greatest(m.expected * (1 - m.expected), 0.0001)
                                  / greatest(least(m.volume, m.expected_volume), 1))
                    end,
                    0.000001) as spread,
           k.kind
    from medians m
    join alerts.kpis k on k.kpi = m.kpi
    where m.samples >= alert_min_samples()
      and m.observed is not null
),

-- An upward net sales or order value that one order makes is that customer's (a gift, a bulk buy:
-- fraud_flags judges the customer), not the shop's: the window's value without its largest order
-- (taken out by its share of the window's order totals) must stray as far. A pricing error raises
-- every order, and still does.
without_largest as (
    select s.kpi, s.window_start,
           case s.kpi when 'net_sales' then s.observed * (1 - l.share)
                      else s.observed * (1 - l.share) * s.volume / nullif(s.volume - 1, 0) end as observed
    from scored s
    cross join lateral (select alert_largest_order_share(s.window_start, s.window_end) as share) as l
    where s.kpi in ('net_sales', 'average_order_value') and s.observed > s.expected
),

judged as (
    select s.*,
           round((s.observed - s.expected) / s.spread, 2) as score,
           (select (o.observed - s.expected) / s.spread from without_largest o
            where o.kpi = s.kpi and o.window_start = s.window_start) as score_without_largest,
           case when s.observed >= s.expected then 'up' else 'down' end as direction,
           abs(s.observed - s.expected) / nullif(abs(s.expected), 0) as change
    from scored s
),

alerting as (
    select j.*,
           case when (case when j.volume_observed then j.volume else j.expected_volume end) < j.min_volume then null
                when j.allowed <> 'both' and j.allowed <> j.direction then null
                when j.direction = 'up' and j.scales and alert_sales_peak(shop_day(j.window_start)) then null
                when j.score_without_largest < j.warning_score then null
                when coalesce(j.change, 1e9) < j.min_change then null
                when abs(j.score) >= j.critical_score then 'critical'
                when abs(j.score) >= j.warning_score then 'warning'
           end as severity
    from judged j
),

final as (
    select a.kpi, (select grain from params) as grain, a.window_start, a.window_end, a.observed, a.expected,
           a.spread, a.score, a.volume, a.expected_volume, a.samples, a.severity, a.direction,
           case when a.severity is not null then
               format('%s %s %s: %s against about %s usually (%s of the last %s weeks), %s.',
                      a.label,
                      case when (select grain from params) = 'hour'
                           then 'from ' || to_char(a.window_start at time zone (select zone from params), 'HH24:MI')
                                || ' to ' || to_char(a.window_end at time zone (select zone from params), 'HH24:MI')
                                || ' on ' || to_char(a.window_start at time zone (select zone from params), 'Dy DD Mon YYYY')
                           else 'on ' || to_char(a.window_start at time zone (select zone from params), 'Dy DD Mon YYYY') end,
                      case when a.direction = 'up' then 'rose' else 'fell' end,
                      alert_format(a.kind, a.observed), alert_format(a.kind, a.expected),
                      case when (select grain from params) = 'hour' then 'the same hour' else 'the same weekday' end,
                      a.samples,
                      case when a.expected = 0 then 'from none'
                           else to_char(round(100 * abs(a.observed - a.expected) / abs(a.expected)), 'FM999990')
                                || ' % ' || case when a.direction = 'up' then 'higher' else 'lower' end end)
           end as message
    from alerting a
)

select * from final
$$;

-- ============================================================
-- RAISING ALERTS
-- ============================================================
-- Judges the windows that ended at least a minute before as_of and were not judged yet (at most
-- the last 3 hours and 2 days: an outage of the evaluator longer than that is not made up for),
-- keeps each alert found, and returns the alerts raised now. The server calls it every minute: most
-- calls find no window newly ended and cost a lookup; one an hour judges an hour (about 10 ms at
-- scale 1), one a day a day too. One per KPI, grain and window: what was raised before is skipped.
create or replace function evaluate_alerts(as_of timestamptz) returns setof alerts.alerts
language plpgsql volatile
as $$
declare
    settle constant interval := interval '1 minute';
    span record;
    done timestamptz;
    judged_until timestamptz := as_of - settle;
begin
    for span in select * from (values ('hour', interval '3 hours'), ('day', interval '2 days')) as v (grain, back) loop
        select evaluated_until into done from alerts.evaluated where grain = span.grain for update;
        if done is null or done < judged_until then
            return query
                insert into alerts.alerts as a (kpi, grain, window_start, window_end, observed, expected, spread, score,
                                                volume, severity, direction, message)
                select e.kpi, e.grain, e.window_start, e.window_end, e.observed, e.expected, e.spread, e.score,
                       e.volume, e.severity, e.direction, e.message
                from alert_evaluations(span.grain, greatest(coalesce(done, '-infinity'), as_of - span.back),
                                       judged_until) as e
                where e.severity is not null
                on conflict (kpi, grain, window_start) do nothing
                returning a.*;
            insert into alerts.evaluated (grain, evaluated_until) values (span.grain, judged_until)
            on conflict (grain) do update set evaluated_until = excluded.evaluated_until;
        end if;
    end loop;
end
$$;

-- Tells the live dashboards when alerts are raised (the web server listens on shopflow_changes).
create or replace trigger alerts_notify_changes
    after insert on alerts.alerts
    for each statement execute function notify_shopflow_changes();
