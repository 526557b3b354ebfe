package shopflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;

class TokenCommandTest {

    private static final Database database = TestDatabases.fresh();

    @AfterAll
    static void close() {
        database.close();
    }

    private static CommandLineTest.Run token(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "token";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--jdbc-url";
        all[args.length + 2] = database.jdbcUrl();
        all[args.length + 3] = "--db-password";
        all[args.length + 4] = TestDatabases.password();
        return CommandLineTest.run(all);
    }

    @Test
    void a_token_is_printed_once_listed_without_its_secret_and_revoked() {
        CommandLineTest.Run created = token("create", "--role", "analyst", "--label", "campaign", "--expires", "7d");
        assertThat(created.exitCode()).as(created.err()).isZero();
        String secret = created.out().strip();
        assertThat(secret).matches("sf_[A-Za-z0-9_-]{43}");
        assertThat(created.err()).contains("analyst", "expires", "shown only now");

        CommandLineTest.Run listed = token("list");
        assertThat(listed.out()).contains("analyst", "active", "campaign").doesNotContain(secret);
        String id = listed.out().lines().filter(line -> line.contains("campaign")).findFirst().orElseThrow()
                .strip().split("\\s+")[0];

        assertThat(token("revoke", id).out()).contains("token " + id + " revoked");
        assertThat(token("list").out()).contains("revoked");
        CommandLineTest.Run again = token("revoke", id);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("no active token " + id);
    }

    @Test
    void a_bad_role_or_validity_is_refused_naming_what_is_accepted() {
        CommandLineTest.Run role = token("create", "--role", "owner");
        assertThat(role.exitCode()).isEqualTo(1);
        assertThat(role.err()).contains("role 'owner'", "viewer, analyst, admin");
        CommandLineTest.Run validity = token("create", "--role", "viewer", "--expires", "forever");
        assertThat(validity.exitCode()).isEqualTo(1);
        assertThat(validity.err()).contains("expires 'forever'", "30d", "never");
    }
}
