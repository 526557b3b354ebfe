-- A whole new shop's rollups rebuilt in parts, side by side on connections of their own (the
-- generator's load): docs/rollups.md, "The reference SQL, verify and rebuild".
--
-- The product_sales family is most of a rebuild (at scale 1 its product days and spans, then its
-- product pairs, against every other family together), and one backend runs one query on one
-- core. Its two halves read the same raw rows and write different tables, and every rebuild locks
-- its sources in share mode (lock_for_rebuild()), so they run beside the other families, each in
-- a transaction of its own that empties its own tables first: rows inserted into a table
-- truncated in the same transaction skip the write-ahead log (wal_level minimal).

-- The parts: a name, the function that rebuilds it, and the rollup tables it writes that are
-- emptied first (rollups_emptied_by_part()). The last part is every other family, and its tables
-- every other folded and pending table, so a family added later (found by its name) lands there.
create or replace function rollup_rebuild_parts() returns table (part text, rebuild text, tables text[])
language sql stable as $$
    with own as (
        select * from (values
            (1, 'product days, spans and windows', 'rebuild_product_days_and_windows',
             array['product_days_folded', 'product_days_pending', 'product_spans_folded', 'product_windows_folded',
                   'category_windows_folded']),
            (2, 'baskets, pairs and the funnel''s traffic', 'rebuild_market_baskets_and_funnel_traffic',
             array['basket_days_folded', 'basket_days_pending', 'pair_days_folded', 'pair_days_pending',
                   'pair_months_folded']),
            (3, 'drill rows, basket facets and order facets', 'rebuild_order_facets_and_drill_rows',
             array['order_drill_rows_folded', 'basket_facet_orders_folded', 'basket_facet_days_folded',
                   'product_facet_days_folded', 'pair_facet_days_folded', 'order_facet_hours', 'order_facet_days'])
        ) as listed (position, part, rebuild, tables)
    ),
    other as (
        select 4 as position, 'every other family' as part, 'rebuild_rollups_after_generate' as rebuild,
               coalesce(array_agg(relname::text order by relname), '{}') as tables
        from pg_class
        where relkind = 'r' and relnamespace = 'rollups'::regnamespace
          and (relname like '%\_folded' or relname like '%\_pending')
          and relname::text <> all (select unnest(tables) from own)
    )
    select part, rebuild, tables
    from (select * from own union all select * from other) as parts
    order by position
$$;

-- The second part: the market basket's pairs, then the funnel's traffic hours (from the sessions the
-- generator wrote and the page views' landings, its own tables, which it empties by delete). The
-- traffic hours were the longest family of the last part, which finished last with one core idle;
-- after the baskets, the shortest part, the parts take about as long each. The traffic's rebuild
-- locks page_views in share mode, which the clickstream's indexes built meanwhile do not wait for
-- (its keys are built before the parts, as the next part needs).
create or replace function rebuild_market_baskets_and_funnel_traffic() returns void
language plpgsql as $$
begin
    perform rebuild_market_baskets();
    perform rebuild_funnel_traffic_rollups();
end
$$;

-- The third part: the filtered reports' rollups, computed per order from its dimensions (channel,
-- device, country, region, customer kind, coupon): the drill rows, then from their order rows the
-- market basket's facet days, then the order facets' hours and days, which read their dimensions
-- from the drill rows (their own tables, emptied here by truncate: their rows skip the write-ahead
-- log, as the folded tables' do). They read only the raw rows, and were about half of every other
-- family's time (at scale 1, in psql on a loaded machine: order facets 84 s, drill rows 16 s, the
-- other families and their indexes built again 117 s), which left that part running alone on one
-- core long after the others had finished. Page views are read from this part's start, so the
-- generator builds the clickstream's keys before the parts: a key added meanwhile would wait for
-- this part's commit, and every later lock on page views behind it.
create or replace function rebuild_order_facets_and_drill_rows() returns void
language plpgsql as $$
begin
    perform rebuild_order_drill_rollups();
    perform rebuild_order_facets_rollups();
end
$$;

-- Empties the given rollup tables (every folded and pending table when null; a part names any of
-- its own) with one truncate and drops their secondary indexes, keeping the definitions in the
-- temp table dropped_rollup_indexes for rollups/restore_rollup_indexes.sql to build them again
-- once the rows are in. The keys (primary and unique) stay, as the rebuilds read some tables
-- through them (the spans of each length from the one half its length), but those of the market basket's
-- pairs, which their rebuild only inserts into: millions of rows (some 18 million for a million
-- imported order lines), where one sort for the key after the rows costs a fraction of keeping it
-- row by row. On a Citus cluster too: the rollups are the coordinator's own tables (there the
-- write-ahead log is kept, but the index builds after the rows still beat keeping them: the product
-- days with their spans 42 -> 32 s at scale 1).
create or replace function empty_rollup_tables(only_tables text[] default null) returns void
language plpgsql as $$
declare
    idx record;
    emptied text;
begin
    create temp table if not exists dropped_rollup_indexes (name text, definition text) on commit drop;
    select string_agg(oid::regclass::text, ', ') into emptied
    from pg_class
    where relkind = 'r' and relnamespace = 'rollups'::regnamespace
      and (only_tables is null and (relname like '%\_folded' or relname like '%\_pending')
           or relname::text = any (only_tables));
    if emptied is null then
        return;
    end if;
    execute 'truncate ' || emptied;
    for idx in
        select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
        from pg_index i
        join pg_class t on t.oid = i.indrelid
        where t.relnamespace = 'rollups'::regnamespace
          and (only_tables is null and (t.relname like '%\_folded' or t.relname like '%\_pending')
               or t.relname::text = any (only_tables))
          and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
    loop
        insert into dropped_rollup_indexes (name, definition) values (idx.name, idx.definition);
        execute 'drop index ' || idx.name;
    end loop;
    for idx in
        select format('%s', k.conrelid::regclass) as name,
               format('alter table %s add constraint %I %s', k.conrelid::regclass, k.conname,
                      pg_get_constraintdef(k.oid)) as definition,
               k.conname
        from pg_constraint k
        where k.conrelid in ('rollups.pair_days_folded'::regclass, 'rollups.pair_months_folded'::regclass,
                             'rollups.pair_facet_days_folded'::regclass, 'rollups.product_facet_days_folded'::regclass)
          and k.contype in ('p', 'u')
          and (only_tables is null
               or (select relname::text from pg_class where oid = k.conrelid) = any (only_tables))
    loop
        insert into dropped_rollup_indexes (name, definition) values (idx.name, idx.definition);
        execute format('alter table %s drop constraint %I', idx.name, idx.conname);
    end loop;
end
$$;
