package shopflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directories the tests make outside JUnit's {@code @TempDir}, for servers that outlive one test. */
public final class TempDirectories {

    private TempDirectories() {
    }

    /**
     * A new temporary directory that other users may pass through but not list (rwx--x--x): when
     * the tests run as root, the embedded server runs as an unprivileged user (shopflow.db.ServerUser)
     * and must reach a data directory inside it.
     */
    public static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            return Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes {@code dir} and everything in it. A leftover is not worth failing a test for, but it
     * is worth cleaning: an embedded PostgreSQL's data directory grows to a gigabyte in a test run.
     */
    public static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // already gone, or partly: nothing left to do
        }
    }
}
