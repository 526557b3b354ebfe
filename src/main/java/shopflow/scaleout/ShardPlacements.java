package shopflow.scaleout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import shopflow.db.SqlScripts;

/**
 * Where the rows of a hash-distributed table go: its shards in the order of their hash ranges, each
 * with the worker that holds it, and the distribution column. A loader that hashes a row's value
 * ({@link #shardOf}) can write it to that worker's shard directly, not through the coordinator,
 * which would parse it, hash it and send it on. {@code idLength}: the bytes of the id column asked
 * for (4 or 8; 0 when none was).
 */
public record ShardPlacements(String distributionColumn, boolean textColumn, int idLength, List<Shard> shards) {

    private static final String PLACEMENTS = SqlScripts.read("scaleout/shard_placements.sql");

    /** One shard: its table on the worker, the least and greatest hash it holds, and the worker. */
    public record Shard(String table, int minHash, int maxHash, String host, int port) {
    }

    /**
     * The table's shards, or nothing when it is not hash-distributed, a shard is kept on more than
     * one node (every copy would need the rows) or its column's type is not one {@link CitusHash}
     * knows: those are left to Citus. Ask only where Citus is installed.
     */
    public static Optional<ShardPlacements> of(Connection coordinator, String table, String idColumn)
            throws SQLException {
        List<Shard> shards = new ArrayList<>();
        String column = null;
        String type = null;
        int idLength = 0;
        try (PreparedStatement s = coordinator.prepareStatement(PLACEMENTS)) {
            s.setString(1, table);
            s.setString(2, idColumn);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    shards.add(new Shard(r.getString("shard"), r.getInt("min_hash"), r.getInt("max_hash"),
                            r.getString("host"), r.getInt("port")));
                    column = r.getString("distribution_column");
                    type = r.getString("distribution_type");
                    idLength = r.getInt("id_length");
                }
            }
        }
        boolean everyShardOnce = shards.stream().map(Shard::table).distinct().count() == shards.size();
        boolean hashed = "int4".equals(type) || "text".equals(type) || "varchar".equals(type);
        if (shards.isEmpty() || !everyShardOnce || !hashed) {
            return Optional.empty();
        }
        return Optional.of(new ShardPlacements(column, !"int4".equals(type), idLength, List.copyOf(shards)));
    }

    /** The index in {@link #shards()} of the shard holding {@code hash}. */
    public int shardOf(int hash) {
        int low = 0;
        int high = shards.size() - 1;
        while (low < high) {
            int middle = (low + high + 1) >>> 1;
            if (shards.get(middle).minHash() <= hash) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        Shard shard = shards.get(low);
        if (hash < shard.minHash() || hash > shard.maxHash()) {
            throw new IllegalStateException("no shard holds hash " + hash + " (a gap in pg_dist_shard)");
        }
        return low;
    }
}
