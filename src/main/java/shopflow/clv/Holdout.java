package shopflow.clv;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import shopflow.db.DatabaseException;
import shopflow.db.SqlScripts;

/**
 * The customer-value models against what happened: fitted on the orders up to a cut-off, their
 * expected orders over the {@link #MONTHS} after it are compared, customer by customer, with the
 * orders those customers really placed, beside the naive prediction "as many as in the six months
 * before the cut-off", and so are their expected net sales (the orders times Gamma-Gamma's expected
 * order value) with their net sales, beside "as much as in the six months before". Customers are grouped in deciles by their history at the cut-off (most orders
 * first, then the longest since their last order), which neither prediction chooses.
 */
public final class Holdout {

    /** The months held out after the cut-off, and the months the naive prediction repeats. */
    public static final int MONTHS = 6;

    private static final String SPAN = SqlScripts.read("clv/order_span.sql");
    private static final String ORDERS = SqlScripts.read("clv/holdout_orders.sql");

    /** Errors of one group of customers: mean actual and predicted orders, mean absolute errors. */
    public record Scores(int customers, double actual, double model, double naive, double modelMae, double naiveMae,
            double modelRmse, double naiveRmse) {
    }

    /**
     * The whole result: the fit's figures, every customer's scores and each decile's, of orders and of
     * net sales (GBP).
     */
    public record Result(OffsetDateTime cutOff, OffsetDateTime heldUntil, CustomerValueModel model, double fitSeconds,
            Scores overall, List<Scores> deciles, Scores spend, List<Scores> spendDeciles) {
    }

    private Holdout() {
    }

    /** The moment of the shop's last order; a shop without orders is refused. */
    public static OffsetDateTime lastOrder(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(SPAN);
                ResultSet r = s.executeQuery()) {
            r.next();
            OffsetDateTime last = r.getObject("last_order_at", OffsetDateTime.class);
            if (last == null) {
                throw new CustomerValueModel.TooLittleHistory("no orders: nothing to predict customer value from");
            }
            return last;
        } catch (SQLException e) {
            throw new DatabaseException("reading the span of the orders failed: " + e.getMessage(), e);
        }
    }

    /** Fits on the orders up to {@code cutOff} and scores the next {@link #MONTHS} months. */
    public static Result run(DataSource dataSource, OffsetDateTime cutOff) {
        OffsetDateTime last = lastOrder(dataSource);
        OffsetDateTime heldUntil = cutOff.plusMonths(MONTHS);
        if (heldUntil.isAfter(last)) {
            throw new IllegalArgumentException("the cut-off " + cutOff + " leaves under " + MONTHS + " months of orders"
                    + " after it to compare with (the last order was placed at " + last + "): give a cut-off on or"
                    + " before " + last.minusMonths(MONTHS));
        }
        long started = System.nanoTime();
        List<Buyer> buyers = new CustomerValueFits(dataSource).buyers(cutOff);
        CustomerValueModel model = CustomerValueModel.fit(cutOff, buyers);
        double fitSeconds = (System.nanoTime() - started) / 1e9;
        Map<Long, double[]> orders = ordersAround(dataSource, cutOff, cutOff.minusMonths(MONTHS), heldUntil);
        double weeks = ChronoUnit.DAYS.between(cutOff.toLocalDate(), heldUntil.toLocalDate()) / 7.0;

        int n = buyers.size();
        double[] predicted = new double[n];
        double[] naive = new double[n];
        double[] actual = new double[n];
        double[] predictedSpend = new double[n];
        double[] naiveSpend = new double[n];
        double[] actualSpend = new double[n];
        for (int i = 0; i < n; i++) {
            Buyer buyer = buyers.get(i);
            double[] around = orders.getOrDefault(buyer.customerId(), new double[4]);
            predicted[i] = model.orders().expectedOrders(buyer, weeks);
            naive[i] = around[0];
            actual[i] = around[1];
            predictedSpend[i] = predicted[i] * model.value().expectedOrderValue(buyer.orders(), buyer.avgOrderValue());
            naiveSpend[i] = around[2];
            actualSpend[i] = around[3];
        }
        // deciles by the history at the cut-off: most orders first, then the longest since the last order
        List<Integer> ranked = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ranked.add(i);
        }
        ranked.sort(Comparator.<Integer>comparingInt(i -> buyers.get(i).orders())
                .thenComparingDouble(i -> buyers.get(i).ageWeeks() - buyers.get(i).lastWeek()).reversed()
                .thenComparingLong(i -> buyers.get(i).customerId()));
        List<Scores> deciles = new ArrayList<>();
        List<Scores> spendDeciles = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            List<Integer> decile = ranked.subList(n * d / 10, n * (d + 1) / 10);
            deciles.add(scores(decile, predicted, naive, actual));
            spendDeciles.add(scores(decile, predictedSpend, naiveSpend, actualSpend));
        }
        return new Result(cutOff, heldUntil, model, fitSeconds, scores(ranked, predicted, naive, actual), deciles,
                scores(ranked, predictedSpend, naiveSpend, actualSpend), spendDeciles);
    }

    static Scores scores(List<Integer> group, double[] predicted, double[] naive, double[] actual) {
        double a = 0;
        double m = 0;
        double nv = 0;
        double modelAbs = 0;
        double naiveAbs = 0;
        double modelSq = 0;
        double naiveSq = 0;
        for (int i : group) {
            a += actual[i];
            m += predicted[i];
            nv += naive[i];
            modelAbs += Math.abs(predicted[i] - actual[i]);
            naiveAbs += Math.abs(naive[i] - actual[i]);
            modelSq += (predicted[i] - actual[i]) * (predicted[i] - actual[i]);
            naiveSq += (naive[i] - actual[i]) * (naive[i] - actual[i]);
        }
        int k = group.size();
        return new Scores(k, a / k, m / k, nv / k, modelAbs / k, naiveAbs / k, Math.sqrt(modelSq / k), Math.sqrt(naiveSq / k));
    }

    /** Per customer: orders before, orders held out, net sales before, net sales held out. */
    private static Map<Long, double[]> ordersAround(DataSource dataSource, OffsetDateTime cutOff, OffsetDateTime from,
            OffsetDateTime heldUntil) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(ORDERS)) {
            s.setObject(1, cutOff);
            s.setObject(2, from);
            s.setObject(3, heldUntil);
            Map<Long, double[]> out = new HashMap<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getLong(1), new double[] {r.getInt(2), r.getInt(3), r.getDouble(4), r.getDouble(5)});
                }
            }
            return out;
        } catch (SQLException e) {
            throw new DatabaseException("reading the orders around the cut-off failed: " + e.getMessage(), e);
        }
    }
}
