package shopflow.generate;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import shopflow.db.Database;
import shopflow.db.DatabaseException;
import shopflow.db.SqlScripts;
import shopflow.rollups.Rollups;
import shopflow.scaleout.Cluster;

/**
 * Fills the database with a synthetic shop: plans the customers, drops keys and indexes, streams
 * every table through COPY (chunks of customers generated on worker threads, written in chunk
 * order, one stream per table), then rebuilds the rollups (beside the clickstream's indexes),
 * keys, indexes and foreign keys, and analyzes.
 */
public final class Generator {

    /** Customers of a scale-1 shop: a shop's scale is its customers over this. */
    public static final int CUSTOMERS_AT_SCALE_1 = Sizes.CUSTOMERS_AT_SCALE_1;

    /** Chunks generated or waiting to be written, per worker: bounds memory at any scale. */
    private static final int CHUNKS_IN_FLIGHT_PER_THREAD = 3;
    static final long LOCK_KEY = 0x5347454EL; // "SGEN": one generate per database at a time
    private static final String COUPON_USES = SqlScripts.read("generate/coupon_uses.sql");
    private final Database database;
    private final GeneratorSettings settings;
    private final PrintStream out;
    private final boolean terminal;
    private final List<GenerationReport.Phase> phases = new ArrayList<>();
    private long phaseStart;

    public Generator(Database database, GeneratorSettings settings, PrintStream out, boolean terminal) {
        this.database = database;
        this.settings = settings;
        this.out = out;
        this.terminal = terminal;
    }

    public GenerationReport run() {
        long start = System.nanoTime();
        try (Connection control = database.connection()) {
            if (!tryLock(control)) {
                throw new DatabaseException("another 'shopflow generate' is running on this database; wait for it"
                        + " to finish (nothing was changed)");
            }
            String notice = checkPrevious(control);
            if (notice != null) {
                say(notice);
            }
            phaseStart = System.nanoTime();
            DemandCalendar calendar = new DemandCalendar(settings.asOf(), settings.zone());
            Sizes sizes = Sizes.of(settings.scale());
            CategoryTree tree = new CategoryTree();
            Catalog catalog = new Catalog(tree, sizes.products(), settings.seed());
            CustomerPlan plan = new CustomerPlan(sizes, calendar, settings.seed());
            CouponBook coupons = new CouponBook(calendar, sizes.chunks(), settings.seed());
            StockLevels stock = new StockLevels(catalog, calendar, settings.seed());
            GenerationContext context = new GenerationContext(settings.seed(), sizes, calendar, catalog, stock, coupons,
                    plan);
            phase("plan customers and catalog");

            GeneratorRuns.markReplaced(control);
            long runId = GeneratorRuns.start(control, settings);
            // Row-by-row rollup maintenance would hand every COPY's rows to the triggers at once;
            // the rollups are rebuilt in one pass after the load instead. Suspended first: the
            // funnel's session rollup is loaded too, and its triggers need its key.
            Rollups.suspend(control);
            int dropped = SchemaObjects.saveAndDrop(control,
                    Arrays.stream(Table.values()).map(Table::sqlName).toList());
            phase("drop keys, indexes, foreign keys (" + dropped + ")");
            // On a Citus cluster the load is followed by its keys and indexes alone; the rollups are
            // rebuilt at the end, in the same parts, after the watermarks of the job that keeps them
            // there are marked (the sequences set).
            boolean rollups = !Cluster.isDistributed(database.dataSource());

            List<GenerationReport.TableLoad> loads = load(context, !rollups);
            phase("generate + COPY (all tables)");

            Set<String> clickstream = Arrays.stream(Table.values()).filter(Table::clickstream).map(Table::sqlName)
                    .collect(Collectors.toSet());
            List<String> shopTables = Arrays.stream(Table.values()).filter(t -> !t.clickstream()).map(Table::sqlName)
                    .toList();
            // The shop tables' keys, indexes and statistics before the rollups' rebuild, which
            // reads those tables: its plans then scan the order lines in their order's key order and
            // estimate the loaded sizes, where they sorted every line (docs/generator.md).
            SchemaObjects.restoreKeysAndIndexes(database, 2, table -> !clickstream.contains(table));
            analyze(shopTables);
            phase("shop keys, indexes, analyze");
            if (rollups) {
                // A key is added under an exclusive lock, which waits for every transaction that
                // has read its table: built beside the rebuild, page views' key waited for the
                // order facets' part, which reads them from its start, and every later lock on
                // page views queued behind it.
                SchemaObjects.restoreKeys(database, 2, clickstream::contains);
                phase("clickstream keys");
                rebuildRollupsBesideIndexesOf(clickstream);
                phase("rollups + clickstream indexes, analyze");
            } else {
                SchemaObjects.restoreKeysAndIndexes(database, 2, clickstream::contains);
                analyze(clickstream);
                phase("clickstream indexes, analyze (cluster)");
            }
            SchemaObjects.restoreForeignKeys(database, 2);
            phase("foreign keys (validate)");

            finishData(control);
            Rollups.resume(control);
            phase("sequences, coupon uses, triggers on");
            if (!rollups) {
                rebuildRollups();
                phase("rollups and their watermarks (cluster)");
            }

            GeneratorRuns.complete(control, runId, loads.stream()
                    .map(l -> l.table() + "=" + l.rows()).collect(Collectors.joining(", ")));
            unlock(control);
            return new GenerationReport(List.copyOf(phases), loads, (System.nanoTime() - start) / 1e9, notice);
        } catch (SQLException e) {
            throw new DatabaseException("generate failed: " + e.getMessage()
                    + " (the run stays marked unfinished; run generate again to replace its data)", e);
        }
    }

