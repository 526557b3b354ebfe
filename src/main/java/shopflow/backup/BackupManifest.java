package shopflow.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * What a backup file holds besides its tables' rows: the schema version they fit, when the
 * snapshot was taken, each table with its columns and rows (in the order a restore loads them), and
 * each sequence's position. Stored as the file's {@code manifest.json}.
 */
public record BackupManifest(String format, String schemaVersion, OffsetDateTime takenAt, List<Table> tables,
        List<Sequence> sequences) {

    static final String FORMAT = "shopflow-backup-1";
    static final String ENTRY = "manifest.json";

    /** A table's rows are the file's entry {@code tables/<name>.copy}, in COPY's binary format. */
    public record Table(String name, String columns, long rows) {

        String entry() {
            return "tables/" + name + ".copy";
        }
    }

    public record Sequence(String name, long lastValue, boolean isCalled) {
    }

    public long rows() {
        return tables.stream().mapToLong(Table::rows).sum();
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    void write(OutputStream out) throws IOException {
        JSON.writeValue(out, this);
    }

    static BackupManifest read(InputStream in) throws IOException {
        return JSON.readValue(in, BackupManifest.class);
    }
}
