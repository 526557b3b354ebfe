package shopflow.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.generate.Generator;
import shopflow.generate.GeneratorSettings;
import shopflow.reports.AsOf;
import shopflow.rollups.RollupVerifier;

/**
 * A generated shop backed up while it is written to, restored into another database: the restored
 * tables equal the snapshot, the reports equal their reference SQL, and every refused restore
 * leaves the database as it was.
 */
class BackupRestoreTest {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final String AS_OF = "2026-06-30T12:00";

    private static Database shop;
    private static Path backup;
    /** Each table's rows as a checksum, as the backup's snapshot saw them. */
    private static Map<String, String> snapshot;

    @TempDir
    static Path directory;

    @BeforeAll
    static void backUpAShop() throws SQLException, IOException {
        shop = TestDatabases.fresh();
        new Generator(shop, new GeneratorSettings(0.005, 42, AsOf.parse(AS_OF, LONDON), LONDON, 2, true), null, false).run();
        try (Connection c = shop.connection(); Statement s = c.createStatement()) {
            s.execute("insert into api.tokens (token_hash, role, label) values (sha256('t'), 'viewer', 'kept')");
        }
        snapshot = checksums(shop);
        backup = directory.resolve("shop.zip");
        BackupManifest manifest = Backup.write(shop, backup, new PrintWriter(new StringWriter()));
        assertThat(manifest.tables()).extracting(BackupManifest.Table::name)
                .contains("public.orders", "public.order_items", "public.page_views", "api.tokens", "generator.runs",
                        "imports.invoices", "alerts.webhooks")
                .doesNotContain("public.flyway_schema_history", "public.category_ancestry");
        assertThat(manifest.rows()).isGreaterThan(10_000);
        assertThat(Files.getPosixFilePermissions(backup)).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @AfterAll
    static void close() {
        shop.close();
    }

    /** Each backed-up table's rows, as md5 of their text in key order, by table name. */
    private static Map<String, String> checksums(Database database) throws SQLException {
        Map<String, String> sums = new LinkedHashMap<>();
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            for (BackupManifest.Table table : ShopTables.tables(c)) {
                try (ResultSet r = s.executeQuery("select count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' order by"
                        + " t::text)), '') from " + table.name() + " as t")) {
                    r.next();
                    sums.put(table.name(), r.getString(1));
                }
            }
            try (ResultSet r = s.executeQuery("select last_value || ' ' || is_called from public.orders_order_id_seq")) {
                r.next();
                sums.put("orders_order_id_seq", r.getString(1));
            }
        }
        return sums;
    }

    @Test
    void a_restore_equals_the_snapshot_and_its_reports_their_reference_sql() throws SQLException {
        try (Database copy = TestDatabases.fresh()) {
            BackupManifest manifest = Restore.load(copy, backup, false, new PrintWriter(new StringWriter()));
            assertThat(checksums(copy)).isEqualTo(snapshot);
            assertThat(manifest.tables()).allSatisfy(table -> assertThat(table.rows()).isEqualTo(
                    Long.parseLong(snapshot.get(table.name()).split(" ")[0])));
            // the indexes dropped for the load are all back, as they were
            String indexes = "select string_agg(indexdef, ' | ' order by indexdef) from pg_indexes"
                    + " where schemaname in ('public', 'api', 'generator', 'imports', 'alerts', 'rollups')";
            assertThat(value(copy, indexes)).isEqualTo(value(shop, indexes));
            // the rollups rebuilt from the restored rows: every report equals its reference SQL
            assertThat(new RollupVerifier(copy.dataSource()).verifyUnfiltered(AsOf.parse(AS_OF, LONDON))).isEmpty();
            // and the shop goes on: a new order takes the next id
            try (Connection c = copy.connection(); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("select nextval('orders_order_id_seq') > max(order_id) from orders")) {
                r.next();
                assertThat(r.getBoolean(1)).isTrue();
            }
        }
    }

