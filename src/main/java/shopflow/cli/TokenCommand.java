package shopflow.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.web.Role;
import shopflow.web.TokenStore;
import shopflow.web.TokenStore.IssuedToken;
import shopflow.web.TokenStore.TokenInfo;

@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Create, list and revoke API tokens (sign-in for the HTTP API and the dashboard).",
            "Roles: viewer (aggregate reports, personal data masked), analyst (also customer-level reports"
                + " and CSV), admin (also writes: tokens, later orders and inventory). Only a hash of each token is"
                + " stored."},
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class},
        footer = {"", "Examples:",
            "  shopflow token create --role viewer --label 'wall screen' --expires 90d",
            "  shopflow token list",
            "  shopflow token revoke 3"})
public final class TokenCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static TokenStore store(Database database) {
        Migrations.migrate(database);
        return new TokenStore(database.dataSource(), Clock.systemUTC());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a token and print it once (it cannot be shown again: only its hash is kept).")
    static final class Create implements Runnable {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions databaseOptions;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, analyst or admin.")
        String role;

        @Option(names = "--label", paramLabel = "TEXT", description = "Who or what it is for, e.g. 'wall screen'.")
        String label;

        @Option(names = "--expires", paramLabel = "VALIDITY", defaultValue = "30d",
                description = "How long it works: 30d, 12h, 90m or never (default: ${DEFAULT-VALUE}).")
        String expires;

        @Override
        public void run() {
            Role parsedRole = Role.parse(role);
            var validity = TokenStore.parseValidity(expires); // both checked before the database starts
            try (Database database = Database.open(databaseOptions)) {
                IssuedToken token = store(database).create(parsedRole, label, validity);
                PrintWriter out = spec.commandLine().getOut();
                out.println(token.token());
                out.flush();
                spec.commandLine().getErr().println("token " + token.id() + " (" + parsedRole.label() + ")"
                        + (token.expiresAt() == null ? ", never expires" : ", expires " + token.expiresAt())
                        + ". Keep it: it is shown only now. Send it as 'Authorization: Bearer <token>'.");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens (ids, roles, labels, states; never the tokens).")
    static final class ListTokens implements Runnable {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions databaseOptions;

        @Override
        public void run() {
            try (Database database = Database.open(databaseOptions)) {
                List<TokenInfo> tokens = store(database).list();
                PrintWriter out = spec.commandLine().getOut();
                OffsetDateTime now = OffsetDateTime.now();
                out.printf("%5s  %-8s  %-8s  %-16s  %-16s  %s%n", "id", "role", "state", "created", "expires", "label");
                for (TokenInfo token : tokens) {
                    out.printf("%5d  %-8s  %-8s  %-16s  %-16s  %s%n", token.id(), token.role().label(), token.state(now),
                            minutes(token.createdAt()), token.expiresAt() == null ? "never" : minutes(token.expiresAt()),
                            token.label() == null ? "" : token.label());
                }
                out.println("(" + tokens.size() + (tokens.size() == 1 ? " token)" : " tokens)"));
                out.flush();
            }
        }

        private static String minutes(OffsetDateTime moment) {
            return moment.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token: it stops working at once.")
    static final class Revoke implements Runnable {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions databaseOptions;

        @Parameters(paramLabel = "ID", description = "The token's id (see 'shopflow token list').")
        long id;

        @Override
        public void run() {
            try (Database database = Database.open(databaseOptions)) {
                if (!store(database).revoke(id)) {
                    throw new IllegalArgumentException("no active token " + id + " ('shopflow token list' shows them)");
                }
                spec.commandLine().getOut().println("token " + id + " revoked");
                spec.commandLine().getOut().flush();
            }
        }
    }
}
