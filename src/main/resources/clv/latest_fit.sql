-- The last fit of the customer-value models as of a moment: the one the reports use then.
-- grain: at most one row
-- psql:  replace the ? with '2026-06-30 12:00'
select fit_id, as_of, fitted_at, buyers, repeat_buyers, r, alpha, a, b, p, q, gamma, log_likelihood, seconds, reason
from clv_fits
where as_of <= ?::timestamptz
order by as_of desc, fit_id desc
limit 1
