package shopflow.imports;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of a CSV file, one at a time, each with the line it starts on (a quoted field may
 * span lines), through Jackson's streaming CSV parser. Bytes the encoding cannot decode stop the
 * reading with the line they are on, rather than turning into replacement characters.
 */
final class CsvRecords implements AutoCloseable {

    private final String file;
    private final Charset encoding;
    private final CsvParser parser;
    private long line;

    CsvRecords(String file, InputStream in, Charset encoding) throws IOException {
        this.file = file;
        this.encoding = encoding;
        Reader reader = new InputStreamReader(in, encoding.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
        CsvMapper mapper = new CsvMapper();
        this.parser = mapper.getFactory().createParser(reader);
        parser.setSchema(CsvSchema.emptySchema());
        parser.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
    }

    /** The next record's fields, or null at the end of the file. */
    List<String> next() {
        try {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return null;
            }
            List<String> fields = new ArrayList<>(10);
            token = parser.nextToken();
            // the record's start is where its first field is (the array's start is reported on the line before)
            line = parser.currentTokenLocation().getLineNr();
            while (token != null && token != JsonToken.END_ARRAY) {
                fields.add(parser.getText());
                token = parser.nextToken();
            }
            return fields;
        } catch (CharacterCodingException e) {
            throw new ImportException(file + " near line " + (line + 1) + ": bytes that are not " + encoding.name()
                    + " text. Give the file's encoding with --encoding (e.g. --encoding windows-1252 for a file"
                    + " saved by Excel on Windows). Nothing was imported.", e);
        } catch (IOException e) {
            throw new ImportException(file + " near line " + (line + 1) + ": not readable as CSV: " + e.getMessage()
                    + ". Nothing was imported.", e);
        }
    }

    /** The line the last record started on (the first line is 1). */
    long line() {
        return line;
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException ignored) {
            // reading is over
        }
    }
}
