package shopflow.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The SQL scripts packed with ShopFlow besides the migrations and reports ({@code db/citus/...}). */
public final class SqlScripts {

    private SqlScripts() {
    }

    /** The text of the script at {@code path} on the class path. */
    public static String read(String path) {
        try (InputStream in = SqlScripts.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("SQL script " + path + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
