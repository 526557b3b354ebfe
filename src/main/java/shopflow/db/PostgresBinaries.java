package shopflow.db;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL 16 binaries that ship inside ShopFlow's jar (the zonky.io build, an xz tarball
 * per platform), unpacked once per user into the temporary directory under a name made from
 * the archive's digest, so that a new version never runs old binaries.
 *
 * <p>The unpacked tree is readable by everyone: the server may run as another user than the one
 * who unpacked it ({@link ServerUser}). It is unpacked into a directory of its own first and then
 * moved into place, so that two commands starting at once never see half of it.
 */
final class PostgresBinaries {

    private static final String ARCHIVE = "/postgres-linux-x86_64.txz";
    private static final Set<PosixFilePermission> READABLE_BY_ALL = PosixFilePermissions.fromString("rwxr-xr-x");

    private PostgresBinaries() {
    }

    /** Found once per process: reading and hashing the 14 MB archive at every server start would be waste. */
    private static Path home;

    /** The directory holding {@code bin/}, {@code lib/} and {@code share/}, unpacked if need be. */
    static synchronized Path home() {
        // looked for again if the temporary directory was cleaned meanwhile
        if (home == null || !Files.isRegularFile(home.resolve("bin/postgres"))) {
            home = unpacked();
        }
        return home;
    }

    private static Path unpacked() {
        byte[] archive = archive();
        // one directory per user: the shared temporary directory is writable by everyone
        Path parent = Path.of(System.getProperty("java.io.tmpdir"), "shopflow-postgres-" + System.getProperty("user.name"));
        Path unpackedHome = parent.resolve(HexFormat.of().formatHex(sha256(archive), 0, 12));
        try {
            Files.createDirectories(parent);
            checkOurs(parent);
            Files.setPosixFilePermissions(parent, READABLE_BY_ALL);
            if (Files.isRegularFile(unpackedHome.resolve("bin/postgres"))) {
                return unpackedHome;
            }
            Path unpacking = Files.createTempDirectory(parent, "unpacking-");
            unpack(archive, unpacking);
            try {
                Files.move(unpacking, unpackedHome, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // another command unpacked the same binaries meanwhile (a rename over a full
                // directory fails as a plain FileSystemException, "Directory not empty")
                if (!Files.isRegularFile(unpackedHome.resolve("bin/postgres"))) {
                    throw e;
                }
                delete(unpacking);
            }
            return unpackedHome;
        } catch (IOException e) {
            throw new DatabaseException("cannot unpack the embedded PostgreSQL into " + parent + ": " + e.getMessage()
                    + ". Check that the temporary directory is writable (or set -Djava.io.tmpdir).", e);
        }
    }

    private static byte[] archive() {
        if (!"linux".equalsIgnoreCase(System.getProperty("os.name"))
                || !Set.of("amd64", "x86_64").contains(System.getProperty("os.arch"))) {
            throw new DatabaseException("the embedded PostgreSQL ships for Linux on x86-64 only (this is "
                    + System.getProperty("os.name") + " on " + System.getProperty("os.arch")
                    + "). Use a PostgreSQL 16 of your own with --jdbc-url.");
        }
        try (InputStream in = PostgresBinaries.class.getResourceAsStream(ARCHIVE)) {
            if (in == null) {
                throw new DatabaseException("the embedded PostgreSQL's binaries (" + ARCHIVE + ") are missing from the"
                        + " class path: rebuild ShopFlow with mvn package.");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DatabaseException("cannot read the embedded PostgreSQL's binaries: " + e.getMessage(), e);
        }
    }

    private static void unpack(byte[] archive, Path into) throws IOException {
        Files.setPosixFilePermissions(into, READABLE_BY_ALL);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZCompressorInputStream(new ByteArrayInputStream(archive)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("the archive names a file outside its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, READABLE_BY_ALL);
                    continue;
                }
                Files.createDirectories(target.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else {
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    // as packed (binaries executable), and readable by every user
                    Files.setPosixFilePermissions(target, permissions(entry.getMode() | 0444));
                }
            }
        }
    }

    /** Refuses a directory another user made: running binaries from it would run their code, as us. */
    private static void checkOurs(Path path) throws IOException {
        if (!Files.getOwner(path).getName().equals(System.getProperty("user.name"))) {
            throw new DatabaseException(path + " belongs to another user; ShopFlow will not run PostgreSQL binaries"
                    + " from it. Remove it, or set -Djava.io.tmpdir to a directory of your own.");
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder text = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int bit = 8; bit >= 0; bit--) {
            text.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
        }
        return PosixFilePermissions.fromString(text.toString());
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
