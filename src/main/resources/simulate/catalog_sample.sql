-- A random sample of what traffic tools (shopflow simulate) can refer to: 200 active customers,
-- and 200 active products, those in stock first.
--
-- grain:  one row, two JSON arrays of ids
-- psql:   runs as it is
-- (The products in stock are found by a join with a subquery, not a correlated `exists` per
-- product: on a Citus cluster stock is distributed and products a reference table, and Citus
-- refuses a correlated subquery there.)
select
    (select coalesce(json_agg(customer_id), '[]')
     from (select customer_id from customers where is_active order by random() limit 200) as sampled)
        as customer_ids,
    (select coalesce(json_agg(product_id), '[]')
     from (
         select products.product_id
         from products
         left join (select distinct inventory.product_id from inventory where inventory.quantity > 0) as in_stock
             on in_stock.product_id = products.product_id
         where products.is_active is not false
         order by in_stock.product_id is not null desc, random()
         limit 200
     ) as sampled)
        as product_ids;
