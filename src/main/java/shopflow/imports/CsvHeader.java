package shopflow.imports;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A file's header matched to a format's columns by name: case, spaces, underscores and a leading
 * byte-order mark do not matter. A column named twice, or one the format does not know, is
 * ignored (and listed); the format decides what a missing column means ({@link #missing()}).
 */
final class CsvHeader<C extends Enum<C> & CsvHeader.Column> {

    /** A column a format reads: the enums of {@link LinesHeader} and {@link ShopifyHeader}. */
    interface Column {
        /** The name as the format's own files spell it. */
        String title();

        /** Whether a file without it is refused. */
        boolean required();

        /** Whether a header name, {@link #normalize normalized}, names this column. */
        boolean namedBy(String normalized);
    }

    private final C[] columns;
    private final int[] index;
    private final String[] titles;
    private final List<String> ignored;

    private CsvHeader(C[] columns, int[] index, String[] titles, List<String> ignored) {
        this.columns = columns;
        this.index = index;
        this.titles = titles;
        this.ignored = ignored;
    }

    static <C extends Enum<C> & Column> CsvHeader<C> match(List<String> header, Class<C> format) {
        C[] columns = format.getEnumConstants();
        int[] index = new int[columns.length];
        Arrays.fill(index, -1);
        List<String> ignored = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String name = normalize(header.get(i));
            C found = Arrays.stream(columns).filter(c -> c.namedBy(name)).findFirst().orElse(null);
            if (found == null || index[found.ordinal()] >= 0) {
                ignored.add(header.get(i));
            } else {
                index[found.ordinal()] = i;
            }
        }
        String[] titles = new String[columns.length];
        for (C c : columns) {
            titles[c.ordinal()] = index[c.ordinal()] >= 0 ? header.get(index[c.ordinal()]) : c.title();
        }
        return new CsvHeader<>(columns, index, titles, List.copyOf(ignored));
    }

    static String normalize(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace(" ", "").replace("_", "");
        return n.startsWith("\ufeff") ? n.substring(1) : n;
    }

    /** The required columns the header does not name, by their titles. */
    List<String> missing() {
        return Arrays.stream(columns).filter(c -> c.required() && index[c.ordinal()] < 0).map(Column::title).toList();
    }

    /** The field of {@code column} in a record, stripped; "" when the record is short or the column absent. */
    String field(List<String> record, C column) {
        int i = index[column.ordinal()];
        return i >= 0 && i < record.size() ? record.get(i).strip() : "";
    }

    /** The column's name as the file spells it (its title when the file lacks it). */
    String title(C column) {
        return titles[column.ordinal()];
    }

    /** Fields a record needs: up to the last required column. */
    int size() {
        int size = 0;
        for (C c : columns) {
            if (c.required()) {
                size = Math.max(size, index[c.ordinal()] + 1);
            }
        }
        return size;
    }

    /** Columns of the file the format does not read. */
    List<String> ignored() {
        return ignored;
    }

    /** "column 'A'" or "columns 'A', 'B'", for a refusal. */
    static String listed(String what, List<String> names, boolean quoted) {
        return what + (names.size() > 1 ? "s " : " ")
                + String.join(", ", quoted ? names.stream().map(n -> "'" + n + "'").toList() : names);
    }

    /** The formats {@code --format} takes, for a refusal. */
    static String formats() {
        return String.join(", ", Arrays.stream(ImportFormat.values()).map(Enum::name).toList());
    }
}
