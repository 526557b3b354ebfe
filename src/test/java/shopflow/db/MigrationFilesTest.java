package shopflow.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rules that keep the schema readable: each function is defined in exactly one file, versioned
 * migrations hold what has state and are never edited once landed, definitions live in the
 * repeatable files.
 */
class MigrationFilesTest {

    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

    /**
     * SHA-256 of every versioned migration that has landed on main. Editing one breaks every database
     * it has migrated (Flyway refuses a changed checksum): add a new versioned file instead, and its
     * checksum here once it has landed.
     */
    private static final Map<String, String> LANDED = Map.ofEntries(
            Map.entry("V1__shop_tables.sql", "1266173c84839c87b4c9a6663b66ef591d956996cd7dd6ae452cf1d3f2f03ed0"),
            Map.entry("V2__rollup_tables.sql", "f1e65167b9c2205fc4138c7852a599b7977e632cc57cdb41b311aa6870203ff3"),
            Map.entry("V3__bookkeeping_and_access.sql", "24167469d1c07e616a62939710298e7a37bd462f4494150a952c94a693ddcec5"),
            Map.entry("V4__status_history_and_checkout.sql", "63062ae1c57d9c5ef62ca36a45b864cb57edd72a7c4c9d9dac232645739fc372"),
            Map.entry("V5__sales_and_return_days.sql", "222408b218e101484cb225c826bf5b1c0bd59fdb529adb1f28e545d3836ef68b"),
            Map.entry("V6__windowed_product_rollups.sql", "97c5f6d883f7bb4845ef0ae0f13079c2567008f62759d5af6be9fa774a9b620a"),
            Map.entry("V7__rfm_cells_and_schemes.sql", "edec50246826cb8cce0562fd8646787be21810b44839115c21030a16cb6cd814"),
            Map.entry("V9__stock_outs.sql", "5f2c50a6d125be65c2e7a8916764f3fcf7f3bd36e7925aa63482949b23f4ad38"),
            Map.entry("V10__order_imports_and_external_keys.sql", "328d6f76ea8505dcffeb94e1c9b4ff56e10f22b8b24aa25b4149d74cec6662de"),
            Map.entry("V11__alerts_and_webhooks.sql", "b116e44c41bfc2f92c4726312373934d128ae02766fede3e4055f61113c9b06a"),
            Map.entry("V13__product_day_spans.sql", "312b033de88c7ab2e5d9938b6ecac7653e03234698bb8b2f942265fb8176c436"),
            Map.entry("V14__customer_value_fits.sql", "9fc2554ea9b67bdabcfabcb690a720f8cd1925102f97f36fe7ca6e7e14972094"),
            Map.entry("V15__import_refunds.sql", "e44343383501f6a5027a2eaf67d8285feabf02d75c4bde214f50d5988c95b9f1"),
            Map.entry("V16__buyer_days.sql", "4b86cd34500f6e639a59cb371ac9a72dd359e981cfdd0c76374a41ea67c050f0"),
            Map.entry("V21__order_refunds.sql", "2e9da194cdd8e294d8bef9c8cbc70d38de4aecb2131b273f16f331d19a9cedcc"),
            Map.entry("V22__kept_stock_outs.sql", "59fea5a76b3f5d0fdb2f58ab011f0af122366c72d3150337b0f752c9a422d4ac"),
            Map.entry("V23__product_window_totals.sql", "b3503172f3875229db67b8a97693008df96884d80ab556cfc173d518753b8b54"),
            Map.entry("V25__order_facet_days.sql", "46ea7cfc7c087a8ce0d91f2454bf93d3f099c3b80d9ba63e75c55ce7d7dec8d7"),
            Map.entry("V26__customer_first_orders.sql", "a9b0fdc71b9aede91e00d65a97d02f4f9f66a7d52750e405af8668834cc02772"),
            Map.entry("V27__customer_spend_net_of_refunds.sql", "25c03a0d3a1b6d9b8e8edbd5b5602091f62c6fed252d946b26789b9479760802"),
            Map.entry("V28__category_windows_and_session_first_seen.sql", "a3b0fadaf9a9320fab72ae5410fd531ad08b70f584bc9cf7c6c154c31e66109e"),
            Map.entry("V29__low_stock_first_page.sql", "5fb31a373d061bed3eeaf311d07741b9470f89602af16da49b86c6f751071866"),
            Map.entry("V31__shop_vitals_kept_figures.sql", "dcc9c1d53131522ad02883aaee057b452b5063845c484477ab1a988d70442015"),
            Map.entry("V33__funnel_traffic_hours.sql", "6ae347ebc1391be3b8099894beefb9f26aa752beb954c1e95ed2d2f9f5f6e65d"),
            Map.entry("V35__order_drill_rows.sql", "8b584ae6bd80bc1e413f1cae6c8ff04a53efb77d53d635f7b0cf1f1c4eea6163"),
            Map.entry("V38__order_facet_hour_marks_and_new_orders.sql",
                    "e8be929013b7362b5637bace524eca04549e8f4ab2ea4f4956431052c143be34"),
            Map.entry("V39__category_basket_days.sql", "28df53d0086ac81e5f5e94855221cf446c0f2329222a02f87b91ccecd0fd6df6"),
            Map.entry("V40__basket_facet_days.sql", "b1e1398f0e07774e01d9710b37c8de502f441a50551fc65ea25c195898b2e442"),
            Map.entry("V41__order_drill_refund_line_ids.sql", "4dbb7c5b6fb3d844cab73189ce028e5cefc181a92236e60cbddc51c49e8ec231"),
            Map.entry("V42__catch_up_stock_copies.sql", "aa18624475da590a02ed8a2cb98b877767ebe14e19101d45c07bd40311ae402f"),
            Map.entry("V43__funnel_session_landings.sql", "d9c6386feaaeff602a1b513e832469a52f1b6c0417bb2601451283fa20f1f5e0"),
            Map.entry("V44__order_facet_returns_made.sql", "b5463b40f71182a44502044c65301bf169287f002ccec8ae2dce110f609b7e7c"),
            Map.entry("V45__shop_vitals_window_of_yesterday.sql",
                    "aa8d90fbc7f692edfbc1eb751a4591209e6e6b50f8cd1d62da04f53de060b407"),
            Map.entry("V46__catch_up_targets_read_at.sql", "032ede9de7c28248737f8bb221cca7182275d990234fc926ce5ccf27389cebbb"),
            Map.entry("V47__pair_months_of_two_orders.sql", "0ffd36f1ef1daa005e9ed42eeb4f4a2f555e83cd1a1b7096c33a674cc15dedaf"),
            Map.entry("V48__order_risk_counted_and_customer_index.sql", "d2f97f8965c38445552b8adafaf675dc280b5acb50046a55a0c65974f64c71bc"),
            Map.entry("V49__rfm_key_changes.sql", "eedc86e4d6a5f275a4ff0c800b7317395278b579a2e7ce319a47424d1941e685"),
            Map.entry("V50__rfm_stale_marks_versioned.sql", "b15765f64c6e278b429bb7fbd6627804bd37ad280a5c7eaa6d6ce697924b079e"),
            Map.entry("V51__rfm_stale_marks_dated.sql", "50c84f53d5a4af2945f8aaa8f3ed6a7367f6d39f2179b6c530e6092e7765479d"),
            Map.entry("V52__rollups_vacuumed_by_their_changes.sql",
                    "10cfb27381227183eaac8198a19aa04c6d84d3a7d383c05d2fb7df2a4c77371d"),
            Map.entry("V53__funnel_sessions_across_midnight.sql",
                    "abeb6e334752e50d54b62a2aa28b5b7e4d192c62dc3e6097f9666121c36f93a2"),
            Map.entry("V54__product_spans_from_four_days.sql",
                    "0fae986611f31142c3049b828d9f7c2d3e9b4d2b3e7c8c807a9d2e77ba9b3156"));

