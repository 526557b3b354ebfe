package shopflow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.generate.LoadState;
import shopflow.orders.OrderLifecycle;
import shopflow.orders.OrderStatus;
import shopflow.orders.Transition;

@Command(name = "order", mixinStandardHelpOptions = true,
        description = {"Move an order to a new status, with its stock: stock leaves when it ships (from the best stocked"
                + " warehouses, never below zero) and comes back where it came from on a refund or cancellation.",
            "Allowed: pending -> processing -> shipped -> delivered; pending or processing -> cancelled;",
            "shipped or delivered -> refunded. Asking for the status it already has changes nothing."},
        footer = {"", "Examples:",
            "  shopflow order 123 --status processing",
            "  shopflow order 123 --status shipped",
            "  psql: call process_order(123, 'shipped');   (the same rules, in the database)"})
public final class OrderCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Parameters(index = "0", paramLabel = "ORDER_ID", description = "The order's order_id.")
    int orderId;

    @Option(names = {"-s", "--status"}, required = true, paramLabel = "STATUS",
            description = "The new status: ${COMPLETION-CANDIDATES}.")
    OrderStatus status;

    @Override
    public void run() {
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            LoadState.unfinished(database).ifPresent(warning -> spec.commandLine().getErr().println("warning: " + warning));
            Transition transition = new OrderLifecycle(database.dataSource()).transition(orderId, status);
            spec.commandLine().getOut().println(transition.message());
            spec.commandLine().getOut().flush();
        }
    }
}
