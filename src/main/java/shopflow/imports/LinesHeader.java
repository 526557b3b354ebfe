package shopflow.imports;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The columns of a {@code lines} file, found by name in its header: case, spaces and underscores
 * do not matter, and the second edition's names (Invoice, Price, Customer ID) are accepted beside
 * the first's. Columns the format does not know are ignored (and listed), a missing one refuses the file.
 */
final class LinesHeader {

    enum Column {
        INVOICE("InvoiceNo", "invoiceno", "invoice"),
        STOCK_CODE("StockCode", "stockcode"),
        DESCRIPTION("Description", "description"),
        QUANTITY("Quantity", "quantity"),
        INVOICE_DATE("InvoiceDate", "invoicedate"),
        UNIT_PRICE("UnitPrice", "unitprice", "price"),
        CUSTOMER("CustomerID", "customerid"),
        COUNTRY("Country", "country");

        final String title;
        private final List<String> names;

        Column(String title, String... names) {
            this.title = title;
            this.names = List.of(names);
        }
    }

    private final int[] index = new int[Column.values().length];
    private final String[] titles;
    private final List<String> ignored;

    private LinesHeader(int[] index, String[] titles, List<String> ignored) {
        System.arraycopy(index, 0, this.index, 0, index.length);
        this.titles = titles;
        this.ignored = ignored;
    }

    /** The header's columns, or a refusal naming the missing and unexpected ones and the formats accepted. */
    static LinesHeader of(String file, List<String> header) {
        int[] index = new int[Column.values().length];
        Arrays.fill(index, -1);
        List<String> unexpected = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String name = normalize(header.get(i));
            Column found = null;
            for (Column c : Column.values()) {
                if (c.names.contains(name)) {
                    found = c;
                }
            }
            if (found == null || index[found.ordinal()] >= 0) {
                unexpected.add(header.get(i));
            } else {
                index[found.ordinal()] = i;
            }
        }
        List<String> missing = new ArrayList<>();
        String[] titles = new String[index.length];
        for (Column c : Column.values()) {
            titles[c.ordinal()] = index[c.ordinal()] >= 0 ? header.get(index[c.ordinal()]) : c.title;
            if (index[c.ordinal()] < 0) {
                missing.add(c.title);
            }
        }
        if (!missing.isEmpty()) {
            throw new ImportException(file + ": the header is not that of a 'lines' file: missing column"
                    + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + (unexpected.isEmpty() ? "" : "; unexpected column" + (unexpected.size() > 1 ? "s " : " ")
                            + String.join(", ", unexpected.stream().map(u -> "'" + u + "'").toList()))
                    + ". The 'lines' format needs " + expected()
                    + " (any case; Invoice, Price and Customer ID also accepted). Formats accepted: "
                    + String.join(", ", Arrays.stream(ImportFormat.values()).map(Enum::name).toList())
                    + " (--format). Nothing was imported.");
        }
        return new LinesHeader(index, titles, List.copyOf(unexpected));
    }

    static String expected() {
        return String.join(", ", Arrays.stream(Column.values()).map(c -> c.title).toList());
    }

    private static String normalize(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace(" ", "").replace("_", "");
        return n.startsWith("\ufeff") ? n.substring(1) : n;
    }

    /** The field of {@code column} in a record, stripped; "" when the record is short. */
    String field(List<String> record, Column column) {
        int i = index[column.ordinal()];
        return i < record.size() ? record.get(i).strip() : "";
    }

    /** The column's name as the file spells it. */
    String title(Column column) {
        return titles[column.ordinal()];
    }

    int size() {
        int max = 0;
        for (int i : index) {
            max = Math.max(max, i + 1);
        }
        return max;
    }

    /** Columns of the file the format does not read. */
    List<String> ignored() {
        return ignored;
    }
}
