package shopflow.generate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Rows in PostgreSQL's COPY text format, written straight into a byte array. Hand-written because
 * it is the generator's hot path (millions of rows): no String per field, no java.time per
 * timestamp. Values we write never contain tabs, newlines or backslashes, so nothing is escaped.
 *
 * <p>The event tables (millions of rows, no money columns) use COPY's binary format instead: the
 * server then stores values as they come, where parsing their text (timestamps above all) made
 * it the bottleneck of the whole load. A binary buffer takes text, int4 numbers, timestamps and
 * nulls only.
 */
final class CopyBuffer {

    /** Binary COPY's stream header (signature, flags, header extension length) and trailer. */
    static final byte[] BINARY_HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
        0, 0, 0, 0, 0, 0, 0, 0};
    static final byte[] BINARY_TRAILER = {(byte) 0xFF, (byte) 0xFF};
    /** 2000-01-01T00:00Z, PostgreSQL's timestamp epoch, in Unix seconds. */
    private static final long POSTGRES_EPOCH = 946_684_800L;

    private final boolean binary;
    private byte[] bytes;
    private int length;
    private int rows;
    private boolean rowStarted;
    private int fieldCountAt;
    private short fields;

    CopyBuffer(int initialCapacity) {
        this(initialCapacity, false);
    }

    CopyBuffer(int initialCapacity, boolean binary) {
        this.binary = binary;
        bytes = new byte[Math.max(64, initialCapacity)];
    }

    byte[] array() {
        return bytes;
    }

    int length() {
        return length;
    }

    int rows() {
        return rows;
    }

    CopyBuffer text(String value) {
        if (value == null) {
            return nullValue();
        }
        separator();
        int n = value.length();
        ensure(n * 3 + 4);
        int lengthAt = length;
        if (binary) {
            length += 4;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                bytes[length++] = (byte) c;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(encoded, 0, bytes, length, encoded.length);
                length += encoded.length;
            }
        }
        if (binary) {
            putInt(lengthAt, length - lengthAt - 4);
        }
        return this;
    }

    CopyBuffer number(long value) {
        separator();
        if (binary) {
            ensure(8);
            putInt(length, 4);
            putInt(length + 4, Math.toIntExact(value)); // int4 columns only, see the class comment
            length += 8;
            return this;
        }
        appendLong(value);
        return this;
    }

    CopyBuffer bool(boolean value) {
        textOnly();
        separator();
        ensure(1);
        bytes[length++] = (byte) (value ? 't' : 'f');
        return this;
    }

    /** Pence as pounds with two decimals: exact, never through a double. */
    CopyBuffer money(long cents) {
        textOnly();
        separator();
        if (cents < 0) {
            ensure(1);
            bytes[length++] = '-';
            cents = -cents;
        }
        appendLong(cents / 100);
        ensure(3);
        long fraction = cents % 100;
        bytes[length++] = '.';
        bytes[length++] = (byte) ('0' + fraction / 10);
        bytes[length++] = (byte) ('0' + fraction % 10);
        return this;
    }

    /** Thousandths (grams as kilograms) with three decimals. */
    CopyBuffer milli(long thousandths) {
        textOnly();
        separator();
        appendLong(thousandths / 1000);
        ensure(4);
        long fraction = thousandths % 1000;
        bytes[length++] = '.';
        bytes[length++] = (byte) ('0' + fraction / 100);
        bytes[length++] = (byte) ('0' + fraction / 10 % 10);
        bytes[length++] = (byte) ('0' + fraction % 10);
        return this;
    }

    /** A timestamptz from epoch seconds, written in UTC ({@code 2026-06-30 11:00:00+00}). */
    CopyBuffer timestamp(long epochSecond) {
        separator();
        if (binary) {
            ensure(12);
            putInt(length, 8);
            putLong(length + 4, (epochSecond - POSTGRES_EPOCH) * 1_000_000L);
            length += 12;
            return this;
        }
        long days = Math.floorDiv(epochSecond, 86_400);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400);
        appendDate(days);
        ensure(12);
        bytes[length++] = ' ';
        two(secondOfDay / 3600);
        bytes[length++] = ':';
        two(secondOfDay / 60 % 60);
        bytes[length++] = ':';
        two(secondOfDay % 60);
        bytes[length++] = '+';
        bytes[length++] = '0';
        bytes[length++] = '0';
        return this;
    }

    /** A date from its epoch day. */
    CopyBuffer date(long epochDay) {
        textOnly();
        separator();
        appendDate(epochDay);
        return this;
    }

    CopyBuffer nullValue() {
        separator();
        if (binary) {
            ensure(4);
            putInt(length, -1);
            length += 4;
            return this;
        }
        ensure(2);
        bytes[length++] = '\\';
        bytes[length++] = 'N';
        return this;
    }

    CopyBuffer endRow() {
        if (binary) {
            bytes[fieldCountAt] = (byte) (fields >> 8);
            bytes[fieldCountAt + 1] = (byte) fields;
        } else {
            ensure(1);
            bytes[length++] = '\n';
        }
        rows++;
        rowStarted = false;
        return this;
    }

    void clear() {
        length = 0;
        rows = 0;
        rowStarted = false;
    }

    private void separator() {
        if (binary) {
            if (!rowStarted) {
                ensure(2);
                fieldCountAt = length;
                length += 2;
                fields = 0;
            }
            fields++;
        } else if (rowStarted) {
            ensure(1);
            bytes[length++] = '\t';
        }
        rowStarted = true;
    }

    private void textOnly() {
        if (binary) {
            throw new IllegalStateException("binary COPY buffers take text, int4, timestamps and nulls only");
        }
    }

    private void putInt(int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    private void putLong(int at, long value) {
        putInt(at, (int) (value >>> 32));
        putInt(at + 4, (int) value);
    }

    private void appendLong(long value) {
        ensure(20);
        if (value < 0) {
            bytes[length++] = '-';
            value = -value;
        }
        if (value < 10) {
            bytes[length++] = (byte) ('0' + value);
            return;
        }
        int start = length;
        while (value > 0) {
            bytes[length++] = (byte) ('0' + value % 10);
            value /= 10;
        }
        for (int i = start, j = length - 1; i < j; i++, j--) {
            byte t = bytes[i];
            bytes[i] = bytes[j];
            bytes[j] = t;
        }
    }

    /** Civil date from days since 1970-01-01 (H. Hinnant's algorithm), proleptic Gregorian. */
    private void appendDate(long epochDay) {
        long z = epochDay + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long year = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        if (month <= 2) {
            year++;
        }
        ensure(10);
        appendLong(year);
        bytes[length++] = '-';
        two((int) month);
        bytes[length++] = '-';
        two((int) day);
    }

    private void two(int value) {
        bytes[length++] = (byte) ('0' + value / 10);
        bytes[length++] = (byte) ('0' + value % 10);
    }

    private void ensure(int extra) {
        if (length + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
        }
    }
}
