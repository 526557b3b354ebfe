package shopflow.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import shopflow.Main;
import shopflow.TestDatabases;
import shopflow.db.Database;

/** What {@code shopflow distribute} refuses, without a cluster: each refusal says why and changes nothing. */
class DistributeCommandTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(out, true));
        return cmd.execute(args) + "\n" + out;
    }

    @Test
    void the_embedded_database_is_refused_it_has_no_citus() {
        assertThat(run("distribute", "--data-dir", "/nonexistent/never-created", "--port", "1"))
                .startsWith("1\n").contains("distribute needs a Citus coordinator", "--jdbc-url");
    }

    @Test
    void a_plain_postgresql_is_refused_naming_the_missing_extension_and_keeps_its_triggers() throws SQLException {
        try (Database db = TestDatabases.fresh()) {
            int triggers = triggers(db);
            assertThat(run("distribute", "--jdbc-url", db.jdbcUrl(), "--db-password", TestDatabases.password()))
                    .startsWith("1\n").contains("is not a Citus coordinator", "citus extension is not installed");
            assertThat(triggers(db)).isEqualTo(triggers).isPositive();
            assertThat(Cluster.isDistributed(db.dataSource())).isFalse();
        }
    }

    @Test
    void the_script_splits_into_statements_keeping_dollar_quoted_bodies_whole_each_with_its_progress_words() {
        List<Distribution.Step> steps = Distribution.steps("""
                -- a comment
                select 1;

                do $$
                begin
                    -- progress: not a step's words, inside a body
                    perform 1;
                end
                $$;
                -- the reference tables
                -- progress: copied to every node
                select create_reference_table(t)
                from unnest(array['a']) t;
                """);
        assertThat(steps).containsExactly(new Distribution.Step("select 1;", null),
                new Distribution.Step("do $$\nbegin\n    -- progress: not a step's words, inside a body\n"
                        + "    perform 1;\nend\n$$;", null),
                new Distribution.Step("select create_reference_table(t)\nfrom unnest(array['a']) t;",
                        "copied to every node"));
    }

    private static int triggers(Database db) throws SQLException {
        try (Connection c = db.connection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from pg_trigger where not tgisinternal")) {
            r.next();
            return r.getInt(1);
        }
    }
}
