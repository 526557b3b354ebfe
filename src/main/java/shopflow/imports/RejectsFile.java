package shopflow.imports;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The --skip-bad file: one row per refused line, its line number, column, value and reason, then
 * the line's own fields under the file's header, for review.
 */
final class RejectsFile implements AutoCloseable {

    private final Path path;
    private final SequenceWriter writer;

    RejectsFile(Path path) {
        this.path = path;
        try {
            this.writer = new CsvMapper().writer(CsvSchema.emptySchema())
                    .writeValues(Files.newBufferedWriter(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ImportException("--skip-bad " + path + ": cannot be written (" + e.getMessage()
                    + "). Nothing was imported.");
        }
    }

    void header(List<String> fileHeader) throws IOException {
        List<String> row = new ArrayList<>(List.of("line", "column", "value", "reason"));
        row.addAll(fileHeader);
        writer.write(row.toArray(String[]::new));
    }

    void write(Rejection rejection, List<String> record) throws IOException {
        List<String> row = new ArrayList<>(List.of(Long.toString(rejection.line()), rejection.column(),
                rejection.value(), rejection.reason()));
        row.addAll(record);
        writer.write(row.toArray(String[]::new));
    }

    Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
