-- RFM by segment scheme (issue 16): the scoring keeps its sums per score cell, so a report groups
-- them into the segments of any scheme, and each scored buyer's segment in both schemes, so
-- rfm_customers lists either scheme's segment in export order.
--
-- The rollups' money is net sales from now on (R__35_rollup_customer_orders.sql): a database
-- scored before this version reads its old figures until `shopflow refresh` rebuilds them.

-- Grain: one row per (r_score, f_score, m_score) that had customers at a scoring (0 customers
-- once a fold empties it): what rollups.rfm_segments held per segment.
create table rollups.rfm_cells (
    r_score    int not null,
    f_score    int not null,
    m_score    int not null,
    customers  bigint not null,
    spend      numeric not null,     -- net sales
    orders     numeric not null,
    last_days  numeric not null,     -- sum of the last orders' shop days, as days after 2000-01-01
    primary key (r_score, f_score, m_score)
);
drop table rollups.rfm_segments;

-- The segment in the brief's scheme (segment: the default R x F scheme).
alter table rollups.rfm_scored add column brief_segment text;
create index idx_rollup_rfm_scored_brief_export on rollups.rfm_scored (brief_segment, export_key);
