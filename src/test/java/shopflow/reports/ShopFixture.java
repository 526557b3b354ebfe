package shopflow.reports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import shopflow.TestDatabases;
import shopflow.db.Database;

/**
 * The hand-made shop of {@code fixtures/shop.sql} in a fresh database, and the reports run on it
 * as of a moment. Results are compared as text rows ("1 | sessions | 7 | 100.0") so the scale of
 * every number is checked too.
 */
final class ShopFixture implements AutoCloseable {

    /** The moment the fixture's expected results are worked out for: noon on 30 June 2026, BST. */
    static final OffsetDateTime AS_OF = OffsetDateTime.parse("2026-06-30T12:00+01:00");

    private static final ReportCatalog CATALOG = ReportCatalog.load();

    final Database database;

    private ShopFixture(Database database) {
        this.database = database;
    }

    static ShopFixture load() {
        Database database = TestDatabases.fresh();
        execute(database, resource("/fixtures/shop.sql"));
        return new ShopFixture(database);
    }

    static ShopFixture empty() {
        return new ShopFixture(TestDatabases.fresh());
    }

    ReportResult run(String report, OffsetDateTime asOf, Map<String, String> parameters) {
        return new ReportRunner(database.dataSource()).run(CATALOG.get(report), asOf, parameters);
    }

    ReportResult run(String report, Map<String, String> parameters) {
        return run(report, AS_OF, parameters);
    }

    ReportResult run(String report) {
        return run(report, AS_OF, Map.of());
    }

    /** Each row's values in the given columns, joined by " | "; null as "null". */
    static List<String> rows(ReportResult result, String... columns) {
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < result.rows().size(); r++) {
            int row = r;
            rows.add(java.util.Arrays.stream(columns)
                    .map(column -> text(result.value(row, column)))
                    .collect(Collectors.joining(" | ")));
        }
        return rows;
    }

    private static String text(Object value) {
        if (value instanceof java.math.BigDecimal number) {
            return number.toPlainString();
        }
        return String.valueOf(value);
    }

    static void execute(Database database, String sql) {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static String resource(String path) {
        try (InputStream in = ShopFixture.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        database.close();
    }
}
