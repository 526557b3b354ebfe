package shopflow.imports;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams checked lines into a staging table through COPY (text format), a buffer at a time:
 * memory stays the buffer's whatever the file's size.
 */
final class StagingCopy implements AutoCloseable {

    private static final int FLUSH_AT = 1 << 18;

    private final CopyIn copy;
    private final StringBuilder buffer = new StringBuilder(FLUSH_AT + 4096);
    private long rows;

    /** A COPY given as SQL ({@code copy table (columns) from stdin}). */
    StagingCopy(Connection connection, String copySql) throws SQLException {
        this.copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
    }

    /** One row of the COPY's columns, in order: null is SQL null, numbers in plain notation. */
    void row(Object... fields) throws SQLException {
        for (int i = 0; i < fields.length; i++) {
            Object f = fields[i];
            if (f == null || f instanceof String t) {
                text((String) f);
            } else if (f instanceof java.math.BigDecimal d) {
                buffer.append(d.toPlainString()).append('\t');
            } else {
                buffer.append(f).append('\t');
            }
        }
        buffer.setCharAt(buffer.length() - 1, '\n');
        rows++;
        if (buffer.length() >= FLUSH_AT) {
            flush();
        }
    }

    void write(StagedLine l) throws SQLException {
        buffer.append(l.line()).append('\t');
        text(l.invoice());
        text(l.stockCode());
        text(l.description().isEmpty() ? null : l.description());
        buffer.append(l.quantity()).append('\t');
        buffer.append(l.invoicedAt()).append('\t');
        buffer.append(l.unitPrice().toPlainString()).append('\t');
        text(l.customer());
        buffer.append(l.country() == null ? "\\N" : l.country()).append('\n');
        rows++;
        if (buffer.length() >= FLUSH_AT) {
            flush();
        }
    }

    long rows() {
        return rows;
    }

    /** Ends the COPY: every line is in the staging table. */
    void finish() throws SQLException {
        flush();
        copy.endCopy();
    }

    private void text(String value) {
        if (value == null) {
            buffer.append("\\N\t");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> buffer.append("\\\\");
                case '\t' -> buffer.append("\\t");
                case '\n' -> buffer.append("\\n");
                case '\r' -> buffer.append("\\r");
                default -> buffer.append(c);
            }
        }
        buffer.append('\t');
    }

    private void flush() throws SQLException {
        if (buffer.length() > 0) {
            byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            buffer.setLength(0);
        }
    }

    @Override
    public void close() {
        try {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        } catch (SQLException ignored) {
            // the transaction is rolled back anyway
        }
    }
}
