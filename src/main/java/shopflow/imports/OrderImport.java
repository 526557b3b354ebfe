package shopflow.imports;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import shopflow.db.Database;
import shopflow.db.DatabaseException;
import shopflow.db.SqlScripts;
import shopflow.generate.GeneratedShop;
import shopflow.rollups.Rollups;

/**
 * Imports one file of orders in one transaction: checks each line while streaming it through COPY
 * into a staging table, moves the staged lines into the shop with set-based SQL
 * ({@code import/lines_apply.sql}), and rebuilds the rollups before the commit (into an empty shop;
 * into a shop with orders their triggers keep them). On a Citus cluster, where a job keeps the
 * rollups, they are rebuilt or caught up right after the commit instead. Any refusal rolls
 * everything back, so the database is as it was; --dry-run rolls back after the summary.
 */
public final class OrderImport {

    private static final String STAGING = SqlScripts.read("import/lines_staging.sql");
    private static final String APPLY = SqlScripts.read("import/lines_apply.sql");
    private static final String SHOPIFY_STAGING = SqlScripts.read("import/shopify_staging.sql");
    private static final String SHOPIFY_APPLY = SqlScripts.read("import/shopify_apply.sql");
    private static final String LINES_COPY = SqlScripts.read("import/lines_copy.sql");
    private static final String SHOPIFY_COPY = SqlScripts.read("import/shopify_copy.sql");
    private static final String RECORD_SETTINGS = SqlScripts.read("import/record_settings.sql");
    private static final String REPLACE = SqlScripts.read("import/replace_shop.sql");
    private static final String SHOP_ORDER_LINES = SqlScripts.read("import/shop_order_lines.sql");
    /**
     * A later export of at least {@link #REBUILD_LINES} lines and more than this share of the shop's
     * order lines (1 in 50) has the rollups rebuilt once after its rows instead of kept by their
     * triggers line by line, which per line cost some 50 times a rebuild (docs/import.md, "How it
     * loads, and how fast"). Below that many lines the triggers take seconds at most.
     */
    private static final long REBUILD_SHARE = 50;
    static final long REBUILD_LINES = 10_000;
    /** The shop tables an import writes (import/*_apply.sql), which the rollups' rebuild reads. */
    private static final List<String> IMPORTED_TABLES = List.of("categories", "products", "customers", "addresses",
            "coupons", "orders", "order_items", "order_coupons", "order_status_changes", "order_refunds");
    /** Bad lines named in a refusal; the rest are counted. */
    private static final int REFUSALS_SHOWN = 10;
    private static final long PROGRESS_EVERY = 250_000;

    private final Database database;
    private final ImportSettings settings;
    private final PrintWriter progress;
    private final List<ImportSummary.Phase> phases = new ArrayList<>();
    private long phaseStart;
    /** Whether the import fills an empty shop, replaces one or is big against it: its rollups are rebuilt rather than kept. */
    private boolean rebuild;
    /** A Citus cluster: a job keeps the rollups, after the commit. */
    private boolean keptByJob;

    public OrderImport(Database database, ImportSettings settings, PrintWriter progress) {
        this.database = database;
        this.settings = settings;
        this.progress = progress;
    }

