package shopflow.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL's own tools on one data directory, run as the server's user ({@link ServerUser}):
 * {@code initdb} to make it, {@code pg_ctl} to start and stop its server.
 */
final class PgCtl {

    private final Path bin;
    private final ServerUser user;
    private final Path dataDir;

    PgCtl(Path dataDir) {
        this.bin = PostgresBinaries.home().resolve("bin");
        this.user = ServerUser.forThisProcess();
        this.dataDir = dataDir;
    }

    /** Hands the data directory to the server's user, creating it if need be. */
    void ownDataDirectory() {
        user.own(dataDir);
    }

    /**
     * Makes a new data directory: the superuser {@code postgres}, UTF-8, the given locale; flushed
     * to disk unless its data is throwaway ({@code fsync} false), which saves seconds per test server.
     */
    void initdb(String collate, String ctype, boolean fsync) {
        List<String> arguments = new ArrayList<>(List.of("-A", "trust", "-U", "postgres", "-D", dataDir.toString(),
                "-E", "UTF-8", "--lc-collate", collate, "--lc-ctype", ctype));
        if (!fsync) {
            arguments.add("--no-sync");
        }
        run("initdb", arguments, "make the data directory");
    }

    /**
     * Starts the server on {@code port} with {@code settings} and waits until it accepts
     * connections. What the server says before its own log takes over goes to {@code startup.log}
     * in the data directory.
     */
    void start(int port, Map<String, String> settings, Duration wait) {
        StringBuilder options = new StringBuilder("-p ").append(port);
        // pg_ctl hands these to the server through the shell: each value quoted, quotes doubled
        settings.forEach((name, value) -> options.append(" -c ").append(name).append("='")
                .append(value.replace("'", "'\"'\"'")).append('\''));
        run("pg_ctl", List.of("-D", dataDir.toString(), "-l", dataDir.resolve("startup.log").toString(),
                "-o", options.toString(), "-w", "-t", Long.toString(wait.toSeconds()), "start"), "start the server");
    }

    /** Stops the server, letting running transactions roll back (fast shutdown). */
    void stop() {
        run("pg_ctl", List.of("-D", dataDir.toString(), "-m", "fast", "-w", "-t", "60", "stop"), "stop the server");
    }

    private void run(String tool, List<String> arguments, String purpose) {
        List<String> command = new ArrayList<>();
        command.add(bin.resolve(tool).toString());
        command.addAll(arguments);
        try {
            Process process = new ProcessBuilder(user.command(command)).redirectErrorStream(true).start();
            // the tools say little; the server's own output goes to its log, not into this pipe
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int status = process.waitFor();
            if (status != 0) {
                throw new DatabaseException(tool + " could not " + purpose + " on " + dataDir + " (exit " + status
                        + "): " + output);
            }
        } catch (IOException e) {
            throw new DatabaseException("cannot run " + tool + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("interrupted while waiting for " + tool + " to " + purpose, e);
        }
    }
}
