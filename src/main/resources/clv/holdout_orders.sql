-- What bench clv scores the predictions against: each buyer's counted orders and their net sales
-- (GBP, the sales model's) in the six months before a cut-off (the naive prediction: the same
-- again) and in the held-out months after it (what happened). An order counts with its status at the end of its period: placed in it and
-- not cancelled or refunded by then.
-- grain:  one row per customer with a counted order by the cut-off
-- psql:   replace the ? with the cut-off, the start of the six months before it, the end of the held-out months
--         ('2026-06-04 00:00', '2025-12-04 00:00', '2026-12-04 00:00')
with

params as (
    select ?::timestamptz as cut_off, ?::timestamptz as before_from, ?::timestamptz as held_until
),

-- each order's status at the cut-off and at the end of the held-out months
status_at_cut_off as (
    select distinct on (changes.order_id) changes.order_id, changes.from_status
    from order_status_changes as changes, params
    where changes.changed_at > params.cut_off
    order by changes.order_id, changes.changed_at, changes.change_id
),

status_at_end as (
    select distinct on (changes.order_id) changes.order_id, changes.from_status
    from order_status_changes as changes, params
    where changes.changed_at > params.held_until
    order by changes.order_id, changes.changed_at, changes.change_id
),

history as (
    select
        orders.customer_id,
        count(*) filter (where orders.created_at > params.before_from) as last_six_months,
        coalesce(sum(order_sales.net_sales) filter (where orders.created_at > params.before_from), 0)
            as last_six_months_sales
    from params
    cross join orders
    join order_sales using (order_id)
    left join status_at_cut_off using (order_id)
    where orders.created_at <= params.cut_off
      and coalesce(status_at_cut_off.from_status, orders.status) not in ('cancelled', 'refunded')
    group by orders.customer_id
),

held_out as (
    select orders.customer_id, count(*) as held_out, sum(order_sales.net_sales) as held_out_sales
    from params
    cross join orders
    join order_sales using (order_id)
    left join status_at_end using (order_id)
    where orders.created_at > params.cut_off
      and orders.created_at <= params.held_until
      and coalesce(status_at_end.from_status, orders.status) not in ('cancelled', 'refunded')
    group by orders.customer_id
),

final as (
    select history.customer_id, history.last_six_months, coalesce(held_out.held_out, 0) as held_out,
           history.last_six_months_sales, coalesce(held_out.held_out_sales, 0) as held_out_sales
    from history
    left join held_out using (customer_id)
)

select * from final order by customer_id
