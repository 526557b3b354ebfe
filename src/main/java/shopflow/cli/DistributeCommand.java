package shopflow.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.db.Database;
import shopflow.db.DatabaseException;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.scaleout.Distribution;

@Command(name = "distribute", mixinStandardHelpOptions = true,
        description = {"Turn the ShopFlow schema on a Citus coordinator into a distributed one: orders and their lines,"
                + " coupons and status history sharded by order_id, page views and cart events by session_id, stock"
                + " and its movements by product_id, the small tables (products, categories, coupons, customers) as"
                + " reference tables on every node.",
            "A shop already on the coordinator (imported, or generated before) is moved into the shards, and its"
                + " rollups rebuilt for the cluster: the way to put an imported history on a cluster, as imports run"
                + " on one node.",
            "Migrates first; running it again changes nothing, and finishes a run that stopped. See"
                + " docs/scale-out.md."},
        footer = {"", "Example:",
            "  shopflow distribute --jdbc-url jdbc:postgresql://coordinator:5432/shopflow --db-user postgres",
            "  shopflow generate --scale 1 --jdbc-url ... (then every command works on the cluster)"})
public final class DistributeCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Option(names = "--shards", paramLabel = "N",
            description = "Shards per distributed table (default: 4 per active worker; tables already distributed keep theirs).")
    Integer shards;

    @Override
    public void run() {
        if (!databaseOptions.isExternal()) {
            throw new DatabaseException("distribute needs a Citus coordinator: give it with --jdbc-url"
                    + " (the embedded PostgreSQL has no Citus)");
        }
        if (shards != null && shards < 1) {
            throw new IllegalArgumentException("--shards must be at least 1, not " + shards);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            PrintWriter err = spec.commandLine().getErr();
            List<Distribution.Placement> layout = Distribution.apply(database, shards, step -> {
                err.println("distribute: " + step);
                err.flush();
            });
            out.printf("%-24s %-12s %-20s %10s %7s%n", "table", "kind", "distribution column", "colocation", "shards");
            for (Distribution.Placement p : layout) {
                out.printf("%-24s %-12s %-20s %10d %7d%n", p.table(), p.kind(),
                        p.distributionColumn().equals("<none>") ? "-" : p.distributionColumn(), p.colocationId(),
                        p.shards());
            }
            out.flush();
        }
    }
}
