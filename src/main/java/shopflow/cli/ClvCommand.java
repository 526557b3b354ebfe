package shopflow.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.clv.CustomerValueFits;
import shopflow.clv.CustomerValueModel;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.reports.AsOf;

@Command(name = "clv", mixinStandardHelpOptions = true,
        description = "Predicted customer value: shows the last fit of the MBG/NBD and Gamma-Gamma models as of"
                + " --as-of, or with --fit fits them on the orders up to --as-of and keeps the parameters, which"
                + " customer_lifetime, rfm_customers and the customer lists read (docs/customer-value.md). The"
                + " server refits daily.",
        footer = {"", "Examples:", "  shopflow clv --fit", "  shopflow clv --as-of 2026-06-30"})
public final class ClvCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Option(names = "--fit", description = "Fit the models now on the orders up to --as-of and keep them.")
    boolean fit;

    @Option(names = "--as-of", paramLabel = "TIME", description = "The moment (default: now).")
    String asOf;

    @Override
    public void run() {
        OffsetDateTime moment = AsOf.parseOrNow(asOf, databaseOptions.timeZone(), Clock.systemUTC());
        PrintWriter out = spec.commandLine().getOut();
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            CustomerValueFits fits = new CustomerValueFits(database.dataSource());
            Optional<CustomerValueFits.Fit> found = fit ? Optional.of(fits.fitAndStore(moment)) : fits.latest(moment);
            if (found.isEmpty()) {
                out.println("no customer-value fit as of " + moment + ": run 'shopflow clv --fit' (the server fits daily)");
            } else {
                describe(out, found.get());
            }
            out.flush();
        }
    }

    static void describe(PrintWriter out, CustomerValueFits.Fit fit) {
        out.printf(Locale.ROOT, "fit %d as of %s (fitted %s in %.2f s): %,d customers with orders, %,d with a repeat order%n",
                fit.fitId(), fit.asOf(), fit.fittedAt(), fit.seconds(), fit.buyers(), fit.repeatBuyers());
        if (fit.model().isEmpty()) {
            out.println(fit.reason());
            return;
        }
        CustomerValueModel model = fit.model().get();
        out.printf(Locale.ROOT, "MBG/NBD (weeks): r = %.4f, alpha = %.4f, a = %.4f, b = %.4f; log-likelihood %.1f%n",
                model.orders().r(), model.orders().alpha(), model.orders().a(), model.orders().b(), fit.logLikelihood());
        out.printf(Locale.ROOT, "Gamma-Gamma (GBP): p = %.4f, q = %.4f, gamma = %.4f; an average order of a new customer"
                + " GBP %.2f%n", model.value().p(), model.value().q(), model.value().gamma(),
                model.value().p() * model.value().gamma() / (model.value().q() - 1));
    }
}
