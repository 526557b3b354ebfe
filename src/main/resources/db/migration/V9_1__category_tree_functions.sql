-- The category tree as set-returning PL/pgSQL functions, for reports that join it with the order
-- tables. On Citus (docs/scale-out.md) a statement may hold a recursive CTE only when it reads
-- reference tables alone, and an SQL function is inlined into the statement that calls it; a
-- PL/pgSQL function runs on its own, and its rows join the distributed tables like any other.
-- Cycles are cut with a list of the ids visited, not the CYCLE clause, which Citus 13 sends to
-- the workers in a form they refuse ("column reference is_cycle is ambiguous").
-- A single node answers the same rows either way.

-- Every category with its path of names from the top and its depth (1 = top level). A category
-- on a cycle of parents (which the schema cannot prevent) has no top, so it is not listed.
create function category_paths()
returns table (category_id int, name varchar, parent_id int, name_path text[], level int)
language plpgsql stable as $$
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
create function category_descendants()
returns table (ancestor_id int, descendant_id int)
language plpgsql stable as $$
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
