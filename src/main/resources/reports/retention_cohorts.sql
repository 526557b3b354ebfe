-- Retention cohorts: do customers come back after their first order?
--
-- question: Of the customers whose first order fell in each month, what share ordered again 1, 2, ... 12 months later?
-- grain:    one row per cohort month (the month of a customer's first order), oldest first; the last N months up to as_of's month, empty months included
-- audience: aggregate
-- param:    cohorts | integer | 12 | 1..120 | number of cohort months, ending with as_of's month
-- column:   cohort_month | date      | first day of the cohort's month (shop's time zone)
-- column:   customers    | customers | customers whose first order was placed that month
-- column:   month_1_pct  | %         | share of the cohort who ordered in the month after, one decimal; null when that month had not begun by as_of or the cohort is empty
-- column:   month_2_pct  | %         | the same, two months after
-- column:   month_3_pct  | %         | three months after
-- column:   month_4_pct  | %         | four months after
-- column:   month_5_pct  | %         | five months after
-- column:   month_6_pct  | %         | six months after
-- column:   month_7_pct  | %         | seven months after
-- column:   month_8_pct  | %         | eight months after
-- column:   month_9_pct  | %         | nine months after
-- column:   month_10_pct | %         | ten months after
-- column:   month_11_pct | %         | eleven months after
-- column:   month_12_pct | %         | twelve months after
-- column:   month_in_progress | month | the row's cell in as_of's month, which is not complete at as_of: k for month_k_pct, 0 for the cohort of as_of's month (its customers still arriving), null past month 12
--
-- Counted orders are those placed up to as_of and not cancelled or refunded at as_of (each
-- order's status then: one refunded after as_of still counts). A cohort is the month of a
-- customer's first counted order. Months are calendar months in the shop's time zone. A month
-- counts once it has begun by as_of: as_of's own month is shown, partly elapsed, and marked by
-- month_in_progress (its share can still grow until the month ends); later months are null, not 0.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v cohorts=12 -f retention_cohorts.sql
--
-- Reads cohort_months_as_of() (R__34_rollup_cohorts.sql): rollups.cohort_months_folded
-- (customers per cohort month and month they ordered in, as of the last fold) with the customers
-- with pending changes moved to their current pairs, then the customers whose orders as of as_of
-- differ from the rollup's in the months shown (none for "now") moved to their pairs as of as_of.
-- A few hundred rollup rows instead of every order. The full-scan version is
-- reference/retention_cohorts.sql.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?cohorts} \else \set cohorts 12 \endif

with

params as (
    select
        date_trunc('month', :as_of::timestamptz)::date                        as as_of_month,
        (date_trunc('month', :as_of::timestamptz)
            - make_interval(months => :cohorts::int - 1))::date                as first_cohort_month
),

-- (cohort month, month ordered in): customers as of as_of, of the cohorts shown
pair_counts as (
    select cohort_months.cohort_month, cohort_months.activity_month, cohort_months.customers
    from params, cohort_months_as_of(:as_of::timestamptz) as cohort_months
    where cohort_months.cohort_month >= params.first_cohort_month
),

cohort_spine as (
    select generate_series(params.first_cohort_month, params.as_of_month, interval '1 month')::date as cohort_month
    from params
),

cohort_sizes as (
    select cohort_month, customers
    from pair_counts
    where activity_month = cohort_month
),

returning_counts as (
    select
        cohort_month,
        ((extract(year from activity_month) - extract(year from cohort_month)) * 12
          + extract(month from activity_month) - extract(month from cohort_month))::int as month_number,
        customers as returning_customers
    from pair_counts
),

-- one cell: the share of the cohort back in month k, or null if month k had not begun by as_of
cells as (
    select
        cohort_spine.cohort_month,
        months.month_number,
        case
            when (cohort_spine.cohort_month + make_interval(months => months.month_number))::date <= params.as_of_month
            then round(100.0 * coalesce(returning_counts.returning_customers, 0) / nullif(cohort_sizes.customers, 0), 1)
        end as pct
    from cohort_spine
    cross join generate_series(1, 12) as months (month_number)
    cross join params
    left join cohort_sizes using (cohort_month)
    left join returning_counts
           on returning_counts.cohort_month = cohort_spine.cohort_month
          and returning_counts.month_number = months.month_number
),

final as (
    select
        cohort_spine.cohort_month,
        coalesce(cohort_sizes.customers, 0)                  as customers,
        max(cells.pct) filter (where cells.month_number = 1)  as month_1_pct,
        max(cells.pct) filter (where cells.month_number = 2)  as month_2_pct,
        max(cells.pct) filter (where cells.month_number = 3)  as month_3_pct,
        max(cells.pct) filter (where cells.month_number = 4)  as month_4_pct,
        max(cells.pct) filter (where cells.month_number = 5)  as month_5_pct,
        max(cells.pct) filter (where cells.month_number = 6)  as month_6_pct,
        max(cells.pct) filter (where cells.month_number = 7)  as month_7_pct,
        max(cells.pct) filter (where cells.month_number = 8)  as month_8_pct,
        max(cells.pct) filter (where cells.month_number = 9)  as month_9_pct,
        max(cells.pct) filter (where cells.month_number = 10) as month_10_pct,
        max(cells.pct) filter (where cells.month_number = 11) as month_11_pct,
        max(cells.pct) filter (where cells.month_number = 12) as month_12_pct,
        -- months from the cohort's month to as_of's: the cell of as_of's month
        nullif(least(((extract(year from params.as_of_month) - extract(year from cohort_spine.cohort_month)) * 12
                      + extract(month from params.as_of_month) - extract(month from cohort_spine.cohort_month))::int,
                     13), 13)                         as month_in_progress
    from cohort_spine
    cross join params
    left join cohort_sizes using (cohort_month)
    join cells using (cohort_month)
    group by cohort_spine.cohort_month, cohort_sizes.customers, params.as_of_month
)

select * from final
order by cohort_month;
