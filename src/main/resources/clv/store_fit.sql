-- Keeps one fit of the customer-value models (the parameters, or the reason there are none).
-- psql: replace the ? with as_of, buyers, repeat_buyers, r, alpha, a, b, p, q, gamma,
--       log_likelihood, seconds, reason
insert into clv_fits (as_of, buyers, repeat_buyers, r, alpha, a, b, p, q, gamma, log_likelihood, seconds, reason)
values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
returning fit_id, fitted_at
