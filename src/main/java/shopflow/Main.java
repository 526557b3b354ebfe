package shopflow;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import shopflow.cli.BackupCommand;
import shopflow.cli.AlertsCommand;
import shopflow.cli.BenchCommand;
import shopflow.cli.ClvCommand;
import shopflow.cli.DbCommand;
import shopflow.cli.ForecastCommand;
import shopflow.cli.PsqlCommand;
import shopflow.cli.DemoCommand;
import shopflow.cli.DistributeCommand;
import shopflow.cli.GenerateCommand;
import shopflow.cli.ImportCommand;
import shopflow.cli.MetabaseCommand;
import shopflow.cli.MigrateCommand;
import shopflow.cli.OrderCommand;
import shopflow.cli.RefreshCommand;
import shopflow.cli.ReportCommand;
import shopflow.cli.RestoreCommand;
import shopflow.cli.ServeCommand;
import shopflow.cli.SimulateCommand;
import shopflow.cli.TokenCommand;
import shopflow.cli.VerifyCommand;
import shopflow.cli.WebhookCommand;
import shopflow.db.DatabaseException;
import shopflow.imports.ImportException;
import shopflow.orders.OrderException;
import shopflow.reports.ReportException;

@Command(name = "shopflow",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {"ShopFlow Analytics: the analytics backend of an online shop on PostgreSQL 16.",
            "",
            "With no --jdbc-url, every command runs on an embedded PostgreSQL 16 kept in ~/.shopflow/pgdata"
                + " (as root: /var/lib/shopflow/pgdata, the server running as the system user shopflow), started"
                + " when needed, shared when already running."},
        subcommands = {
            DemoCommand.class,
            DbCommand.class,
            PsqlCommand.class,
            MigrateCommand.class,
            DistributeCommand.class,
            GenerateCommand.class,
            ImportCommand.class,
            ReportCommand.class,
            OrderCommand.class,
            SimulateCommand.class,
            VerifyCommand.class,
            RefreshCommand.class,
            BackupCommand.class,
            RestoreCommand.class,
            BenchCommand.class,
            ServeCommand.class,
            TokenCommand.class,
            AlertsCommand.class,
            WebhookCommand.class,
            ForecastCommand.class,
            ClvCommand.class,
            MetabaseCommand.class,
            CommandLine.HelpCommand.class,
        },
        footer = {"", "Run 'shopflow COMMAND --help' for a command's options."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, as tests run it too. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::explain)
                .setParameterExceptionHandler(Main::explainUsage);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Known problems print their message alone; anything else keeps its stack trace for a bug report. */
    private static int explain(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof DatabaseException || e instanceof IllegalArgumentException || e instanceof ReportException
                || e instanceof OrderException || e instanceof ImportException
                || e instanceof UncheckedIOException) {
            cmd.getErr().println("shopflow: " + e.getMessage());
        } else {
            cmd.getErr().println("shopflow: unexpected error, please report it with the trace below");
            e.printStackTrace(cmd.getErr());
        }
        return 1;
    }

    private static int explainUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        cmd.getErr().println("shopflow: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, cmd.getErr());
        cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the commands and options.");
        return 2;
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/shopflow-version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"ShopFlow Analytics " + properties.getProperty("version", "(development)"),
                "PostgreSQL 16 (embedded) on Java " + System.getProperty("java.version")};
        }
    }
}
