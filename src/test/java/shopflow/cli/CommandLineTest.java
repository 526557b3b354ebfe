package shopflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;
import shopflow.Main;
import shopflow.TestDatabases;

class CommandLineTest {

    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void top_level_help_lists_the_commands() {
        Run run = run("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("db", "migrate", "--version");
    }

    @Test
    void every_command_has_help() {
        for (String command : Main.commandLine().getSubcommands().keySet()) {
            Run run = run(command, "--help");
            assertThat(run.exitCode()).as(command).isZero();
            assertThat(run.out()).as(command).contains("Usage: shopflow " + command);
        }
    }

    /**
     * The command list shows each command's first description line alone, so it must be a whole
     * sentence; and picocli formats every help line with String.format, so a bare % (as in "80 %
     * intervals") garbles the help and prints a warning instead.
     */
    @Test
    void every_help_text_formats_and_every_summary_is_a_sentence() {
        List<CommandLine> commands = new ArrayList<>(List.of(Main.commandLine()));
        for (int i = 0; i < commands.size(); i++) {
            CommandLine command = commands.get(i);
            commands.addAll(command.getSubcommands().values());
            UsageMessageSpec usage = command.getCommandSpec().usageMessage();
            String name = command.getCommandSpec().qualifiedName();
            List<String> lines = new ArrayList<>();
            lines.addAll(List.of(usage.description()));
            lines.addAll(List.of(usage.header()));
            lines.addAll(List.of(usage.footer()));
            for (String line : lines) {
                assertThatCode(() -> String.format(line)).as(name + ": " + line).doesNotThrowAnyException();
            }
            if (usage.description().length > 0) {
                assertThat(usage.description()[0]).as(name + "'s summary").endsWith(".");
            }
        }
        assertThat(commands).hasSizeGreaterThan(30);
    }

    @Test
    void version_names_the_product() {
        Run run = run("--version");
        assertThat(run.out()).contains("ShopFlow Analytics");
    }

    @Test
    void an_unknown_command_suggests_the_closest_one() {
        Run run = run("migrat");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("migrat", "Did you mean", "migrate", "--help");
    }

    @Test
    void serving_beyond_loopback_without_tls_is_refused_unless_insecure_http_is_given() {
        Run open = run("serve", "--host", "0.0.0.0", "--jdbc-url", "jdbc:postgresql://localhost:1/never");
        assertThat(open.exitCode()).isNotZero();
        assertThat(open.err()).contains("--host 0.0.0.0 would serve plain HTTP beyond this machine",
                "--tls-cert FILE --tls-key FILE", "--insecure-http");
        Run half = run("serve", "--tls-cert", "cert.pem", "--jdbc-url", "jdbc:postgresql://localhost:1/never");
        assertThat(half.exitCode()).isNotZero();
        assertThat(half.err()).contains("HTTPS needs both --tls-cert FILE and --tls-key FILE");

        ServeCommand.HttpOptions options = new ServeCommand.HttpOptions();
        options.port = 8080;
        options.host = "0.0.0.0";
        options.insecureHttp = true;
        options.check(); // allowed, knowingly
        options.insecureHttp = false;
        options.tlsCert = java.nio.file.Path.of("cert.pem");
        options.tlsKey = java.nio.file.Path.of("key.pem");
        options.check();
        for (String loopback : new String[] {"localhost", "127.0.0.1", "::1"}) {
            options.host = loopback;
            options.tlsCert = null;
            options.tlsKey = null;
            options.check();
        }
    }

    @Test
    void an_unknown_option_is_named_with_a_hint() {
        Run run = run("migrate", "--colour");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--colour'", "shopflow migrate --help");
    }

    @Test
    void migrate_works_on_an_external_database_given_by_jdbc_url() throws Exception {
        int port = TestDatabases.port();
        TestDatabases.execute(port, "create database external_target owner shopflow");
        String url = "jdbc:postgresql://localhost:" + port + "/external_target";

        Run first = run("migrate", "--jdbc-url", url, "--db-user", "shopflow", "--db-password", TestDatabases.password());
        assertThat(first.exitCode()).as(first.err()).isZero();
        Run second = run("migrate", "--jdbc-url", url, "--db-user", "shopflow", "--db-password", TestDatabases.password());
        assertThat(second.exitCode()).isZero();

        try (Connection c = java.sql.DriverManager.getConnection(url, "shopflow", TestDatabases.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from information_schema.tables"
                        + " where table_schema = 'public' and table_name in ('orders', 'order_items', 'page_views')")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
        }
    }

    @Test
    void psql_signs_in_as_the_shops_role_and_passes_its_arguments_on(@org.junit.jupiter.api.io.TempDir java.nio.file.Path temp)
            throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/psql")),
                "no psql on this machine (the CI machine has it: its Citus install brings the PostgreSQL client)");
        try (shopflow.db.Database db = TestDatabases.fresh()) {
            java.nio.file.Path output = temp.resolve("out.txt");
            Run run = run("psql", "--jdbc-url", db.jdbcUrl(), "--db-password", TestDatabases.password(),
                    "-At", "-c", "select current_user || ' ' || current_database()", "-o", output.toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(java.nio.file.Files.readString(output).strip()).isEqualTo("shopflow " + db.jdbcUrl()
                    .substring(db.jdbcUrl().lastIndexOf('/') + 1));
        }
    }

    @Test
    void order_refunds_units_of_a_line_and_refuses_more_than_is_left() throws Exception {
        try (shopflow.db.Database db = TestDatabases.fresh(); Connection c = db.connection(); Statement s = c.createStatement()) {
            s.execute("insert into customers (customer_id, email) values (1, 'a@example.com');"
                    + " insert into products (product_id, sku, name, list_price) values (1, 'MUG', 'Mug', 8.00);"
                    + " insert into orders (order_id, customer_id, order_number, status, subtotal, total_amount)"
                    + " values (1, 1, 'T-1', 'delivered', 24.00, 24.00);"
                    + " insert into order_items (item_id, order_id, product_id, quantity, unit_price, line_total)"
                    + " values (7, 1, 1, 3, 8.00, 24.00)");
            String[] database = {"--jdbc-url", db.jdbcUrl(), "--db-password", TestDatabases.password()};
            Run refund = run(concat(new String[] {"order", "1", "--refund-line", "7:2"}, database));
            assertThat(refund.exitCode()).as(refund.err()).isZero();
            assertThat(refund.out()).contains("order 1: refunded 16.00, 8.00 left to refund");
            Run tooMany = run(concat(new String[] {"order", "1", "--refund-line", "7:2"}, database));
            assertThat(tooMany.exitCode()).isEqualTo(1);
            assertThat(tooMany.err()).contains("line 7 of order 1 has 1 units left to refund: 2 is more");
            Run malformed = run(concat(new String[] {"order", "1", "--refund-line", "7x2"}, database));
            assertThat(malformed.exitCode()).isEqualTo(2);
            assertThat(malformed.err()).contains("--refund-line '7x2' is not ITEM_ID:UNITS");
            Run both = run(concat(new String[] {"order", "1", "--refund", "1", "--status", "refunded"}, database));
            assertThat(both.exitCode()).isEqualTo(2);
            assertThat(both.err()).contains("mutually exclusive");
        }
    }

    private static String[] concat(String[] first, String[] second) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(first), java.util.Arrays.stream(second))
                .toArray(String[]::new);
    }

    @Test
    void a_jdbc_url_that_is_not_postgresql_is_refused() {
        Run run = run("migrate", "--jdbc-url", "jdbc:mysql://localhost/shop");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("jdbc:postgresql:");
    }
}
