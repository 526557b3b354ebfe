-- shop_vitals' product figures of the shop days first_day..last_day in one row: the sales (gross
-- sales less discounts of the orders placed, no returns) of the products with an order, the
-- returns (net sales of the lines cancelled or refunded then, whenever placed), the best-selling
-- product's sales and the sum of the first `top` products' sales.
--
-- When a kept window is exactly those days (product_window_kept()), none of it sums a row per
-- product:
--   * the totals are the window's category rows (rollups.category_windows_folded: every product
--     with a category), the kept rows of the products without a category, and the window's
--     pending product days;
--   * the first `top` come from the kept rows in sales order (the index on gross_sales - discounts)
--     beside the products with pending days: a product without pending days has its kept row as
--     its answer, so any of them among the true first `top` is among the first `top` of them in
--     the kept order (the sum of the first `top` does not depend on how ties are broken).
-- The totals of the products with an order equal the totals of every product: a product without
-- an order in the window has no sales in it (its gross sales and discounts are zero).
-- Otherwise every product's rows from the spans and days, as product_window_rows() returns them.
-- One snapshot (a stable function): the window, its category rows and pending days agree.
-- On a cluster (no triggers on products) a product taken out of the category tree stays in its
-- old category's rows until a rebuild, and counts twice in the totals until then.
create or replace function product_window_sales_shares(first_day date, last_day date, top int)
returns table (sales numeric, returns numeric, top_product_sales numeric, top_sales numeric)
language plpgsql stable rows 1 as $$
declare
    kept_id smallint := product_window_kept(first_day, last_day);
begin
    if kept_id is null then
        return query
        with product_figures as materialized (
            select window_rows.product_id, sum(window_rows.gross_sales - window_rows.discounts) as sales,
                   sum(window_rows.returns) as returns, sum(window_rows.orders) as orders
            from product_window_rows(first_day, last_day) as window_rows
            group by window_rows.product_id
        ),
        leaders as (
            select product_figures.sales from product_figures
            where product_figures.orders > 0
            order by product_figures.sales desc
            limit top
        )
        select (select sum(product_figures.sales) from product_figures where product_figures.orders > 0),
               (select coalesce(sum(product_figures.returns), 0) from product_figures),
               (select max(leaders.sales) from leaders),
               (select sum(leaders.sales) from leaders);
        return;
    end if;
    return query
    with pending as materialized (
        select * from rollups.product_days_pending as pending
        where pending.day between first_day and last_day
    ),
    pending_products as materialized (
        select distinct pending.product_id from pending
    ),
    -- the products with pending days: their kept rows and pending days summed
    corrected as (
        select rows.product_id, sum(rows.sales) as sales, sum(rows.orders) as orders
        from (
            select kept.product_id, kept.gross_sales - kept.discounts as sales, kept.orders
            from rollups.product_windows_folded as kept
            where kept.window_id = kept_id
              and kept.product_id in (select pending_products.product_id from pending_products)
            union all
            select pending.product_id, pending.gross_sales - pending.discounts, pending.orders
            from pending
        ) as rows
        group by rows.product_id
    ),
    kept_leaders as (
        select kept.gross_sales - kept.discounts as sales
        from rollups.product_windows_folded as kept
        where kept.window_id = kept_id
          and kept.orders > 0
          and kept.product_id not in (select pending_products.product_id from pending_products)
        order by kept.gross_sales - kept.discounts desc
        limit top
    ),
    leaders as (
        select candidates.sales
        from (
            select kept_leaders.sales from kept_leaders
            union all
            select corrected.sales from corrected where corrected.orders > 0
        ) as candidates
        order by candidates.sales desc
        limit top
    ),
    totals as (
        select sum(rows.sales) as sales, coalesce(sum(rows.returns), 0) as returns
        from (
            select categorised.gross_sales - categorised.discounts as sales, categorised.returns
            from rollups.category_windows_folded as categorised
            where categorised.window_id = kept_id
            union all
            select kept.gross_sales - kept.discounts, kept.returns
            from rollups.product_windows_folded as kept
            join products on products.product_id = kept.product_id
            where kept.window_id = kept_id
              and products.category_id is null
            union all
            select pending.gross_sales - pending.discounts, pending.returns
            from pending
        ) as rows
    )
    select totals.sales, totals.returns,
           (select max(leaders.sales) from leaders),
           (select sum(leaders.sales) from leaders)
    from totals;
end
$$;