    @Test
    void a_backup_taken_while_orders_arrive_is_one_consistent_snapshot() throws Exception {
        try (Database busy = TestDatabases.fresh()) {
            Restore.load(busy, backup, false, new PrintWriter(new StringWriter()));
            int product;
            try (Connection c = busy.connection(); Statement s = c.createStatement()) {
                product = ((Number) value(s, "select product_id from inventory order by quantity desc limit 1")).intValue();
                s.execute("update inventory set quantity = 1000000 where product_id = " + product);
            }
            long before = ((Number) value(busy, "select count(*) from orders")).longValue();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger placed = new AtomicInteger();
            Thread shopper = new Thread(() -> {
                try (Connection c = busy.connection(); PreparedStatement s = c.prepareStatement(
                        "select order_id from place_order(1, ?::jsonb)")) {
                    s.setString(1, "[{\"product_id\": " + product + ", \"quantity\": 1}]");
                    while (!stop.get()) {
                        s.executeQuery().close();
                        placed.incrementAndGet();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            shopper.start();
            while (placed.get() < 3) {
                Thread.sleep(10);
            }
            Path during = directory.resolve("during.zip");
            Backup.write(busy, during, new PrintWriter(new StringWriter()));
            int placedByTheEnd = placed.get();
            stop.set(true);
            shopper.join();

            try (Database copy = TestDatabases.fresh()) {
                // loaded with every foreign key checked: no line or status change of an order outside the snapshot
                Restore.load(copy, during, false, new PrintWriter(new StringWriter()));
                long restored = ((Number) value(copy, "select count(*) from orders")).longValue();
                assertThat(restored).isBetween(before + 3, before + placedByTheEnd);
                assertThat(value(copy, "select count(*) from orders where not exists (select 1 from order_items"
                        + " where order_items.order_id = orders.order_id) and created_at > now() - interval '1 hour'"))
                        .isEqualTo(0L);
                assertThat(new RollupVerifier(copy.dataSource()).verifyUnfiltered(OffsetDateTime.now())).isEmpty();
            }
        }
    }

    private static Object value(Database database, String sql) throws SQLException {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            return value(s, sql);
        }
    }

    private static Object value(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getObject(1);
        }
    }

    @Test
    void a_shop_is_replaced_only_with_replace() throws SQLException {
        try (Database other = TestDatabases.fresh()) {
            Restore.load(other, backup, false, new PrintWriter(new StringWriter()));
            try (Connection c = other.connection(); Statement s = c.createStatement()) {
                s.execute("delete from api.tokens");
            }
            Map<String, String> before = checksums(other);
            assertThatThrownBy(() -> Restore.load(other, backup, false, new PrintWriter(new StringWriter())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--replace");
            assertThat(checksums(other)).isEqualTo(before);
            Restore.load(other, backup, true, new PrintWriter(new StringWriter()));
            assertThat(checksums(other)).isEqualTo(snapshot);
        }
    }

    @Test
    void a_damaged_or_foreign_file_changes_nothing() throws IOException, SQLException {
        Path notZip = directory.resolve("notes.txt");
        Files.writeString(notZip, "order_id,total\n1,10\n");
        // the backup without one table's rows
        Path incomplete = directory.resolve("incomplete.zip");
        try (ZipFile source = new ZipFile(backup.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(incomplete))) {
            for (ZipEntry entry : source.stream().toList()) {
                if (!entry.getName().equals("tables/public.order_items.copy")) {
                    out.putNextEntry(new ZipEntry(entry.getName()));
                    source.getInputStream(entry).transferTo(out);
                    out.closeEntry();
                }
            }
        }
        // the backup with one table's rows cut short
        Path truncated = directory.resolve("truncated.zip");
        try (ZipFile source = new ZipFile(backup.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(truncated))) {
            for (ZipEntry entry : source.stream().toList()) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                byte[] bytes = source.getInputStream(entry).readAllBytes();
                OutputStream target = out;
                target.write(bytes, 0, entry.getName().equals("tables/public.page_views.copy") ? bytes.length / 2 : bytes.length);
                out.closeEntry();
            }
        }
        try (Database empty = TestDatabases.fresh()) {
            Map<String, String> before = checksums(empty);
            assertThatThrownBy(() -> Restore.load(empty, notZip, false, new PrintWriter(new StringWriter())))
                    .hasMessageContaining("not a ShopFlow backup");
            assertThatThrownBy(() -> Restore.load(empty, incomplete, false, new PrintWriter(new StringWriter())))
                    .hasMessageContaining("public.order_items");
            assertThatThrownBy(() -> Restore.load(empty, truncated, false, new PrintWriter(new StringWriter())))
                    .hasMessageContaining("restore failed, the database is unchanged");
            assertThatThrownBy(() -> Restore.load(empty, directory.resolve("missing.zip"), false,
                    new PrintWriter(new StringWriter()))).hasMessageContaining("is not a file");
            assertThat(checksums(empty)).isEqualTo(before);
        }
    }

    @Test
    void a_backup_never_overwrites_a_file() throws IOException {
        Path existing = directory.resolve("existing.zip");
        Files.writeString(existing, "keep me");
        assertThatThrownBy(() -> Backup.write(shop, existing, new PrintWriter(new StringWriter())))
                .hasMessageContaining("already exists");
        assertThat(Files.readString(existing)).isEqualTo("keep me");
    }
}
