package shopflow.forecast;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Arrays;
import javax.sql.DataSource;
import shopflow.db.DatabaseException;
import shopflow.db.SqlScripts;

/** A value per shop day from {@code first} on, one after the other (net sales, GBP). */
public record DailySeries(LocalDate first, double[] values) {

    private static final String NET_SALES = SqlScripts.read("forecast/daily_net_sales.sql");

    /** Daily net sales from {@code from} to {@code to}, both included, from the day rollups. */
    public static DailySeries netSales(DataSource dataSource, LocalDate from, LocalDate to) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(NET_SALES)) {
            s.setDate(1, Date.valueOf(from));
            s.setDate(2, Date.valueOf(to));
            double[] values = new double[(int) (to.toEpochDay() - from.toEpochDay() + 1)];
            try (ResultSet r = s.executeQuery()) {
                int i = 0;
                while (r.next()) {
                    values[i++] = r.getDouble(2);
                }
            }
            return new DailySeries(from, values);
        } catch (SQLException e) {
            throw new DatabaseException("reading daily net sales failed: " + e.getMessage(), e);
        }
    }

    public int size() {
        return values.length;
    }

    public LocalDate day(int index) {
        return first.plusDays(index);
    }

    public LocalDate last() {
        return day(values.length - 1);
    }

    /** The days before {@code day} (not included). */
    public DailySeries before(LocalDate day) {
        int end = (int) Math.max(0, Math.min(values.length, day.toEpochDay() - first.toEpochDay()));
        return new DailySeries(first, Arrays.copyOf(values, end));
    }

    /** The value of {@code day}. */
    public double on(LocalDate day) {
        return values[(int) (day.toEpochDay() - first.toEpochDay())];
    }
}
