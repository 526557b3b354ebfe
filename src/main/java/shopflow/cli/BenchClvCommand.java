package shopflow.cli;

import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.clv.CustomerValueModel;
import shopflow.clv.Holdout;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.reports.AsOf;

@Command(name = "clv", mixinStandardHelpOptions = true,
        description = "Backtest the predicted customer value: fit the MBG/NBD and Gamma-Gamma models on the orders up"
                + " to a cut-off six months before the last order, predict each customer's orders in the six months"
                + " after it and compare with what they ordered, beside the naive prediction (as many as in the six"
                + " months before the cut-off): mean absolute and root mean square errors overall and per decile of"
                + " customers, and each decile's mean against the actual (docs/customer-value.md). It only reads"
                + " the shop.",
        footer = {"", "Example:", "  shopflow generate --scale 1 && shopflow bench clv"})
public final class BenchClvCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Option(names = "--cut-off", paramLabel = "TIME", description = "Fit on the orders up to then (default: six months"
            + " before the last order); six months of orders must follow it.")
    String cutOff;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            OffsetDateTime cut = cutOff == null
                    ? Holdout.lastOrder(database.dataSource()).atZoneSameInstant(databaseOptions.timeZone())
                            .toOffsetDateTime().minusMonths(Holdout.MONTHS)
                    : AsOf.parse(cutOff, databaseOptions.timeZone());
            Holdout.Result result;
            try {
                result = Holdout.run(database.dataSource(), cut);
            } catch (CustomerValueModel.TooLittleHistory e) {
                out.println(e.getMessage() + " (cut-off " + cut + "): no predictions to score");
                out.flush();
                return;
            }
            CustomerValueModel model = result.model();
            out.printf(Locale.ROOT, "fitted on the orders up to %s in %.2f s: MBG/NBD r = %.3f, alpha = %.3f, a = %.3f,"
                    + " b = %.3f; Gamma-Gamma p = %.3f, q = %.3f, gamma = %.3f%n", result.cutOff(), result.fitSeconds(),
                    model.orders().r(), model.orders().alpha(), model.orders().a(), model.orders().b(),
                    model.value().p(), model.value().q(), model.value().gamma());
            compare(out, "orders", result.overall(), result.deciles(), result);
            compare(out, "net sales (GBP)", result.spend(), result.spendDeciles(), result);
            out.flush();
        }
    }

    /** The table of one measure, decile by decile, and whether the model beats the naive prediction. */
    private static void compare(PrintWriter out, String measure, Holdout.Scores all, List<Holdout.Scores> deciles,
            Holdout.Result result) {
        out.printf("%s per customer from %s to %s, predicted and actual%n", measure, result.cutOff().toLocalDate(),
                result.heldUntil().toLocalDate());
        out.printf("%-8s %9s %8s %8s %8s %10s %10s %10s %10s%n", "decile", "customers", "actual", "model", "naive",
                "model MAE", "naive MAE", "model RMSE", "naive RMSE");
        int closerMean = 0;
        int closerMae = 0;
        int closerRmse = 0;
        for (int d = 0; d < deciles.size(); d++) {
            Holdout.Scores s = deciles.get(d);
            print(out, String.valueOf(d + 1), s);
            closerMean += Math.abs(s.model() - s.actual()) < Math.abs(s.naive() - s.actual()) ? 1 : 0;
            closerMae += s.modelMae() < s.naiveMae() ? 1 : 0;
            closerRmse += s.modelRmse() < s.naiveRmse() ? 1 : 0;
        }
        print(out, "all", all);
        boolean beats = all.modelMae() < all.naiveMae() && all.modelRmse() < all.naiveRmse()
                && closerMean == deciles.size();
        out.printf(Locale.ROOT, "the model %s the naive prediction of %s: MAE %.3f against %.3f per customer, RMSE %.3f"
                + " against %.3f; each decile's mean closer in %d of %d deciles; per customer, MAE lower in %d"
                + " and RMSE in %d of %d (decile 1: the most orders by the cut-off)%n",
                beats ? "beats" : "does NOT beat", measure, all.modelMae(), all.naiveMae(), all.modelRmse(),
                all.naiveRmse(), closerMean, deciles.size(), closerMae, closerRmse, deciles.size());
    }

    private static void print(PrintWriter out, String label, Holdout.Scores s) {
        out.printf(Locale.ROOT, "%-8s %,9d %8.3f %8.3f %8.3f %10.3f %10.3f %10.3f %10.3f%n", label, s.customers(),
                s.actual(), s.model(), s.naive(), s.modelMae(), s.naiveMae(), s.modelRmse(), s.naiveRmse());
    }
}
