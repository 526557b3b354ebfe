package shopflow.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.db.DatabaseOptions;
import shopflow.metabase.MetabaseExport;
import shopflow.reports.ReportCatalog;

@Command(name = "metabase", mixinStandardHelpOptions = true,
        description = "Print what Metabase needs to show the ShopFlow reports: the connection settings, and every"
                + " report as a native SQL question with Metabase variables ({{as_of}}, {{days}}, ...), generated"
                + " from the report files.",
        footer = {"", "Examples:",
            "  shopflow metabase --output metabase.md",
            "  shopflow metabase --jdbc-url jdbc:postgresql://db.example:5432/shopflow --db-user analyst"})
public final class MetabaseCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of the terminal.")
    Path output;

    @Override
    public void run() {
        // Nothing to read from the database: the settings come from the options, the SQL from the catalog.
        String document = MetabaseExport.document(connection(), MetabaseExport.questions(ReportCatalog.load()));
        if (output == null) {
            spec.commandLine().getOut().print(document);
            spec.commandLine().getOut().flush();
            return;
        }
        try {
            Files.writeString(output, document, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + output + ": " + e.getMessage(), e);
        }
        spec.commandLine().getErr().println("Metabase settings and " + ReportCatalog.load().all().size()
                + " questions written to " + output);
    }

    private MetabaseExport.Connection connection() {
        String zone = databaseOptions.timeZone().getId();
        if (!databaseOptions.isExternal()) {
            return new MetabaseExport.Connection("localhost", databaseOptions.port(), "shopflow", "shopflow",
                    "the `shopflow=` line of " + databaseOptions.dataDir().resolve("shopflow-credentials")
                            + " (readable by its owner only)", zone);
        }
        String url = databaseOptions.jdbcUrl();
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("--jdbc-url must look like jdbc:postgresql://HOST:PORT/DATABASE, got '"
                    + url + "'");
        }
        URI uri = URI.create(url.substring("jdbc:".length()));
        String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        return new MetabaseExport.Connection(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), database,
                databaseOptions.user(), databaseOptions.password() == null ? "(none)" : "(yours)", zone);
    }
}
