package shopflow.db;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;

/**
 * Who may connect to the embedded server, and how. Without this, PostgreSQL as initdb sets it up
 * ({@code -A trust}, PgCtl) trusts every connection from this machine, for every user, the
 * superuser included: any local process could read every customer's data, make itself an API
 * admin, or read the machine's files through the superuser's functions.
 *
 * <ul>
 *   <li>Connections come over TCP on localhost only (no Unix socket), with a password checked by
 *       SCRAM; the passwords are generated at the first start and kept in the data directory,
 *       readable by its owner only ({@value #FILE}).
 *   <li>The superuser ({@code postgres}) may connect only while ShopFlow starts the server (to
 *       create the shop's role and database); then its connections are refused and the rules
 *       reloaded. ShopFlow itself works as {@code shopflow}, the database's owner, not a superuser.
 * </ul>
 */
final class ServerAccess {

    static final String FILE = "shopflow-credentials";
    private static final String HBA = "pg_hba.conf";
    private static final String HEADER = "# Written by ShopFlow at every start of the embedded server (shopflow.db.ServerAccess):\n"
            + "# TCP on localhost only, passwords checked by SCRAM (kept in " + FILE + ", owner-only).\n";

    /** The passwords of the shop's role and of the superuser. */
    record Passwords(String owner, String superuser) {
    }

    private ServerAccess() {
    }

    /** The passwords of this data directory, once its first start under these rules has set them. */
    static Optional<Passwords> read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (Reader reader = new StringReader(Files.readString(file))) {
            Properties properties = new Properties();
            properties.load(reader);
            return Optional.of(new Passwords(properties.getProperty("shopflow"), properties.getProperty("postgres")));
        } catch (IOException e) {
            throw new DatabaseException("cannot read " + file + " (the database's passwords): " + e.getMessage()
                    + ". It must be readable by the user running ShopFlow.", e);
        }
    }

    /** New random passwords (not yet set on the roles nor saved). */
    static Passwords generate() {
        return new Passwords(randomPassword(), randomPassword());
    }

    /** Saves the passwords, readable and writable by the owner only, replacing the file at once. */
    static void save(Path dataDir, Passwords passwords) {
        Path file = dataDir.resolve(FILE);
        Path temporary = dataDir.resolve(FILE + ".new");
        String text = "# The passwords of this embedded PostgreSQL (TCP, SCRAM). shopflow: the shop's role;\n"
                + "# postgres: the superuser, refused except while ShopFlow starts the server.\n"
                + "shopflow=" + passwords.owner() + "\npostgres=" + passwords.superuser() + "\n";
        try {
            Files.deleteIfExists(temporary);
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporary, text);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new DatabaseException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The rules while the server starts: the superuser may sign in with its password (or, before
     * the passwords are set, everyone is trusted on localhost, as the data directory was made).
     */
    static void allowStart(Path dataDir, boolean passwordsSet) {
        String method = passwordsSet ? "scram-sha-256" : "trust";
        write(dataDir, HEADER + "# Now: the server is starting.\n"
                + "host all all 127.0.0.1/32 " + method + "\n"
                + "host all all ::1/128 " + method + "\n");
    }

    /** The rules once started: the superuser refused, everyone else with a password. */
    static void lockDown(Path dataDir) {
        write(dataDir, HEADER + "# The superuser is refused once the server has started.\n"
                + "host all postgres 127.0.0.1/32 reject\n"
                + "host all postgres ::1/128 reject\n"
                + "host all all 127.0.0.1/32 scram-sha-256\n"
                + "host all all ::1/128 scram-sha-256\n");
    }

    private static void write(Path dataDir, String rules) {
        try {
            Files.writeString(dataDir.resolve(HBA), rules);
        } catch (IOException e) {
            throw new DatabaseException("cannot write " + dataDir.resolve(HBA) + ": " + e.getMessage(), e);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
