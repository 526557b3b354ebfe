package shopflow.scaleout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import shopflow.db.Database;
import shopflow.db.DatabaseException;
import shopflow.db.SqlScripts;
import shopflow.rollups.Rollups;

/**
 * Turns a migrated ShopFlow schema on a Citus coordinator into a distributed one, by running
 * {@code db/citus/distribute.sql} statement by statement (Citus moves a table's rows into its shards
 * in the statement that distributes it; one transaction around all of them would hold every table).
 */
public final class Distribution {

    private static final String SCRIPT = "db/citus/distribute.sql";

    /**
     * What a migration applied again would undo of the distributed schema (triggers, function
     * settings): the last step here, and run after every migration on a cluster
     * ({@code shopflow.db.CitusDefinitions}), so both leave the same definitions.
     */
    private static final String DEFINITIONS = "db/citus/cluster-definitions.sql";
    private static final String SHARD_COUNT = SqlScripts.read("scaleout/shard_count.sql");
    private static final String LAYOUT = SqlScripts.read("scaleout/layout.sql");
    private static final String COORDINATOR_STATE = SqlScripts.read("scaleout/coordinator_state.sql");

    /** The comment that gives the next statement of the script its words for the progress lines. */
    private static final String PROGRESS = "-- progress:";

    /** Shards per active worker when {@code distribute} is not told how many. */
    static final int SHARDS_PER_WORKER = 4;

    /** One row of the layout: how a table is placed on the cluster. */
    public record Placement(String table, String kind, String distributionColumn, int colocationId, int shards) {
    }

    /**
     * One statement of the script, with what it does in words when the script says so (a
     * {@code -- progress: ...} line above it): the steps that can take long on a shop already
     * there, which {@link #apply} announces.
     */
    record Step(String sql, String progress) {
    }

    private Distribution() {
    }

    /**
     * Distributes the schema (what is already distributed stays as it is) and returns the layout.
     * {@code shards} per distributed table, or, when null, {@link #SHARDS_PER_WORKER} per active
     * worker: Citus's default of 32 suits a few workers of many cores; on a small cluster every
     * query over all shards pays a task per shard for nothing (docs/scale-out.md has the figures).
     * {@code progress} hears each step that can take long (moving a shop's rows, the rollups'
     * rebuild) as it starts and when it is done.
     */
    public static List<Placement> apply(Database database, Integer shards, Consumer<String> progress) {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            requireCitusWithSchema(c, database);
            try (PreparedStatement shardCount = c.prepareStatement(SHARD_COUNT)) {
                shardCount.setObject(1, shards, Types.INTEGER);
                shardCount.setInt(2, SHARDS_PER_WORKER);
                shardCount.execute();
            }
            for (Step step : steps(SqlScripts.read(SCRIPT))) {
                long started = System.nanoTime();
                if (step.progress() != null) {
                    progress.accept(step.progress() + " ...");
                }
                s.execute(step.sql());
                if (step.progress() != null) {
                    progress.accept(String.format("%s: %.1f s", step.progress(), (System.nanoTime() - started) / 1e9));
                }
            }
            long vacuumed = System.nanoTime();
            Rollups.vacuumAndAnalyze(c);
            progress.accept(String.format("the rollups vacuumed and analyzed: %.1f s", (System.nanoTime() - vacuumed) / 1e9));
            s.execute(SqlScripts.read(DEFINITIONS));
            return layout(c);
        } catch (SQLException e) {
            throw new DatabaseException("distribute failed: " + e.getMessage()
                    + " (the steps already done stay; run distribute again to finish)", e);
        }
    }

    /** The distributed and reference tables, as Citus lists them. */
    public static List<Placement> layout(Connection c) throws SQLException {
        List<Placement> placements = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(LAYOUT)) {
            while (r.next()) {
                placements.add(new Placement(r.getString(1), r.getString(2), r.getString(3), r.getInt(4), r.getInt(5)));
            }
        }
        return placements;
    }

    private static void requireCitusWithSchema(Connection c, Database database) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(COORDINATOR_STATE)) {
            r.next();
            if (!r.getBoolean(1)) {
                throw new DatabaseException(database.jdbcUrl() + " is not a Citus coordinator: the citus extension is"
                        + " not installed in this database (create extension citus; see docs/scale-out.md)");
            }
            if (!r.getBoolean(2)) {
                throw new DatabaseException("no ShopFlow schema on " + database.jdbcUrl()
                        + ": run 'shopflow migrate' with the same --jdbc-url first");
            }
        }
    }

    /**
     * The script's statements: each ends with a semicolon at the end of a line, outside a
     * dollar-quoted body ({@code do $$ ... $$;}); a {@code -- progress: ...} comment line gives
     * the next statement its words.
     */
    static List<Step> steps(String script) {
        List<Step> steps = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String progress = null;
        boolean inBody = false;
        for (String line : script.split("\n", -1)) {
            String stripped = line.strip();
            if (!inBody && stripped.startsWith(PROGRESS)) {
                progress = stripped.substring(PROGRESS.length()).strip();
                continue;
            }
            if (!inBody && (line.isBlank() || stripped.startsWith("--"))) {
                continue;
            }
            current.append(line).append('\n');
            int dollars = line.split("\\$\\$", -1).length - 1;
            inBody ^= dollars % 2 == 1;
            if (!inBody && line.stripTrailing().endsWith(";")) {
                steps.add(new Step(current.toString().strip(), progress));
                current.setLength(0);
                progress = null;
            }
        }
        if (!current.toString().isBlank()) {
            steps.add(new Step(current.toString().strip(), progress));
        }
        return steps;
    }
}
