package shopflow.generate;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import shopflow.db.Database;
import shopflow.reports.AsOf;

/** Test helpers: generate into a test database, query single values. */
final class GeneratedData {

    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final String AS_OF = "2026-06-30T12:00";

    private GeneratedData() {
    }

    static GenerationReport generate(Database database, double scale, int threads) {
        return new Generator(database, new GeneratorSettings(scale, 42, AsOf.parse(AS_OF, LONDON), LONDON, threads, true),
                null, false).run();
    }

    static double number(Database database, String sql) {
        try (Connection c = database.connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getDouble(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static List<String> strings(Database database, String sql) {
        try (Connection c = database.connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (r.next()) {
                values.add(r.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
