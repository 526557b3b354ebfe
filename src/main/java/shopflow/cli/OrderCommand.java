package shopflow.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.generate.LoadState;
import shopflow.orders.OrderLifecycle;
import shopflow.orders.OrderRefunds;
import shopflow.orders.OrderStatus;

@Command(name = "order", mixinStandardHelpOptions = true,
        description = {"Move an order to a new status, with its stock: stock leaves when it ships (from the best stocked"
                + " warehouses, never below zero) and comes back where it came from on a refund or cancellation.",
            "Allowed: pending -> processing -> shipped -> delivered; pending or processing -> cancelled;",
            "shipped or delivered -> refunded. Asking for the status it already has changes nothing.",
            "Or refund part of an order that stays live: an amount of its net sales (no VAT, no shipping), shared"
                + " over its lines in proportion to what is left of each, or some units of some lines; never more"
                + " than is left to refund. Reports count it as returns on the day it is made; refunding the order"
                + " whole later returns the rest."},
        footer = {"", "Examples:",
            "  shopflow order 123 --status processing",
            "  shopflow order 123 --status shipped",
            "  shopflow order 123 --refund 12.50",
            "  shopflow order 123 --refund-line 456:1 --refund-line 457:2",
            "  psql: call process_order(123, 'shipped');   (the same rules, in the database)",
            "        select * from refund_order(123, amount => 12.50);"})
public final class OrderCommand implements Runnable {

    private static final Pattern LINE = Pattern.compile("(\\d{1,9}):(\\d{1,9})");

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Parameters(index = "0", paramLabel = "ORDER_ID", description = "The order's order_id.")
    int orderId;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Change change;

    static final class Change {
        @Option(names = {"-s", "--status"}, paramLabel = "STATUS", description = "The new status: ${COMPLETION-CANDIDATES}.")
        OrderStatus status;

        @Option(names = "--refund", paramLabel = "AMOUNT",
                description = "Refund this much of the order's net sales (GBP, at most 2 decimals).")
        BigDecimal amount;

        @Option(names = "--refund-line", paramLabel = "ITEM_ID:UNITS",
                description = "Refund units of one order line (its order_items.item_id); repeat for several lines.")
        List<String> lines;
    }

    @Override
    public void run() {
        String linesJson = change.lines == null ? null : linesJson(change.lines);
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            LoadState.unfinished(database).ifPresent(warning -> spec.commandLine().getErr().println("warning: " + warning));
            String message = change.status != null
                    ? new OrderLifecycle(database.dataSource()).transition(orderId, change.status).message()
                    : new OrderRefunds(database.dataSource()).refund(orderId, change.amount, linesJson).message();
            spec.commandLine().getOut().println(message);
            spec.commandLine().getOut().flush();
        }
    }

    /** The lines as refund_order() takes them; a malformed one is named before the database is opened. */
    private String linesJson(List<String> lines) {
        List<String> items = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line.trim());
            if (!m.matches()) {
                throw new ParameterException(spec.commandLine(), "--refund-line '" + line
                        + "' is not ITEM_ID:UNITS (two whole numbers, e.g. 456:1)");
            }
            items.add("{\"item_id\": " + m.group(1) + ", \"quantity\": " + m.group(2) + "}");
        }
        return "[" + String.join(", ", items) + "]";
    }
}
