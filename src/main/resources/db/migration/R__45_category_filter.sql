-- The category filter of the product reports (docs/filters.md): a category given by its id or its
-- slug stands for itself and every category below it. An unknown category is refused, naming the
-- parameter (SQLSTATE 22023, its COLUMN field 'category', which the report runner answers with a
-- 400 / a CLI error), rather than answering an empty report.
create or replace function category_filter(category text) returns setof int
language plpgsql stable as $$
declare
    root int;
begin
    if category = '' then
        return; -- not given (a Citus coordinator may evaluate the call though the report's "or" skips it)
    end if;
    select c.category_id into root
    from categories c
    where c.slug = category or (category ~ '^[0-9]{1,9}$' and c.category_id = category::int);
    if root is null then
        raise exception 'parameter ''category'' = ''%'' is not a category: give a category_id or slug (the report category_sales lists them)', category
            using errcode = '22023', column = 'category';
    end if;
    return query
    select d.descendant_id from category_descendants() d where d.ancestor_id = root;
end
$$;

-- The products of the category given and of every category below it (category_filter()); none
-- without one. A function, so that a report's query need not name products: on a Citus cluster a
-- reference table, read in a subplan of its own.
create or replace function category_filter_products(category text) returns setof int
language plpgsql stable as $$
begin
    return query
    select p.product_id from products p where p.category_id in (select category_filter(category));
end
$$;
