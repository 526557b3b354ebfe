package shopflow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Measurements of ShopFlow's moving parts on this machine; one subcommand per part. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure ShopFlow on this machine and print the figures (one subcommand per part).",
        subcommands = {BenchGenerateCommand.class, BenchIngestCommand.class, BenchFraudCommand.class, BenchAlertsCommand.class,
            BenchForecastCommand.class, BenchClvCommand.class, BenchReportsCommand.class, BenchLiveCommand.class,
            BenchSoakCommand.class, BenchImportCommand.class, BenchApiCommand.class})
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
