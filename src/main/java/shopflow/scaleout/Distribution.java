package shopflow.scaleout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
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

    /** Shards per active worker when {@code distribute} is not told how many. */
    static final int SHARDS_PER_WORKER = 4;

    /** One row of the layout: how a table is placed on the cluster. */
    public record Placement(String table, String kind, String distributionColumn, int colocationId, int shards) {
    }

    private Distribution() {
    }

    /**
     * Distributes the schema (what is already distributed stays as it is) and returns the layout.
     * {@code shards} per distributed table, or, when null, {@link #SHARDS_PER_WORKER} per active
     * worker: Citus's default of 32 suits a few workers of many cores; on a small cluster every
     * query over all shards pays a task per shard for nothing (docs/scale-out.md has the figures).
     */
    public static List<Placement> apply(Database database, Integer shards) {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            requireCitusWithSchema(c, database);
            try (PreparedStatement shardCount = c.prepareStatement(SHARD_COUNT)) {
                shardCount.setObject(1, shards, Types.INTEGER);
                shardCount.setInt(2, SHARDS_PER_WORKER);
                shardCount.execute();
            }
            for (String statement : statements(SqlScripts.read(SCRIPT))) {
                s.execute(statement);
            }
            Rollups.vacuumAndAnalyze(c);
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
     * dollar-quoted body ({@code do $$ ... $$;}).
     */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inBody = false;
        for (String line : script.split("\n", -1)) {
            if (!inBody && (line.isBlank() || line.stripLeading().startsWith("--"))) {
                continue;
            }
            current.append(line).append('\n');
            int dollars = line.split("\\$\\$", -1).length - 1;
            inBody ^= dollars % 2 == 1;
            if (!inBody && line.stripTrailing().endsWith(";")) {
                statements.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }
}
