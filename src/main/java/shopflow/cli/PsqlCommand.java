package shopflow.cli;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Unmatched;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;

@Command(name = "psql", mixinStandardHelpOptions = true,
        description = {"Open a psql prompt on the shop's database, signed in as its role (the embedded server's"
                + " password is passed for you; the server is started if it is not running, and stopped after if this"
                + " command started it).",
            "Every other argument goes to psql as it is."},
        footer = {"", "Examples:",
            "  shopflow psql",
            "  shopflow psql -c 'select count(*) from orders'",
            "  shopflow psql -v as_of=\"'2026-06-30 12:00'\" -f src/main/resources/reports/revenue_summary.sql"})
public final class PsqlCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions databaseOptions;

    @Unmatched
    List<String> psqlArguments = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path psql = onPath("psql").orElseThrow(() -> new IllegalArgumentException("psql is not installed here."
                + " Install the PostgreSQL client (Debian/Ubuntu: apt install postgresql-client; macOS: brew install"
                + " libpq); any version from 12 on talks to PostgreSQL 16. Or connect another tool with the settings"
                + " 'shopflow db' prints."));
        try (Database database = Database.open(databaseOptions)) {
            URI uri = URI.create(database.jdbcUrl().substring("jdbc:".length()));
            List<String> command = new ArrayList<>(List.of(psql.toString(), "-h", uri.getHost(),
                    "-p", String.valueOf(uri.getPort() < 0 ? 5432 : uri.getPort()), "-U", database.user(),
                    "-d", uri.getPath().replaceFirst("^/", "")));
            command.addAll(psqlArguments);
            ProcessBuilder process = new ProcessBuilder(command).inheritIO();
            // the password through the environment: never on the command line, where ps shows it
            database.password().ifPresent(password -> process.environment().put("PGPASSWORD", password));
            return process.start().waitFor();
        }
    }

    private static Optional<Path> onPath(String program) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(directory, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
