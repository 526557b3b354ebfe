package shopflow.clv;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import shopflow.db.DatabaseException;
import shopflow.db.SqlScripts;

/**
 * The fits kept in {@code clv_fits}: reads the buyers' histories as of a moment
 * ({@code clv/customer_history.sql}), fits the models and keeps the parameters, or the reason
 * there are none, for the reports to read.
 */
public final class CustomerValueFits {

    private static final String HISTORY = SqlScripts.read("clv/customer_history.sql");
    private static final String STORE = SqlScripts.read("clv/store_fit.sql");
    private static final String LATEST = SqlScripts.read("clv/latest_fit.sql");

    /** A kept fit: {@code model} empty with a {@code reason} when the history was too short. */
    public record Fit(long fitId, OffsetDateTime asOf, OffsetDateTime fittedAt, int buyers, int repeatBuyers,
            Optional<CustomerValueModel> model, double logLikelihood, double seconds, String reason) {
    }

    private final DataSource dataSource;

    public CustomerValueFits(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Every buyer's history as of {@code asOf}, in customer order. */
    public List<Buyer> buyers(OffsetDateTime asOf) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(HISTORY)) {
            s.setObject(1, asOf);
            s.setFetchSize(10_000);
            List<Buyer> buyers = new ArrayList<>();
            c.setAutoCommit(false);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    buyers.add(Buyer.ofDays(r.getLong("customer_id"), r.getInt("orders"), r.getInt("first_day"),
                            r.getInt("last_day"), r.getInt("as_of_day"), r.getDouble("avg_order_value")));
                }
            } finally {
                c.commit();
            }
            return buyers;
        } catch (SQLException e) {
            throw new DatabaseException("reading the customers' order histories failed: " + e.getMessage(), e);
        }
    }

    /** Fits the models on the history as of {@code asOf} and keeps the result (a too short history keeps its reason). */
    public Fit fitAndStore(OffsetDateTime asOf) {
        long started = System.nanoTime();
        List<Buyer> buyers = buyers(asOf);
        int repeat = (int) buyers.stream().filter(buyer -> buyer.orders() > 1).count();
        CustomerValueModel model = null;
        String reason = null;
        try {
            model = CustomerValueModel.fit(asOf, buyers);
        } catch (CustomerValueModel.TooLittleHistory e) {
            reason = e.getMessage();
        }
        double logLikelihood = model == null ? Double.NaN : model.orders().logLikelihood(buyers);
        double seconds = (System.nanoTime() - started) / 1e9;
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(STORE)) {
            s.setObject(1, asOf);
            s.setInt(2, buyers.size());
            s.setInt(3, repeat);
            double[] parameters = model == null ? null : new double[] {model.orders().r(), model.orders().alpha(),
                model.orders().a(), model.orders().b(), model.value().p(), model.value().q(), model.value().gamma(),
                logLikelihood};
            for (int i = 0; i < 8; i++) {
                if (parameters == null) {
                    s.setNull(4 + i, Types.DOUBLE);
                } else {
                    s.setDouble(4 + i, parameters[i]);
                }
            }
            s.setDouble(12, seconds);
            s.setString(13, reason);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return new Fit(r.getLong(1), asOf, r.getObject(2, OffsetDateTime.class), buyers.size(), repeat,
                        Optional.ofNullable(model), logLikelihood, seconds, reason);
            }
        } catch (SQLException e) {
            throw new DatabaseException("keeping the customer-value fit failed: " + e.getMessage(), e);
        }
    }

    /** The last fit as of {@code asOf}, the one the reports use then. */
    public Optional<Fit> latest(OffsetDateTime asOf) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(LATEST)) {
            s.setObject(1, asOf);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                OffsetDateTime fitAsOf = r.getObject("as_of", OffsetDateTime.class);
                Optional<CustomerValueModel> model = Optional.empty();
                if (r.getString("reason") == null) {
                    model = Optional.of(new CustomerValueModel(fitAsOf,
                            new BgNbd(r.getDouble("r"), r.getDouble("alpha"), r.getDouble("a"), r.getDouble("b"), true),
                            new GammaGamma(r.getDouble("p"), r.getDouble("q"), r.getDouble("gamma"))));
                }
                return Optional.of(new Fit(r.getLong("fit_id"), fitAsOf, r.getObject("fitted_at", OffsetDateTime.class),
                        r.getInt("buyers"), r.getInt("repeat_buyers"), model, r.getDouble("log_likelihood"),
                        r.getDouble("seconds"), r.getString("reason")));
            }
        } catch (SQLException e) {
            throw new DatabaseException("reading the customer-value fit failed: " + e.getMessage(), e);
        }
    }
}
