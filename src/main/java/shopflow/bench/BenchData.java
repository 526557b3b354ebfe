package shopflow.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import shopflow.db.Database;
import shopflow.db.DatabaseException;
import shopflow.generate.Generator;
import shopflow.generate.GeneratorSettings;

/** What a benchmark finds in its database before it starts, and the shop it generates into an empty one. */
public final class BenchData {

    private BenchData() {
    }

    public static long orders(Database database) {
        try (Connection c = database.connection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from orders")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new DatabaseException("cannot count the orders: " + e.getMessage(), e);
        }
    }

    /** Orders placed since the start of the shop's day. */
    public static long ordersToday(Database database) {
        try (Connection c = database.connection();
                PreparedStatement s = c.prepareStatement("select count(*) from orders where created_at >= ?")) {
            s.setObject(1, ZonedDateTime.now(database.timeZone()).truncatedTo(ChronoUnit.DAYS).toOffsetDateTime());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot count today's orders: " + e.getMessage(), e);
        }
    }

    /**
     * Generates a shop of {@code scale} as of {@code asOf} into an empty database, with the seed and
     * threads 'shopflow generate' defaults to, progress on stderr (stdout keeps the figures).
     */
    public static void generateShop(Database database, double scale, OffsetDateTime asOf) {
        GeneratorSettings settings = new GeneratorSettings(scale, 42, asOf, database.timeZone(),
                Runtime.getRuntime().availableProcessors(), false);
        new Generator(database, settings, System.err, System.console() != null).run();
    }

    /** The as-of of the last complete generate run, in the shop's zone: the moment its injected fraud was placed up to. */
    public static OffsetDateTime lastGeneratedAsOf(Database database) {
        try (Connection c = database.connection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select as_of from generator.runs where status = 'complete'"
                        + " order by run_id desc limit 1")) {
            if (rs.next()) {
                return rs.getObject(1, OffsetDateTime.class).atZoneSameInstant(database.timeZone()).toOffsetDateTime();
            }
        } catch (SQLException e) {
            // no generator.runs table: fall through to the same advice
        }
        throw new DatabaseException("no complete 'shopflow generate' run in this database: generate data first,"
                + " or give --as-of (generator.fraud_ground_truth must hold the injected fraud)");
    }
}
