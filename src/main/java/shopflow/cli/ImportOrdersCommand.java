package shopflow.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.imports.ImportFormat;
import shopflow.imports.ImportSettings;
import shopflow.imports.ImportSummary;
import shopflow.imports.OrderImport;

@Command(name = "orders", mixinStandardHelpOptions = true,
        description = {"Import a shop's order history from a CSV file, in one transaction: all of it or nothing.",
            "Customers and products are created from the file (and updated by a later import); an order already"
                + " imported is not placed again (a Shopify order is only moved further along its statuses), so"
                + " importing a file again changes nothing and a later export adds its new orders, cancellations and"
                + " refunds. The rollups are brought up to date before the commit.",
            "Refuses a database holding a generated shop unless --replace. Rules and assumptions: docs/import.md."},
        footer = {"", "Example:", "  shopflow import orders online_retail.csv --dry-run",
            "  shopflow import orders online_retail.csv --skip-bad rejects.csv",
            "  shopflow import orders orders_export.csv --format shopify"})
public final class ImportOrdersCommand implements Runnable {

    @Mixin
    DatabaseOptions databaseOptions;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The CSV file to import.")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "lines",
            description = "The file's layout: ${COMPLETION-CANDIDATES}. lines: one row per order line (InvoiceNo,"
                    + " StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country); shopify:"
                    + " Shopify's orders export (Orders > Export > CSV: one row per line item) (default:"
                    + " ${DEFAULT-VALUE}).")
    ImportFormat format;

    @Option(names = "--currency", paramLabel = "CODE", defaultValue = "GBP",
            description = "The ISO 4217 currency of the file's prices, where the file does not name it (default:"
                    + " ${DEFAULT-VALUE}).")
    String currency;

    @Option(names = "--vat-rate", paramLabel = "PCT", defaultValue = "0",
            description = "VAT in percent: added on top of the prices as taxes, or taken out of them with"
                    + " --prices-include-vat (default: ${DEFAULT-VALUE}: no VAT).")
    BigDecimal vatRate;

    @Option(names = "--prices-include-vat",
            description = "The file's prices include VAT at --vat-rate: it is taken out of them (sales are counted"
                    + " without VAT) and shown as taxes.")
    boolean pricesIncludeVat;

    @Option(names = "--encoding", paramLabel = "CHARSET", defaultValue = "UTF-8",
            description = "The file's text encoding, e.g. windows-1252 or ISO-8859-1 (default: ${DEFAULT-VALUE}).")
    String encoding;

    @Option(names = "--date-format", paramLabel = "PATTERN",
            description = "How the file writes its dates, as Java DateTimeFormatter letters (e.g. 'd/M/yyyy H:mm')."
                    + " Default: ISO (2010-12-01 08:26, an offset allowed, as Shopify's 2026-11-02 10:00:00 +0000)"
                    + " or month first (12/1/10 8:26). Times without an offset are in --time-zone.")
    String dateFormat;

    @Option(names = "--dry-run",
            description = "Check everything and print what would be imported; change nothing.")
    boolean dryRun;

    @Option(names = "--skip-bad", paramLabel = "REJECTS.csv",
            description = "Import the good lines and write every bad one to this file with its line number, column,"
                    + " value and reason. Without it, one bad line refuses the whole file.")
    Path skipBad;

    @Option(names = "--replace",
            description = "Delete the shop's data (a generated shop, or earlier imports) and import the file instead,"
                    + " in the same transaction. Without it, import refuses a database holding a generated shop.")
    boolean replace;

    @Override
    public void run() {
        ImportSettings settings = new ImportSettings(file, format, databaseOptions.timeZone(), currency(), vatRate(),
                pricesIncludeVat, charset(), dateFormat, dryRun, skipBad, replace, Instant.now());
        PrintWriter err = spec.commandLine().getErr();
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            ImportSummary summary = new OrderImport(database, settings, err).run();
            print(summary, spec.commandLine().getOut());
        }
    }

    private String currency() {
        String code = currency.strip().toUpperCase(Locale.ROOT);
        if (!code.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("--currency '" + currency + "': an ISO 4217 code of three letters, e.g."
                    + " GBP, EUR, USD");
        }
        return code;
    }

    private BigDecimal vatRate() {
        if (vatRate.signum() < 0 || vatRate.compareTo(new BigDecimal("100")) >= 0) {
            throw new IllegalArgumentException("--vat-rate " + vatRate.toPlainString() + ": a percentage from 0 to"
                    + " under 100, e.g. 20");
        }
        if (pricesIncludeVat && vatRate.signum() == 0) {
            throw new IllegalArgumentException("--prices-include-vat needs the rate they include: add --vat-rate,"
                    + " e.g. --vat-rate 20");
        }
        return vatRate;
    }

    private Charset charset() {
        try {
            return Charset.forName(encoding);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new IllegalArgumentException("--encoding '" + encoding + "' is not an encoding Java knows; e.g."
                    + " UTF-8, windows-1252, ISO-8859-1");
        }
    }

    static void print(ImportSummary s, PrintWriter out) {
        String verb = s.dryRun() ? "would import" : "imported";
        boolean shopify = s.format() == ImportFormat.shopify;
        out.printf("%s %s: %,d lines in %.1f s (%,.0f lines/s)%s%n", s.dryRun() ? "dry run, nothing changed:" : "done:",
                s.file(), s.lines(), s.seconds(), s.linesPerSecond(),
                s.rejected() == 0 ? "" : String.format(", %,d bad lines skipped", s.rejected()));
        if (s.invoicesNew() < s.invoicesInFile()) {
            out.printf("  %,d of %,d %s imported before: %s%n", s.invoicesInFile() - s.invoicesNew(),
                    s.invoicesInFile(), shopify ? "orders were" : "invoices were",
                    shopify ? String.format("%,d of them moved further along (paid, fulfilled, cancelled, refunded)",
                            s.ordersMovedOn()) : "skipped");
        }
        if (s.ordersEdited() > 0) {
            // an order edit is not dated by the export: the lines stay those the order was placed with
            out.printf("  %,d of them show line items changed since (an order edit), kept as first imported: %s%s%n",
                    s.ordersEdited(), String.join(", ", s.editedOrders()),
                    s.ordersEdited() > s.editedOrders().size() ? ", ..." : "");
        }
        out.printf("  %s %,d orders (%,d of guests) with %,d lines, from %s to %s%n", verb, s.orders(), s.guestOrders(),
                s.orderLines(), s.firstAt() == null ? "-" : s.firstAt().toLocalDate(),
                s.lastAt() == null ? "-" : s.lastAt().toLocalDate());
        out.printf("  new customers %,d, new products %,d%s%n", s.customersNew(), s.productsNew(), shopify
                ? String.format(", new categories %,d, new coupons %,d", s.categoriesNew(), s.couponsNew()) : "");
        out.printf("  gross sales %,.2f, discounts %,.2f, shipping %,.2f, taxes %,.2f%n", s.grossSales(),
                s.discounts(), s.shipping(), s.taxes());
        if (shopify) {
            out.printf("  returns: %,d orders cancelled or refunded whole: %,.2f%n", s.ordersRefunded(), s.returns());
            out.printf("  partial refunds: %,d orders, %,.2f of net sales returned%n", s.cancellationsPartial(),
                    s.cancellationsPartialAmount());
        } else {
            out.printf("  returns: %,d orders cancelled in full, refunded: %,.2f%n", s.ordersRefunded(), s.returns());
            out.printf("  partial cancellations, returned as partial refunds: %,d lines, %,.2f at the file's prices%n",
                    s.cancellationsPartial(), s.cancellationsPartialAmount());
            out.printf("  cancellations with no earlier order (not in returns): %,d lines, %,.2f%n",
                    s.cancellationsNoOrder(), s.cancellationsNoOrderAmount());
            out.printf("  adjustments outside product sales (fees, manual, write-offs): %,d lines, %,.2f%n",
                    s.adjustments(), s.adjustmentsAmount());
        }
        if (!s.ignoredColumns().isEmpty()) {
            out.println("  columns not read: " + String.join(", ", s.ignoredColumns()));
        }
        out.flush();
    }
}
