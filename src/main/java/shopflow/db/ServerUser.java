package shopflow.db;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The operating-system user the embedded server runs as: the user running ShopFlow, except root.
 *
 * <p>A server running as root could be made to read any file of the machine ({@code /etc/shadow})
 * by whoever gets the database's superuser, and a bug in it would have the whole machine. So when
 * ShopFlow is started as root, as on a fresh server or in a container, the server runs as the
 * unprivileged system user {@value #SYSTEM_USER} (created on first need, like the {@code postgres}
 * user of a packaged PostgreSQL), which owns the data directory; ShopFlow itself keeps working as
 * root and talks to it over TCP.
 */
final class ServerUser {

    static final String SYSTEM_USER = "shopflow";
    /** Where root's shop lives by default: the system user cannot reach root's home. */
    static final Path ROOT_DATA_DIR = Path.of("/var/lib/shopflow/pgdata");

    private final boolean switchFromRoot;

    private ServerUser(boolean switchFromRoot) {
        this.switchFromRoot = switchFromRoot;
    }

    /** The server's user for this process, the system user created first if it runs as root. */
    static ServerUser forThisProcess() {
        if (!runningAsRoot()) {
            return new ServerUser(false);
        }
        ensureSystemUser();
        return new ServerUser(true);
    }

    static boolean runningAsRoot() {
        return new UnixSystem().getUid() == 0;
    }

    /** The command line that runs {@code command} as the server's user. */
    List<String> command(List<String> command) {
        List<String> line = new ArrayList<>();
        if (switchFromRoot) {
            line.addAll(List.of("setpriv", "--reuid=" + SYSTEM_USER, "--regid=" + SYSTEM_USER, "--init-groups", "--"));
        }
        line.addAll(command);
        return line;
    }

    /**
     * Makes {@code dataDir} the server user's own, readable by it alone (PostgreSQL refuses any
     * other); a data directory made by root before gets its files handed over once.
     */
    void own(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            if (switchFromRoot) {
                UserPrincipal user = dataDir.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName(SYSTEM_USER);
                if (!Files.getOwner(dataDir).equals(user)) {
                    try (Stream<Path> paths = Files.walk(dataDir)) {
                        for (Path path : paths.toList()) {
                            Files.setOwner(path, user);
                        }
                    }
                }
            }
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new DatabaseException("cannot prepare the data directory " + dataDir + " for the embedded"
                    + " PostgreSQL: " + e.getMessage(), e);
        }
        if (switchFromRoot && run(command(List.of("test", "-w", dataDir.toString()))) != 0) {
            throw new DatabaseException("the embedded PostgreSQL runs as the system user '" + SYSTEM_USER
                    + "' (ShopFlow was started as root, and the server never runs as root), which cannot reach "
                    + dataDir + ": a directory above it is closed to other users. Choose a data directory it can"
                    + " reach with --data-dir (root's default is " + ROOT_DATA_DIR + "), or let it pass through"
                    + " with chmod o+x on the closed directory.");
        }
    }

    // one useradd at a time from this process: two at once would contend for /etc/passwd's lock
    private static synchronized void ensureSystemUser() {
        if (run(List.of("id", "-u", SYSTEM_USER)) == 0) {
            return;
        }
        int status = run(List.of("useradd", "--system", "--user-group", "--no-create-home", "--home-dir",
                "/nonexistent", "--shell", "/usr/sbin/nologin", "--comment", "ShopFlow embedded PostgreSQL",
                SYSTEM_USER));
        // 9: another command created it meanwhile
        if (status != 0 && status != 9) {
            throw new DatabaseException("ShopFlow runs as root, so its embedded PostgreSQL runs as the system user '"
                    + SYSTEM_USER + "', which could not be created (useradd exited with " + status + "). Create it"
                    + " with: useradd --system --user-group --no-create-home " + SYSTEM_USER);
        }
    }

    private static int run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor();
        } catch (IOException e) {
            throw new DatabaseException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("interrupted while running " + command.get(0), e);
        }
    }
}
