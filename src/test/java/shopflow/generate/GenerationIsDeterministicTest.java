package shopflow.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;

class GenerationIsDeterministicTest {

    /** Every generated table, ordered by its key, hashed. */
    private static Map<String, String> checksums(Database db) {
        Map<String, String> sums = new LinkedHashMap<>();
        for (Table table : Table.values()) {
            String key = switch (table) {
                case ORDER_COUPONS, FRAUD_GROUND_TRUTH -> "order_id, t::text";
                default -> table.idColumn();
            };
            sums.put(table.sqlName(), GeneratedData.strings(db, "select count(*) || ':' || md5(string_agg(t::text, '|' order by "
                    + key + ")) from " + table.sqlName() + " t").get(0));
        }
        return sums;
    }

    @Test
    void the_same_seed_gives_the_same_rows_whatever_the_threads() {
        Map<String, String> oneThread;
        Map<String, String> threeThreads;
        try (Database db = TestDatabases.fresh()) {
            GeneratedData.generate(db, 0.01, 1);
            oneThread = checksums(db);
        }
        try (Database db = TestDatabases.fresh()) {
            GeneratedData.generate(db, 0.01, 3);
            threeThreads = checksums(db);
        }
        assertThat(threeThreads).isEqualTo(oneThread);
        assertThat(oneThread).containsKey("stock_movements");
        assertThat(oneThread.get("page_views")).doesNotStartWith("0:");
        assertThat(oneThread.get("stock_movements")).doesNotStartWith("0:");
        assertThat(oneThread.get("order_status_changes")).doesNotStartWith("0:");
    }

    @Test
    void another_seed_gives_other_rows() {
        try (Database db = TestDatabases.fresh()) {
            GeneratedData.generate(db, 0.005, 2);
            Map<String, String> first = checksums(db);
            new Generator(db, new GeneratorSettings(0.005, 7, shopflow.reports.AsOf.parse(GeneratedData.AS_OF,
                    GeneratedData.LONDON), GeneratedData.LONDON, 2, true), null, false).run();
            assertThat(checksums(db).get("orders")).isNotEqualTo(first.get("orders"));
        }
    }
}
