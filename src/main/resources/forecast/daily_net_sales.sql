-- The daily series forecasts fit: net sales (the sales model: gross sales less discounts of the
-- orders placed that shop day, less the returns dated that day) per shop day, zero on days
-- without any, from the day rollups.
-- grain:  one row per shop day from ? to ? (both included)
-- psql:   replace the ? with '2025-01-01', '2026-06-30'
with

days as (
    select d::date as day from generate_series(?::date, ?::date, interval '1 day') as d
),

sales as (
    select day, sum(gross_sales - discounts) as placed from rollups.sales_days group by day
),

returned as (
    select day, sum(returns) as returns from rollups.return_days group by day
),

final as (
    select days.day, coalesce(sales.placed, 0) - coalesce(returned.returns, 0) as net_sales
    from days
    left join sales using (day)
    left join returned using (day)
)

select day, net_sales from final order by day
