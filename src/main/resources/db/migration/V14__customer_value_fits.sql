-- Predicted customer value (docs/customer-value.md): the fitted MBG/NBD and Gamma-Gamma
-- parameters, one row per fit, as of the moment whose history was fitted. The reports read the
-- last fit as of their own as_of and work each customer's prediction out from it and the
-- customer's orders as of then; the fit itself runs in Java (on demand and daily in the server).
--
-- Grain: one row per fit. A fit that found too little history keeps the reason instead of
-- parameters, so the reports show no numbers rather than old ones.
create table clv_fits (
    fit_id         bigserial primary key,
    as_of          timestamptz not null,                 -- orders placed up to then, with their status then
    fitted_at      timestamptz not null default now(),
    buyers         int not null check (buyers >= 0),     -- customers with a counted order by as_of
    repeat_buyers  int not null check (repeat_buyers >= 0),
    -- MBG/NBD, times in weeks: purchase rate Gamma(r, alpha), dropout Beta(a, b)
    r              double precision check (r > 0),
    alpha          double precision check (alpha > 0),
    a              double precision check (a > 0),
    b              double precision check (b > 0),
    -- Gamma-Gamma, order values in GBP: Gamma(p, nu) per order, nu ~ Gamma(q, gamma)
    p              double precision check (p > 0),
    q              double precision check (q > 1),
    gamma          double precision check (gamma > 0),
    log_likelihood double precision,                     -- the MBG/NBD's, over the buyers
    seconds        double precision not null,            -- how long reading and fitting took
    reason         text,                                 -- why there is no model (too little history)
    check ((reason is null) = (r is not null and alpha is not null and a is not null and b is not null
                               and p is not null and q is not null and gamma is not null))
);
create index idx_clv_fits_as_of on clv_fits (as_of, fit_id);
