package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.reports.Audience;
import shopflow.reports.Report;
import shopflow.reports.ReportColumn;
import shopflow.reports.ReportException;
import shopflow.reports.ReportRunner;

/** The server's reports run as shopflow_reader: it reads the shop's tables, and nothing else. */
class ReaderRoleTest {

    private static final Database database = TestDatabases.fresh();

    @AfterAll
    static void close() {
        database.close();
    }

    private static Report report(String sql) {
        return new Report("probe", "?", "one row", Audience.AGGREGATE, List.of(),
                List.of(new ReportColumn("n", "rows", "a count", false)), sql, List.of(), "");
    }

    @Test
    void the_reader_role_reads_the_shop_tables() {
        var result = new ReportRunner(database.dataSource()).asRole(WebServer.READER_ROLE)
                .run(report("select count(*) as n from orders"), OffsetDateTime.now(), Map.of());
        assertThat(result.value(0, "n")).isEqualTo(0L);
    }

    @Test
    void the_reader_role_cannot_read_token_hashes_though_the_owner_can() {
        Report tokens = report("select count(*) as n from api.tokens");
        assertThat(new ReportRunner(database.dataSource()).run(tokens, OffsetDateTime.now(), Map.of()).value(0, "n"))
                .isEqualTo(0L);
        assertThatThrownBy(() -> new ReportRunner(database.dataSource()).asRole(WebServer.READER_ROLE)
                .run(tokens, OffsetDateTime.now(), Map.of()))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("permission denied");
    }

    @Test
    void the_reader_role_cannot_write_even_outside_a_read_only_transaction() throws Exception {
        try (var c = database.connection(); var s = c.createStatement()) {
            s.execute("set role " + WebServer.READER_ROLE);
            assertThatThrownBy(() -> s.execute("delete from orders")).hasMessageContaining("permission denied");
            s.execute("reset role");
        }
    }

    @Test
    void a_role_name_that_is_not_an_identifier_is_refused() {
        assertThatThrownBy(() -> new ReportRunner(database.dataSource()).asRole("x; drop table orders"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
