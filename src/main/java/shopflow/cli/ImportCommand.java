package shopflow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Bringing a shop's own data in; one subcommand per kind of data. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a shop's own data (one subcommand per kind: orders).",
        subcommands = {ImportOrdersCommand.class})
public final class ImportCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
