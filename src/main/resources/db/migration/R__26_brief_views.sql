-- The brief's v_revenue_summary view and mv_customer_lifetime materialized view, kept so the
-- lesson's psql workflow still works. They read the wall clock by nature: the reports answer the
-- same questions as of any moment.

-- The brief's KPI view, as written but for the shop's days (the session time zone).
-- A view cannot take a parameter, so it reads the wall clock (current_date): it answers "now"
-- only. Reports and tests use reports/revenue_summary.sql, which answers as of any moment.
create or replace view v_revenue_summary as
with periods as (
    select
        sum(case when created_at >= current_date then total_amount end)                     as today,
        sum(case when created_at >= current_date - 7 then total_amount end)                 as last_7_days,
        sum(case when created_at >= date_trunc('month', current_date) then total_amount end) as mtd,
        sum(case when created_at >= date_trunc('year', current_date) then total_amount end)  as ytd,
        sum(case when created_at >= date_trunc('month', current_date)
                  and created_at < date_trunc('month', current_date) + interval '1 month'
                 then total_amount end)                                                      as this_month,
        sum(case when created_at >= date_trunc('month', current_date) - interval '1 month'
                  and created_at < date_trunc('month', current_date)
                 then total_amount end)                                                      as last_month
    from orders
    where status not in ('cancelled', 'refunded')
)
select
    today,
    last_7_days,
    mtd,
    ytd,
    this_month,
    last_month,
    round(100.0 * (this_month - last_month) / nullif(last_month, 0), 1) as mom_growth_pct
from periods;

-- The brief's customer lifetime figures, all orders to date (no as_of: a materialized view is a
-- snapshot of the moment it was refreshed). reports/customer_lifetime.sql answers the same as of
-- any moment without a refresh. The unique index lets it refresh without blocking readers:
--   refresh materialized view concurrently mv_customer_lifetime;
drop materialized view if exists mv_customer_lifetime;

create materialized view mv_customer_lifetime as
select
    c.customer_id,
    c.email,
    c.tier,
    c.signup_date,
    count(distinct o.order_id)  as total_orders,
    sum(o.total_amount)         as lifetime_value,
    max(o.created_at)           as last_order_date,
    min(o.created_at)           as first_order_date,
    avg(o.total_amount)         as avg_order_value
from customers c
left join orders o
       on c.customer_id = o.customer_id
      and o.status not in ('cancelled', 'refunded')
group by c.customer_id, c.email, c.tier, c.signup_date;

create unique index idx_mv_customer_lifetime_customer on mv_customer_lifetime (customer_id);