    /**
     * Functions a versioned migration may define: those its generated columns compute, and the time
     * grains that hold the shop's time zone (fixed when the database is created: a repeatable file
     * would be applied again by a command run with another --time-zone).
     */
    private static final Set<String> VERSIONED_FUNCTIONS = Set.of("shop_day", "shop_month", "shop_hour", "rfm_key",
            "shop_time_zone");

    private static final Pattern CREATE_FUNCTION = Pattern.compile(
            "^\\s*create\\s+(?:or\\s+replace\\s+)?(?:function|procedure)\\s+([\\w.]+)\\s*\\(",
            Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
    private static final Pattern CREATE_DEFINITION = Pattern.compile(
            "^\\s*create\\s+(?:or\\s+replace\\s+)?(?:materialized\\s+)?(trigger|view)\\s+([\\w.]+)",
            Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);

    @Test
    void each_function_is_created_in_exactly_one_migration_file() throws IOException {
        Map<String, String> fileOfFunction = new TreeMap<>();
        for (Path file : migrationFiles()) {
            Matcher m = CREATE_FUNCTION.matcher(Files.readString(file));
            while (m.find()) {
                String name = m.group(1);
                String before = fileOfFunction.putIfAbsent(name, file.getFileName().toString());
                assertThat(before == null || before.equals(file.getFileName().toString()))
                        .as("function %s is created in %s and in %s", name, before, file.getFileName())
                        .isTrue();
            }
        }
        assertThat(fileOfFunction).containsKeys("place_order", "fold_rollups", "catch_up_rollups");
    }

    @Test
    void landed_versioned_migrations_are_unchanged() throws IOException {
        for (Path file : migrationFiles()) {
            String name = file.getFileName().toString();
            if (!name.startsWith("V")) {
                continue;
            }
            assertThat(LANDED)
                    .as("%s is new: once it has landed, add its checksum to LANDED (%s)", name, sha256(file))
                    .containsKey(name);
            assertThat(sha256(file))
                    .as("%s has landed and must not be edited: add a new versioned migration instead", name)
                    .isEqualTo(LANDED.get(name));
        }
        assertThat(LANDED.keySet()).allSatisfy(name -> assertThat(MIGRATIONS.resolve(name)).exists());
    }

    @Test
    void functions_triggers_and_views_live_in_repeatable_migrations() throws IOException {
        for (Path file : migrationFiles()) {
            String name = file.getFileName().toString();
            if (!name.startsWith("V")) {
                continue;
            }
            String sql = Files.readString(file);
            Matcher functions = CREATE_FUNCTION.matcher(sql);
            while (functions.find()) {
                assertThat(VERSIONED_FUNCTIONS).as("function %s in the versioned %s", functions.group(1), name)
                        .contains(functions.group(1));
            }
            Matcher definitions = CREATE_DEFINITION.matcher(sql);
            assertThat(definitions.find()).as("a %s in the versioned %s", definitions.results().toList(), name)
                    .isFalse();
        }
    }

    @Test
    void repeatable_migrations_can_be_applied_again() throws IOException {
        // Flyway re-applies a repeatable file whole when it changes: every definition must replace
        for (Path file : migrationFiles()) {
            if (!file.getFileName().toString().startsWith("R__")) {
                continue;
            }
            Matcher plain = Pattern.compile("^\\s*create\\s+(function|procedure|trigger|view|table|type)\\s",
                    Pattern.CASE_INSENSITIVE | Pattern.MULTILINE).matcher(Files.readString(file));
            assertThat(plain.find()).as("%s: a 'create %s' fails when the file is applied again (create or"
                    + " replace)", file.getFileName(), plain.hitEnd() ? "" : plain.group(1)).isFalse();
        }
    }

    private static List<Path> migrationFiles() throws IOException {
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            return files.filter(f -> f.toString().endsWith(".sql")).sorted().toList();
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
