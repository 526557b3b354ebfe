-- Predicted customer value (docs/customer-value.md): each customer's prediction from the last fit
-- of the models (clv_fits) and their orders as of the report's moment, the same formulas as
-- shopflow.clv.BgNbd and GammaGamma (a test holds them equal). Times in weeks, values in GBP.
-- The MBG/NBD (Batislam, Denizel and Filiztekin 2007): x repeat orders, the last t_x weeks and
-- the moment big_t weeks after the first order.

-- Gauss's hypergeometric 2F1(a, b; c; z) by its power series, for 0 <= z < 1, as
-- shopflow.clv.Hypergeometric: with Euler's transformation 2F1(a, b; c; z) = (1 - z)^(c - a - b)
-- 2F1(c - a, c - b; c; z) whenever it makes the numerators smaller (for the model's arguments they
-- become a + b - r and a - 1 whatever the customer's orders, and the series ends in a few terms);
-- past the largest term (peak: the larger root of (a + n)(b + n) z = (c + n)(n + 1)), the first
-- below 1e-12 of the sum ends it. This loop is most of a report's time for its predictions.
create or replace function clv_hyp2f1(a double precision, b double precision, c double precision,
                                      z double precision)
returns double precision
language plpgsql immutable strict parallel safe as $$
declare
    factor double precision := 1;
    term double precision := 1;
    total double precision := 1;
    qa double precision;
    qb double precision;
    qc double precision;
    peak integer;
    -- a float8 constant: a bare 1e-12 is numeric, and numeric arithmetic in the loop costs 3 times more
    tolerance constant double precision := 1e-12;
begin
    if z < 0 or z >= 1 then
        raise exception '2F1 is summed for 0 <= z < 1 only, not z = %', z;
    end if;
    if abs((c - a) * (c - b)) < abs(a * b) then
        factor := (1 - z) ^ (c - a - b);
        a := c - a;
        b := c - b;
    end if;
    qa := 1 - z;
    qb := c + 1 - (a + b) * z;
    qc := c - a * b * z;
    peak := ceil(greatest(0, -a, -b, (-qb + sqrt(greatest(0, qb * qb - 4 * qa * qc))) / (2 * qa)));
    for n in 0 .. 1000000 loop
        term := term * (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
        total := total + term;
        if abs(term) <= tolerance * abs(total) and n >= peak then
            return factor * total;
        end if;
    end loop;
    raise exception '2F1(%, %; %; %) did not converge', a, b, c, z;
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
