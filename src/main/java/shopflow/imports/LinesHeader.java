package shopflow.imports;

import java.util.Arrays;
import java.util.List;

/**
 * The columns of a {@code lines} file, found by name in its header ({@link CsvHeader}): the second
 * edition's names (Invoice, Price, Customer ID) are accepted beside the first's. Every column is
 * required; others are ignored (and listed).
 */
final class LinesHeader {

    enum Column implements CsvHeader.Column {
        INVOICE("InvoiceNo", "invoiceno", "invoice"),
        STOCK_CODE("StockCode", "stockcode"),
        DESCRIPTION("Description", "description"),
        QUANTITY("Quantity", "quantity"),
        INVOICE_DATE("InvoiceDate", "invoicedate"),
        UNIT_PRICE("UnitPrice", "unitprice", "price"),
        CUSTOMER("CustomerID", "customerid"),
        COUNTRY("Country", "country");

        private final String title;
        private final List<String> names;

        Column(String title, String... names) {
            this.title = title;
            this.names = List.of(names);
        }

        @Override
        public String title() {
            return title;
        }

        @Override
        public boolean required() {
            return true;
        }

        @Override
        public boolean namedBy(String normalized) {
            return names.contains(normalized);
        }
    }

    private LinesHeader() {
    }

    /** The header's columns, or a refusal naming the missing and unexpected ones and the formats accepted. */
    static CsvHeader<Column> of(String file, List<String> header) {
        CsvHeader<Column> matched = CsvHeader.match(header, Column.class);
        List<String> missing = matched.missing();
        if (!missing.isEmpty()) {
            List<String> unexpected = matched.ignored();
            throw new ImportException(file + ": the header is not that of a 'lines' file: "
                    + CsvHeader.listed("missing column", missing, false)
                    + (unexpected.isEmpty() ? "" : "; " + CsvHeader.listed("unexpected column", unexpected, true))
                    + ". The 'lines' format needs " + expected()
                    + " (any case; Invoice, Price and Customer ID also accepted). Formats accepted: "
                    + CsvHeader.formats() + " (--format). Nothing was imported.");
        }
        return matched;
    }

    static String expected() {
        return String.join(", ", Arrays.stream(Column.values()).map(Column::title).toList());
    }
}
