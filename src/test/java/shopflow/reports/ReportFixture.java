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
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import shopflow.TestDatabases;
import shopflow.db.Database;

/**
 * The hand-made shop of {@code fixtures/shop.sql} (or no shop at all) in a fresh database for a
 * test class, and the reports run on it as of a moment. Registered on a static field, it loads the
 * shop before the class's first test and closes the database after its last:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ReportFixture shop = ReportFixture.shop();
 * }</pre>
 *
 * Results are compared as text rows ("1 | sessions | 7 | 100.0") so the scale of every number is
 * checked too.
 */
final class ReportFixture implements BeforeAllCallback, AfterAllCallback {

    /** The moment the fixture's expected results are worked out for: noon on 30 June 2026, BST. */
    static final OffsetDateTime AS_OF = OffsetDateTime.parse("2026-06-30T12:00+01:00");

    private static final ReportCatalog CATALOG = ReportCatalog.load();

    private final boolean withShop;
    private Database database;

    private ReportFixture(boolean withShop) {
        this.withShop = withShop;
    }

    /** The shop of {@code fixtures/shop.sql}, whose expected report results the tests work out as of {@link #AS_OF}. */
    static ReportFixture shop() {
        return new ReportFixture(true);
    }

    /** A database with the schema and no rows. */
    static ReportFixture empty() {
        return new ReportFixture(false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database = TestDatabases.fresh();
        if (withShop) {
            execute(database, resource("/fixtures/shop.sql"));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        database.close();
    }

    Database database() {
        return database;
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
        try (InputStream in = ReportFixture.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
