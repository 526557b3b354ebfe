-- Predicted customer value (docs/customer-value.md): each customer's prediction from the last fit
-- of the models (clv_fits) and their orders as of the report's moment, the same formulas as
-- shopflow.clv.BgNbd and GammaGamma (a test holds them equal). Times in weeks, values in GBP.
-- The MBG/NBD (Batislam, Denizel and Filiztekin 2007): x repeat orders, the last t_x weeks and
-- the moment big_t weeks after the first order.

-- Gauss's hypergeometric 2F1(a, b; c; z) by its power series, for 0 <= z < 1: past the largest
-- term (a customer with many orders has growing terms first), stop at a negligible one.
create or replace function clv_hyp2f1(a double precision, b double precision, c double precision,
                                      z double precision)
returns double precision
language plpgsql immutable strict parallel safe as $$
declare
    term double precision := 1;
    total double precision := 1;
    n integer := 0;
begin
    if z < 0 or z >= 1 then
        raise exception '2F1 is summed for 0 <= z < 1 only, not z = %', z;
    end if;
    loop
        term := term * (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
        total := total + term;
        exit when abs(term) <= 1e-15 * abs(total) and (a + n + 1) * (b + n + 1) * z < (c + n + 1) * (n + 2);
        n := n + 1;
        if n >= 1000000 then
            raise exception '2F1(%, %; %; %) did not converge', a, b, c, z;
        end if;
    end loop;
    return total;
end;
$$;

-- The odds the customer has dropped out, against still being active.
create or replace function clv_dropout_odds(r double precision, alpha double precision, a double precision,
                                            b double precision, x integer, t_x double precision,
                                            big_t double precision)
returns double precision
language sql immutable strict parallel safe
return a / (b + x) * exp((r + x) * (ln(alpha + big_t) - ln(alpha + t_x)));

-- The probability the customer is still active.
create or replace function clv_probability_active(r double precision, alpha double precision, a double precision,
                                                  b double precision, x integer, t_x double precision,
                                                  big_t double precision)
returns double precision
language sql immutable strict parallel safe
return 1 / (1 + clv_dropout_odds(r, alpha, a, b, x, t_x, big_t));

-- The expected number of orders in the next t weeks.
create or replace function clv_expected_orders(r double precision, alpha double precision, a double precision,
                                               b double precision, x integer, t_x double precision,
                                               big_t double precision, t double precision)
returns double precision
language sql immutable strict parallel safe
return (a + b + x) / (a - 1)
       * (1 - exp((r + x) * ln((alpha + big_t) / (alpha + big_t + t)))
              * clv_hyp2f1(r + x, b + x + 1, a + b + x, t / (alpha + big_t + t)))
       / (1 + clv_dropout_odds(r, alpha, a, b, x, t_x, big_t));

-- The Gamma-Gamma expected value of each of the customer's next orders, from their n orders'
-- average (GBP).
create or replace function clv_expected_order_value(p double precision, q double precision, gamma double precision,
                                                    n integer, average double precision)
returns double precision
language sql immutable strict parallel safe
return p * (gamma + n * greatest(average, 0)) / (p * n + q - 1);
