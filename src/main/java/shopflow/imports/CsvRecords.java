package shopflow.imports;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
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
 *
 * <p>Memory stays bounded whatever the file holds: a record is refused beyond {@value #MAX_FIELDS}
 * fields (a file without line breaks is one endless record) and a field beyond
 * {@value #MAX_FIELD_CHARS} characters (a quote never closed reads to the end of the file), so a
 * file of any size is read a record at a time.
 */
final class CsvRecords implements AutoCloseable {

    /** Shopify's export has about 80 columns, the lines format 8. */
    static final int MAX_FIELDS = 1_000;
    /** Far beyond any name or address; Jackson's own default is 20 million. */
    static final int MAX_FIELD_CHARS = 100_000;

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
        CsvMapper mapper = new CsvMapper(CsvFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_FIELD_CHARS).build())
                .build());
        this.parser = mapper.getFactory().createParser(reader);
        parser.setSchema(CsvSchema.emptySchema());
        parser.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
    }

    /** The next record's fields, or null at the end of the file. */
    List<String> next() {
        // the line a failure is near: the next one until this record's first field says where it starts
        long near = line + 1;
        try {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return null;
            }
            List<String> fields = new ArrayList<>(10);
            token = parser.nextToken();
            // the record's start is where its first field is (the array's start is reported on the line before)
            line = parser.currentTokenLocation().getLineNr();
            near = line;
            while (token != null && token != JsonToken.END_ARRAY) {
                if (fields.size() == MAX_FIELDS) {
                    throw new ImportException(String.format("%s line %d: more than %,d fields in one record: not a CSV"
                            + " file of orders (one without line breaks?). Nothing was imported.", file, line, MAX_FIELDS));
                }
                fields.add(parser.getText());
                token = parser.nextToken();
            }
            return fields;
        } catch (StreamConstraintsException e) {
            throw new ImportException(String.format("%s near line %d: a field longer than %,d characters: a quote"
                    + " (\") never closed, or not a CSV file of orders. Nothing was imported.", file, near,
                    MAX_FIELD_CHARS), e);
        } catch (CharacterCodingException e) {
            throw new ImportException(file + " near line " + near + ": bytes that are not " + encoding.name()
                    + " text. Give the file's encoding with --encoding (e.g. --encoding windows-1252 for a file"
                    + " saved by Excel on Windows). Nothing was imported.", e);
        } catch (IOException e) {
            throw new ImportException(file + " near line " + near + ": not readable as CSV: " + e.getMessage()
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
