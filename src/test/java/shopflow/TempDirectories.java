package shopflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directories the tests make outside JUnit's {@code @TempDir}, for servers that outlive one test. */
public final class TempDirectories {

    private TempDirectories() {
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