    /** Whether a generate holds this database now (its lock, taken for the whole run). */
    static boolean isRunning(Connection c) throws SQLException {
        if (!tryLock(c)) {
            return true;
        }
        unlock(c);
        return false;
    }

    /** The session lock a run holds from its start to its end: one generate per database at a time. */
    private static boolean tryLock(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select pg_try_advisory_lock(" + LOCK_KEY + ")")) {
            r.next();
            return r.getBoolean(1);
        }
    }

    private static void unlock(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("select pg_advisory_unlock(" + LOCK_KEY + ")");
        }
    }

    /**
     * Refuses to overwrite a shop's data without --replace; recovers from an interrupted run, whose
     * partial data is never taken for complete.
     */
    private String checkPrevious(Connection control) throws SQLException {
        Optional<GeneratorRuns.Run> previous = GeneratorRuns.latest(control);
        if (previous.isPresent() && previous.get().status().equals("running")) {
            return "a previous generate (" + previous.get().summary() + ") started at " + previous.get().startedAt()
                    + " did not finish; its partial data is being replaced"
                    + (SchemaObjects.pending(control) > 0 ? " and its dropped indexes and constraints restored" : "");
        }
        long existing = GeneratorRuns.existingRows(control);
        if (existing > 0 && !settings.replace()) {
            throw new IllegalArgumentException("the database already holds data (customers, products or orders);"
                    + " generate would delete it. Add --replace to replace it with generated data"
                    + " (nothing was changed).");
        }
        return null;
    }

    private List<GenerationReport.TableLoad> load(GenerationContext context, boolean cluster) throws SQLException {
        Map<Table, TableStream> streams = new EnumMap<>(Table.class);
        Map<Table, ExecutorService> writers = new EnumMap<>(Table.class);
        ExecutorService workers = Executors.newFixedThreadPool(settings.threads(), daemon("generate"));
        try {
            for (Table table : Table.values()) {
                streams.put(table, TableStream.open(database, table, cluster, this::say));
            }
            List<String> sharded = streams.values().stream().filter(ShardCopies.class::isInstance)
                    .map(stream -> stream.table().sqlName()).toList();
            if (!sharded.isEmpty()) {
                say("straight to their shards on the workers: " + String.join(", ", sharded));
            }
            Catalog catalog = context.catalog();
            streams.get(Table.CATEGORIES).write(CatalogRows.categories(catalog.tree()));
            streams.get(Table.PRODUCTS).write(CatalogRows.products(catalog, context.calendar(), settings.seed()));
            streams.get(Table.COUPONS).write(CatalogRows.coupons(context.coupons(), context.calendar()));

            List<Table> chunkTables = Arrays.stream(Table.values()).filter(Table::perCustomerChunk).toList();
            for (Table table : chunkTables) {
                writers.put(table, Executors.newSingleThreadExecutor(daemon("copy-" + table.sqlName())));
            }
            // The stock movements wait for every chunk: the ledger is played through in time, with
            // its restocks, and inventory's stock at as_of is where it ends.
            StockHistory ledger = new StockHistory(context);
            int chunks = context.sizes().chunks();
            int window = settings.threads() * CHUNKS_IN_FLIGHT_PER_THREAD;
            Semaphore inFlight = new Semaphore(window);
            List<CompletableFuture<ChunkRows>> generated = new ArrayList<>();
            List<CompletableFuture<Void>> written = new ArrayList<>();
            try (Progress progress = new Progress(out, chunks, terminal)) {
                int submitted = 0;
                long orderLinesWritten = 0; // order_items ids run from 1 (truncate ... restart identity)
                Map<Table, CompletableFuture<Void>> tail = new EnumMap<>(Table.class);
                for (Table table : chunkTables) {
                    tail.put(table, CompletableFuture.completedFuture(null));
                }
                for (int chunk = 0; chunk < chunks; chunk++) {
                    // Generate ahead, but never more than the window holds: a permit is returned when
                    // every table has written the chunk.
                    while (submitted < chunks && submitted < chunk + window) {
                        inFlight.acquire();
                        int c = submitted++;
                        generated.add(CompletableFuture.supplyAsync(() -> new ChunkBuilder(context, c).build(), workers));
                    }
                    ChunkRows rows = generated.get(chunk).get();
                    generated.set(chunk, null);
                    ledger.add(rows.ledger(), orderLinesWritten + 1);
                    orderLinesWritten += rows.of(Table.ORDER_ITEMS).rows();
                    List<CompletableFuture<Void>> tables = new ArrayList<>();
                    for (Table table : chunkTables) {
                        TableStream stream = streams.get(table);
                        CompletableFuture<Void> next = tail.get(table).thenRunAsync(() -> {
                            try {
                                stream.write(rows.of(table));
                                progress.rows(table, rows.of(table).rows());
                            } catch (SQLException e) {
                                throw new IllegalStateException(table.sqlName() + ": " + e.getMessage(), e);
                            }
                        }, writers.get(table));
                        tail.put(table, next);
                        tables.add(next);
                    }
                    written.add(CompletableFuture.allOf(tables.toArray(CompletableFuture[]::new))
                            .whenComplete((ok, failure) -> {
                                inFlight.release();
                                progress.chunkDone();
                            }));
                    failFast(written);
                }
                CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get();
            }
            ledger.settle();
            ledger.writeTo(streams.get(Table.STOCK_MOVEMENTS));
            streams.get(Table.INVENTORY).write(CatalogRows.inventory(context.stock()));
            List<GenerationReport.TableLoad> loads = new ArrayList<>();
            for (TableStream stream : streams.values()) {
                stream.finish();
            }
            for (TableStream stream : streams.values()) {
                stream.commit();
                loads.add(new GenerationReport.TableLoad(stream.table().sqlName(), stream.rows(), stream.seconds()));
            }
            return loads;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("generate was interrupted; run it again to replace the partial data", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof IllegalStateException s && s.getCause() instanceof SQLException sql
                    ? sql : e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException("generate failed: " + cause, cause);
        } finally {
            workers.shutdownNow();
            writers.values().forEach(ExecutorService::shutdownNow);
            streams.values().forEach(TableStream::close);
        }
    }

    /**
     * Rebuilds the rollups (in parts, on connections of their own: {@link Rollups#rebuildAfterGenerate})
     * while the keys and indexes of {@code tables} are built on two others, then the tables
     * analyzed: the rebuild reads none of those tables.
     */
    private void rebuildRollupsBesideIndexesOf(Set<String> tables) throws SQLException {
        ExecutorService rollupThread = Executors.newSingleThreadExecutor(daemon("rollups"));
        try {
            Future<?> rollups = rollupThread.submit(this::rebuildRollups);
            try {
                SchemaObjects.restoreKeysAndIndexes(database, 2, tables::contains);
                analyze(tables);
            } finally {
                waitFor(rollups);
            }
        } finally {
            rollupThread.shutdown();
        }
    }

    /**
     * Every rollup but the funnel's sessions, which the load wrote as it wrote each session's events
     * ({@link FunnelSessionRow}; GeneratedRollupsTest checks they equal their rebuild, which on a
     * cluster would read every page view back through the coordinator).
     */
    private void rebuildRollups() {
        Rollups.rebuildAfterGenerate(database.dataSource())
                .forEach(part -> say(String.format("rollups: %s done after %.1f s", part.part(), part.seconds())));
    }

    private void analyze(Collection<String> tables) throws SQLException {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute("analyze " + tables.stream().sorted().collect(Collectors.joining(", ")));
        }
    }

    private static void waitFor(Future<?> rollups) {
        try {
            rollups.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("generate was interrupted; run it again to replace the partial data", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private static void failFast(List<CompletableFuture<Void>> written) throws ExecutionException, InterruptedException {
        for (int i = Math.max(0, written.size() - 4); i < written.size(); i++) {
            CompletableFuture<Void> f = written.get(i);
            if (f.isCompletedExceptionally()) {
                f.get();
            }
        }
    }

    /** Sequences continue after the generated ids; coupons count their uses from order_coupons. */
    private static void finishData(Connection control) throws SQLException {
        try (Statement s = control.createStatement()) {
            for (Table table : Table.values()) {
                if (table.idColumn() != null) {
                    s.execute("select setval(pg_get_serial_sequence('%1$s', '%2$s'), coalesce(max(%2$s), 0) + 1, false) from %1$s"
                            .formatted(table.sqlName(), table.idColumn()));
                }
            }
            // Citus: an update of a reference table after reading its distributed referrers goes
            // over one connection per worker (a placeholder setting on a single node).
            s.execute("set citus.multi_shard_modify_mode to 'sequential'");
            s.execute(COUPON_USES);
            s.execute("reset citus.multi_shard_modify_mode");
        }
    }

    private void phase(String name) {
        long now = System.nanoTime();
        phases.add(new GenerationReport.Phase(name, (now - phaseStart) / 1e9));
        if (out != null && !terminal) {
            out.printf("generate: %s: %.1f s%n", name, (now - phaseStart) / 1e9);
        }
        phaseStart = now;
    }

    private void say(String message) {
        if (out != null) {
            out.println("generate: " + message);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
