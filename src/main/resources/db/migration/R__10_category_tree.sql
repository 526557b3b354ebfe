-- The category tree: its flattened ancestry (the table category_ancestry, kept by a trigger on
-- categories) and two set-returning functions the reports join with the order tables.

-- Every category with itself and its ancestors, rewritten whole by any write to categories (rare).
create or replace function refresh_category_ancestry() returns void
language plpgsql as $$
begin
    -- One writer at a time, and each one's rewrite in a statement after the lock: a writer that
    -- waited reads the tree with the other's change committed, so the last rewrite sees both.
    perform pg_advisory_xact_lock(hashtext('shopflow.category_ancestry'));
    delete from category_ancestry;
    insert into category_ancestry (category_id, ancestor_id)
    with recursive ancestry as (
        select category_id, category_id as ancestor_id, parent_id
        from categories
        union
        select ancestry.category_id, parent.category_id, parent.parent_id
        from ancestry
        join categories parent on parent.category_id = ancestry.parent_id
    )
    select distinct category_id, ancestor_id from ancestry;
end
$$;

create or replace function categories_ancestry_changed() returns trigger
language plpgsql as $$
begin
    perform refresh_category_ancestry();
    return null;
end
$$;

-- Not named <table>_rollups_<event>: suspend_rollups() must leave it on, the generator's COPY
-- into categories included. Triggers fire in name order, so it runs before
-- categories_rollups_category_update (R__37_rollup_category_orders.sql), which recounts the category rollup over the new tree.
create or replace trigger categories_ancestry_refresh after insert or update or delete or truncate on categories
    for each statement execute function categories_ancestry_changed();

-- The category tree as set-returning PL/pgSQL functions, for reports that join it with the order
-- tables. On Citus (docs/scale-out.md) a statement may hold a recursive CTE only when it reads
-- reference tables alone, and an SQL function is inlined into the statement that calls it; a
-- PL/pgSQL function runs on its own, and its rows join the distributed tables like any other.
-- Cycles are cut with a list of the ids visited, not the CYCLE clause, which Citus 13 sends to
-- the workers in a form they refuse ("column reference is_cycle is ambiguous").
-- A single node answers the same rows either way.
--
-- Both are parallel safe (they only read categories). Left at the default, parallel unsafe, a
-- single one of them in a statement keeps the whole statement on one core: category_sales, which
-- reads them, lost its parallel scan of the 100,000 product rollup rows at scale 10 and went from
-- 73 ms to 125 ms when it moved from recursive CTEs to these functions (measured with psql on an
-- idle machine, the same shop, five runs each).

-- Every category with its path of names from the top and its depth (1 = top level). A category
-- on a cycle of parents (which the schema cannot prevent) has no top, so it is not listed.
create or replace function category_paths()
returns table (category_id int, name varchar, parent_id int, name_path text[], level int)
language plpgsql stable parallel safe as $$
#variable_conflict use_column
begin
    return query
    with recursive category_tree as (
        select c.category_id, c.name, c.parent_id, array[c.name::text] as name_path, 1 as level,
               array[c.category_id] as visited
        from categories c
        where c.parent_id is null
        union all
        select child.category_id, child.name, child.parent_id,
               category_tree.name_path || child.name::text, category_tree.level + 1,
               category_tree.visited || child.category_id
        from categories child
        join category_tree on child.parent_id = category_tree.category_id
        where child.category_id <> all (category_tree.visited)
    )
    select t.category_id, t.name, t.parent_id, t.name_path, t.level
    from category_tree t;
end
$$;

-- Every (category, category at or below it) pair: a category is its own descendant; a cycle of
-- parents is followed once round.
create or replace function category_descendants()
returns table (ancestor_id int, descendant_id int)
language plpgsql stable parallel safe as $$
#variable_conflict use_column
begin
    return query
    with recursive descendants as (
        select c.category_id as ancestor_id, c.category_id as descendant_id, array[c.category_id] as visited
        from categories c
        union all
        select descendants.ancestor_id, child.category_id, descendants.visited || child.category_id
        from descendants
        join categories child on child.parent_id = descendants.descendant_id
        where child.category_id <> all (descendants.visited)
    )
    select d.ancestor_id, d.descendant_id
    from descendants d;
end
$$;
