package shopflow.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;

class TransactionsTest {

    private static Database database;

    @BeforeAll
    static void open() {
        database = TestDatabases.fresh();
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void serialization_failures_and_deadlocks_are_retried_and_never_reach_the_caller() throws SQLException {
        AtomicInteger attempts = new AtomicInteger();
        String result = Transactions.inTransaction(database.dataSource(), connection -> {
            try (Statement s = connection.createStatement()) {
                s.execute("create table if not exists retried (n int)");
                s.execute("insert into retried values (" + attempts.get() + ")");
                int attempt = attempts.incrementAndGet();
                if (attempt <= 2) {
                    // Real errors from the server, as a conflicting transaction would cause them.
                    String state = attempt == 1 ? "40001" : "40P01";
                    s.execute("do $$ begin raise exception 'conflict' using errcode = '" + state + "'; end $$");
                }
                try (ResultSet row = s.executeQuery("select string_agg(n::text, ',') from retried")) {
                    row.next();
                    return row.getString(1);
                }
            }
        });
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(result).as("the failed attempts were rolled back").isEqualTo("2");
    }

    @Test
    void other_errors_are_not_retried() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> Transactions.inTransaction(database.dataSource(), connection -> {
            attempts.incrementAndGet();
            try (Statement s = connection.createStatement()) {
                s.execute("select 1 / 0");
            }
            return null;
        })).isInstanceOf(SQLException.class).hasMessageContaining("division by zero");
        assertThat(attempts.get()).isEqualTo(1);
    }
}
