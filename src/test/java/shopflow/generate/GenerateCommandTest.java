package shopflow.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.generate.GeneratedData.number;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import shopflow.Main;
import shopflow.TestDatabases;
import shopflow.db.Database;

/** The generate and bench generate commands, on one small database. */
class GenerateCommandTest {

    record Run(int exitCode, String out, String err) {
    }

    private static Database db;
    private static String url;

    @BeforeAll
    static void database() {
        db = TestDatabases.fresh();
        url = db.jdbcUrl();
    }

    @AfterAll
    static void close() {
        db.close();
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        String[] all = Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--jdbc-url";
        all[args.length + 1] = url;
        all[args.length + 2] = "--db-password";
        all[args.length + 3] = TestDatabases.password();
        int code = cmd.execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void out_of_range_options_are_named_with_what_is_accepted_and_change_nothing() {
        double before = number(db, "select count(*) from generator.runs");
        Run zero = run("generate", "--scale", "0");
        Run huge = run("generate", "--scale", "500");
        Run negative = run("generate", "--scale", "-1");
        Run seed = run("generate", "--seed", "abc");
        Run asOf = run("generate", "--as-of", "yesterday");
        Run threads = run("generate", "--threads", "0");
        assertThat(zero.exitCode()).isEqualTo(1);
        assertThat(zero.err()).contains("--scale", "between 0.001 and 100", "got 0.0");
        assertThat(huge.err()).contains("--scale", "between 0.001 and 100", "got 500.0");
        assertThat(negative.err()).contains("--scale", "got -1.0");
        assertThat(seed.exitCode()).isEqualTo(2);
        assertThat(seed.err()).contains("--seed", "abc");
        assertThat(asOf.err()).contains("--as-of", "yesterday", "2026-06-30T12:00");
        assertThat(threads.err()).contains("--threads", "between 1 and 64");
        assertThat(number(db, "select count(*) from generator.runs")).isEqualTo(before);
    }

    @Test
    void it_refuses_to_replace_data_without_replace_and_recovers_an_interrupted_run() throws Exception {
        Run first = run("generate", "--scale", "0.002", "--as-of", "2026-06-30T12:00", "--replace");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("generated", "orders");
        double indexes = number(db, "select count(*) from pg_indexes where schemaname = 'public'");
        double foreignKeys = number(db, "select count(*) from pg_constraint where contype = 'f'");

        Run again = run("generate", "--scale", "0.002");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("already holds data", "--replace", "nothing was changed");

        // An interrupted run: its record still 'running', its keys and indexes dropped, half its rows gone.
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            // a row of another feature pointing at the data being replaced, and a movement the generator never writes
            s.execute("insert into order_idempotency_keys (idempotency_key, request_hash, order_id)"
                    + " values ('retried', repeat('0', 64), 1)");
            s.execute("insert into order_status_changes (order_id, from_status, to_status) values (1, 'pending', 'processing')");
            s.execute("insert into stock_movements (product_id, warehouse, quantity, reason, moved_at)"
                    + " select product_id, warehouse, -1, 'adjust', now() from inventory limit 1");
            s.execute("insert into generator.runs (scale, seed, as_of, threads) values (0.002, 1, now(), 2)");
            s.execute("select suspend_rollups()");
            SchemaObjects.saveAndDrop(c, Arrays.stream(Table.values()).map(Table::sqlName).toList());
            s.execute("delete from page_views where view_id % 2 = 0");
        }
        assertThat(number(db, "select count(*) from pg_indexes where schemaname = 'public'")).isLessThan(indexes);

        // Reading it says it is half-loaded and names the repair; while a generate holds it, that it is loading.
        Run report = run("report", "daily_revenue", "--as-of", "2026-06-30T12:00");
        assertThat(report.err()).contains("partial data of a 'shopflow generate' that did not finish",
                "`./shopflow generate`");
        try (Connection loader = db.connection(); Statement s = loader.createStatement()) {
            s.execute("select pg_advisory_lock(" + Generator.LOCK_KEY + ")");
            assertThat(run("report", "daily_revenue", "--as-of", "2026-06-30T12:00").err())
                    .contains("is loading this database", "incomplete until it finishes");
            s.execute("select pg_advisory_unlock(" + Generator.LOCK_KEY + ")"); // a session lock outlives a pooled close
        }

        Run recovery = run("generate", "--scale", "0.002", "--as-of", "2026-06-30T12:00");
        assertThat(recovery.exitCode()).as(recovery.err()).isZero();
        assertThat(recovery.out()).contains("a previous generate", "did not finish", "partial data is being replaced");
        assertThat(number(db, "select count(*) from pg_indexes where schemaname = 'public'")).isEqualTo(indexes);
        assertThat(number(db, "select count(*) from pg_constraint where contype = 'f'")).isEqualTo(foreignKeys);
        assertThat(number(db, "select count(*) from generator.saved_ddl")).isZero();
        assertThat(number(db, "select count(*) from order_idempotency_keys")).as("idempotency keys of the replaced orders")
                .isZero();
        assertThat(number(db, "select count(*) from order_status_changes where changed_at > timestamptz '2026-06-30 12:00+01'"))
                .as("status changes of the replaced orders (the generated ones stop at as_of)").isZero();
        assertThat(number(db, "select count(*) from order_status_changes where from_status is null"))
                .as("generated creation rows").isEqualTo(number(db, "select count(*) from orders")).isPositive();
        assertThat(number(db, "select count(*) from stock_movements where reason = 'adjust'")).as("replaced movements").isZero();
        assertThat(number(db, "select count(*) from stock_movements where reason = 'ship'")).as("generated shipments").isPositive();
        assertThat(number(db, "select count(*) from generator.runs where status = 'running'")).isZero();
        assertThat(number(db, "select count(*) from generator.runs where status = 'replaced'")).isEqualTo(1);
        assertThat(GeneratedData.strings(db, "select status from generator.runs order by run_id desc limit 1"))
                .containsExactly("complete");        assertThat(run("report", "daily_revenue", "--as-of", "2026-06-30T12:00").err()).doesNotContain("warning");
    }

    @Test
    void bench_generate_prints_each_phase_and_rows_per_second() {
        Run bench = run("bench", "generate", "--scale", "0.002", "--as-of", "2026-06-30", "--replace");
        assertThat(bench.exitCode()).as(bench.err()).isZero();
        assertThat(bench.out()).contains("generate + COPY", "indexes", "foreign keys", "analyze", "total",
                "page_views", "rows/s");
    }
}