    public ImportSummary run() {
        long started = System.nanoTime();
        phaseStart = started;
        String file = settings.file().toString();
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                ImportSummary summary = importInto(c, file, started);
                if (settings.dryRun()) {
                    c.rollback();
                } else {
                    if (rebuildsInTransaction()) {
                        say("rollups: rebuilding them, family by family");
                        Rollups.rebuildEmptiedIn(c, IMPORTED_TABLES, done -> say("rollups: " + done));
                        phase("rebuild the rollups");
                    }
                    c.commit();
                    phase("commit");
                    c.setAutoCommit(true);
                    try (Statement s = c.createStatement()) {
                        Rollups.vacuumAndAnalyze(c);
                        s.execute("analyze customers, addresses, products, orders, order_items, order_status_changes");
                    }
                    phase("analyze");
                    if (keptByJob) {
                        bringClusterRollupsUpToDate(c);
                    }
                }
                return withTimes(summary, (System.nanoTime() - started) / 1e9);
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException("import of " + file + " failed, nothing was imported: " + e.getMessage(), e);
        }
    }

    private ImportSummary importInto(Connection c, String file, long started) throws SQLException {
        try (Statement s = c.createStatement()) {
            // On a Citus cluster this one transaction writes the reference tables (customers,
            // products, ...) after reading the sharded ones, which Citus allows only over one
            // connection per worker. (On a single node the setting is an unused placeholder.)
            s.execute("set local citus.multi_shard_modify_mode to 'sequential'");
        }
        if (!GeneratedShop.tryLockForTransaction(c)) {
            throw new ImportException("a 'shopflow generate' or another import is running on this database; wait for"
                    + " it to finish. Nothing was imported.");
        }
        if (GeneratedShop.present(c) && !settings.replace()) {
            throw new ImportException("the database holds a generated shop: importing " + file + " would mix a real"
                    + " history into invented data. Add --replace to delete the generated shop and import the file"
                    + " instead (nothing was changed).");
        }
        try (Statement s = c.createStatement()) {
            // Into an empty shop, the rollups are rebuilt once, in this transaction, before it
            // commits: cheaper than their triggers over every row. Into a shop with orders (a later
            // export), the triggers keep them, at the cost of the new rows only, unless the export
            // is big against the shop (rebuildIfBigAgainstShop()). Suspended before --replace
            // empties the shop: each truncate's triggers would rebuild their families from the
            // empty tables, deleting the old rollups row by row (10.8 s for a scale-1 shop), where
            // the rebuild below empties them at once.
            keptByJob = Rollups.keptByJob(database.dataSource());
            if (settings.replace() || !hasOrders(s)) {
                rebuildRollups(c);
            }
            if (settings.replace()) {
                say("--replace: emptying the shop");
                s.execute(REPLACE);
            }
            s.execute(shopify() ? SHOPIFY_STAGING : STAGING);
        }
        phase("checks" + (settings.replace() ? ", empty the shop" : "") + (rebuildsInTransaction() ? ", suspend the rollups' triggers" : ""));
        Staged staged = stage(c, file, started);
        phase("read, check, COPY into staging");
        if (!rebuild) {
            rebuildIfBigAgainstShop(c, staged.taken());
        }
        try (PreparedStatement p = c.prepareStatement(RECORD_SETTINGS)) {
            p.setString(1, settings.file().getFileName().toString());
            p.setLong(2, staged.lines());
            p.setLong(3, staged.rejected());
            p.setString(4, settings.currency());
            p.setBigDecimal(5, settings.vatRate());
            p.setBoolean(6, settings.pricesIncludeVat());
            p.executeUpdate();
        }
        say("applying " + String.format("%,d", staged.taken()) + " lines to the shop");
        try (Statement s = c.createStatement()) {
            s.execute(shopify() ? SHOPIFY_APPLY : APPLY);
            phase("apply to the shop tables (SQL)");
            try (ResultSet r = s.executeQuery("select * from import_summary")) {
                r.next();
                return new ImportSummary(file, settings.format(), staged.lines(), staged.rejected(), settings.dryRun(),
                        r.getLong("invoices_in_file"), r.getLong("invoices_new"), r.getLong("orders"),
                        r.getLong("guest_orders"), r.getLong("order_lines"), r.getLong("customers_new"),
                        r.getLong("products_new"), r.getLong("categories_new"), r.getLong("coupons_new"),
                        r.getLong("orders_moved_on"), shopify() ? r.getLong("orders_edited") : 0,
                        shopify() ? List.of((String[]) r.getArray("orders_edited_shown").getArray()) : List.of(),
                        r.getBigDecimal("gross_sales"), r.getBigDecimal("discounts"),
                        r.getBigDecimal("shipping"), r.getBigDecimal("taxes"), r.getLong("orders_refunded"),
                        r.getBigDecimal("returns"), r.getLong("cancellations_partial"),
                        r.getBigDecimal("cancellations_partial_amount"), r.getLong("cancellations_no_order"),
                        r.getBigDecimal("cancellations_no_order_amount"), r.getLong("adjustments"),
                        r.getBigDecimal("adjustments_amount"), r.getObject("first_at", OffsetDateTime.class),
                        r.getObject("last_at", OffsetDateTime.class), staged.ignoredColumns(), List.of(), 0);
            }
        }
    }

    /** Checks one record of the file and COPYs it, or throws {@link LineChecks.Refused}. */
    @FunctionalInterface
    private interface RowWriter {
        void write(long line, List<String> record) throws SQLException;
    }

    private boolean shopify() {
        return settings.format() == ImportFormat.shopify;
    }

    /** The lines read, how many were bad, and the first bad ones (those a refusal names). */
    private record Staged(long lines, long rejected, List<Rejection> firstRejected, List<String> ignoredColumns) {
        /** The lines that go on into the shop: those read less the bad ones left out. */
        long taken() {
            return lines - rejected;
        }
    }

    /** Reads, checks and COPYs every line; refuses the file on a bad line unless --skip-bad. */
    private Staged stage(Connection c, String file, long started) throws SQLException {
        InputStream in;
        try {
            in = Files.newInputStream(settings.file());
        } catch (NoSuchFileException e) {
            throw new ImportException(file + ": no such file. Nothing was imported.");
        } catch (IOException e) {
            throw new ImportException(file + ": cannot be read (" + e.getMessage() + "). Nothing was imported.");
        }
        // only the first bad lines are kept (a refusal names them; --skip-bad writes every one to its file),
        // so memory stays bounded however many lines a file has wrong
        List<Rejection> firstRejected = new ArrayList<>();
        long rejected = 0;
        long lines = 0;
        try (in; CsvRecords records = new CsvRecords(file, in, settings.encoding());
                RejectsFile rejects = settings.rejects() == null ? null : new RejectsFile(settings.rejects());
                StagingCopy copy = new StagingCopy(c, shopify() ? SHOPIFY_COPY : LINES_COPY)) {
            List<String> headerFields = records.next();
            if (headerFields == null) {
                throw new ImportException(file + " is empty: no header line, no orders. Nothing was imported.");
            }
            if (headerFields.stream().anyMatch(OrderImport::binary)) {
                throw new ImportException(file + " is not a CSV text file (control characters in its first line; a"
                        + " spreadsheet must be saved as CSV first). Nothing was imported.");
            }
            InvoiceDates dates = new InvoiceDates(settings.zone(), settings.dateFormat());
            RowWriter writer;
            List<String> ignored;
            if (shopify()) {
                CsvHeader<ShopifyHeader.Column> header = ShopifyHeader.of(file, headerFields);
                ShopifyChecks checks = new ShopifyChecks(header, dates, settings.now());
                writer = (line, record) -> copy.row(checks.check(line, record));
                ignored = header.ignored();
            } else {
                CsvHeader<LinesHeader.Column> header = LinesHeader.of(file, headerFields);
                LineChecks checks = new LineChecks(header, dates, settings.now());
                writer = (line, record) -> copy.write(checks.check(line, record));
                ignored = header.ignored();
            }
            if (rejects != null) {
                rejects.header(headerFields);
            }
            List<String> record;
            while ((record = records.next()) != null) {
                lines++;
                try {
                    writer.write(records.line(), record);
                } catch (LineChecks.Refused refused) {
                    rejected++;
                    if (firstRejected.size() < REFUSALS_SHOWN) {
                        firstRejected.add(refused.rejection);
                    }
                    if (rejects != null) {
                        rejects.write(refused.rejection, record);
                    }
                }
                if (lines % PROGRESS_EVERY == 0) {
                    double seconds = (System.nanoTime() - started) / 1e9;
                    say(String.format("%,d lines read (%,.0f lines/s)", lines, lines / seconds));
                }
            }
            if (lines == 0) {
                throw new ImportException(file + " holds a header and no lines: nothing to import.");
            }
            if (rejected > 0 && rejects == null) {
                throw refusal(file, rejected, firstRejected);
            }
            copy.finish();
            return new Staged(lines, rejected, List.copyOf(firstRejected), ignored);
        } catch (IOException e) {
            throw new ImportException(file + ": " + e.getMessage() + ". Nothing was imported.", e);
        }
    }

    private static ImportException refusal(String file, long rejected, List<Rejection> firstRejected) {
        StringBuilder message = new StringBuilder(file).append(": ").append(String.format("%,d", rejected))
                .append(rejected == 1 ? " bad line" : " bad lines").append(", nothing was imported:");
        for (Rejection r : firstRejected) {
            message.append("\n  ").append(file).append(": ").append(r.describe());
        }
        if (rejected > firstRejected.size()) {
            message.append("\n  ... and ").append(String.format("%,d", rejected - firstRejected.size()))
                    .append(" more");
        }
        return new ImportException(message.append("\nFix them, or import the good lines with --skip-bad REJECTS.csv"
                + " (the bad ones are written there with their line number and reason).").toString());
    }

    /**
     * On a Citus cluster, after the commit: the rollups rebuilt for a shop the import filled,
     * replaced or is big against (in the import's transaction, the rebuild's parallel reads of the
     * reference tables conflict with the import's own reads of the coordinator's copy), else the
     * catch-up job's run over the new rows.
     */
    private void bringClusterRollupsUpToDate(Connection c) throws SQLException {
        if (rebuild) {
            say("rollups: rebuilding them on the cluster");
            Rollups.rebuild(database.dataSource(), done -> say("rollups: " + done));
            phase("rebuild the rollups");
        } else {
            say("rollups: the cluster's job applying the new rows");
            Rollups.catchUp(c);
            phase("the cluster's rollups caught up");
        }
    }

    /**
     * The rollups rebuilt rather than kept: on one node their triggers suspended now, in this
     * transaction, before the rows go in; on a cluster the rebuild comes after the commit.
     */
    private void rebuildRollups(Connection c) throws SQLException {
        rebuild = true;
        if (!keptByJob) {
            Rollups.suspend(c);
        }
    }

    /** Whether the rollups are rebuilt in the import's transaction, before its commit (one node). */
    private boolean rebuildsInTransaction() {
        return rebuild && !keptByJob;
    }

    /** A later export big against the shop: the triggers suspended now, the rollups rebuilt after its rows. */
    private void rebuildIfBigAgainstShop(Connection c, long lines) throws SQLException {
        if (lines < REBUILD_LINES) {
            return;
        }
        long shopLines;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(SHOP_ORDER_LINES)) {
            r.next();
            shopLines = r.getLong(1);
        }
        if (lines * REBUILD_SHARE > shopLines) {
            rebuildRollups(c);
            say(String.format("%,d lines against the shop's %,d order lines: the rollups are rebuilt after them, not"
                    + " kept line by line", lines, shopLines));
        }
    }

    private static boolean hasOrders(Statement s) throws SQLException {
        try (ResultSet r = s.executeQuery("select exists (select 1 from orders)")) {
            r.next();
            return r.getBoolean(1);
        }
    }

    /** NUL and other control characters: a binary file (a spreadsheet, an archive), not text. */
    private static boolean binary(String field) {
        return field.chars().anyMatch(ch -> ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r');
    }

    private ImportSummary withTimes(ImportSummary s, double seconds) {
        return new ImportSummary(s.file(), s.format(), s.lines(), s.rejected(), s.dryRun(), s.invoicesInFile(),
                s.invoicesNew(), s.orders(), s.guestOrders(), s.orderLines(), s.customersNew(), s.productsNew(),
                s.categoriesNew(), s.couponsNew(), s.ordersMovedOn(), s.ordersEdited(), s.editedOrders(), s.grossSales(),
                s.discounts(), s.shipping(), s.taxes(), s.ordersRefunded(), s.returns(), s.cancellationsPartial(),
                s.cancellationsPartialAmount(), s.cancellationsNoOrder(), s.cancellationsNoOrderAmount(),
                s.adjustments(), s.adjustmentsAmount(), s.firstAt(), s.lastAt(), s.ignoredColumns(), List.copyOf(phases),
                seconds);
    }

    private void phase(String name) {
        long now = System.nanoTime();
        phases.add(new ImportSummary.Phase(name, (now - phaseStart) / 1e9));
        phaseStart = now;
    }

    private void say(String message) {
        if (progress != null) {
            progress.println("import: " + message);
            progress.flush();
        }
    }
}
