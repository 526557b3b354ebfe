package shopflow.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * Runs a unit of work in one transaction, retrying it when PostgreSQL aborts it for a
 * serialization failure or a deadlock. Those are the database protecting consistency, not the
 * caller's fault: the caller never sees them, only the result of a successful attempt.
 */
public final class Transactions {

    /** Enough for heavy contention on a small set of rows; each retry waits a little longer. */
    static final int MAX_ATTEMPTS = 20;

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private Transactions() {
    }

    public static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    if (!(e instanceof SQLException sql) || !isRetryable(sql) || attempt == MAX_ATTEMPTS) {
                        throw e;
                    }
                } finally {
                    connection.setAutoCommit(true);
                }
            }
            backOff(attempt);
        }
    }

    /** 40001 serialization_failure, 40P01 deadlock_detected. */
    static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    private static void backOff(int attempt) {
        // Jittered so that the transactions that collided do not collide again in step.
        long millis = ThreadLocalRandom.current().nextLong(1, 5L * Math.min(attempt, 10) + 2);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a transaction", e);
        }
    }
}
