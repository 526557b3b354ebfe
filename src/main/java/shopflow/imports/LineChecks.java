package shopflow.imports;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import shopflow.imports.LinesHeader.Column;

/**
 * Checks one record of a {@code lines} file and makes it a {@link StagedLine}, or says why not.
 * The bounds keep every figure inside the schema's columns, and catch a unit typed into the
 * quantity (10^9) before it reaches a report.
 */
final class LineChecks {

    static final int MAX_QUANTITY = 1_000_000;
    static final BigDecimal MAX_PRICE = new BigDecimal("1000000");
    /** A line's value must fit order_items.line_total, numeric(10, 2). */
    static final BigDecimal MAX_LINE_VALUE = new BigDecimal("10000000");

    private final CsvHeader<Column> header;
    private final InvoiceDates dates;
    private final Instant now;

    LineChecks(CsvHeader<Column> header, InvoiceDates dates, Instant now) {
        this.header = header;
        this.dates = dates;
        this.now = now;
    }

    /** The staged line, or throws {@link Refused} naming the column, the value and why. */
    StagedLine check(long line, List<String> record) {
        if (record.size() < header.size()) {
            throw new Refused(new Rejection(line, "(line)", String.join(",", record),
                    "has " + record.size() + " field" + (record.size() == 1 ? "" : "s") + ", the header "
                            + header.size()));
        }
        String invoice = text(line, record, Column.INVOICE, 50, true);
        String stockCode = text(line, record, Column.STOCK_CODE, 100, true);
        String description = header.field(record, Column.DESCRIPTION);
        if (description.length() > 255) {
            description = description.substring(0, 255);
        }
        int quantity = quantity(line, record);
        Instant at = moment(line, record);
        BigDecimal price = price(line, record);
        if (price.multiply(BigDecimal.valueOf(quantity)).abs().compareTo(MAX_LINE_VALUE) >= 0) {
            throw refused(line, Column.QUANTITY, header.field(record, Column.QUANTITY),
                    "quantity x price is " + price.multiply(BigDecimal.valueOf(quantity)).toPlainString()
                            + ", beyond the 10,000,000 a line may be worth");
        }
        String customer = customer(line, record);
        String country = CountryCodes.of(header.field(record, Column.COUNTRY));
        return new StagedLine(line, invoice, stockCode, description, quantity, at, price, customer, country);
    }

    private String text(long line, List<String> record, Column column, int max, boolean required) {
        String value = header.field(record, column);
        if (required && value.isEmpty()) {
            throw refused(line, column, value, "is empty");
        }
        if (value.length() > max) {
            throw refused(line, column, value, "is longer than " + max + " characters");
        }
        return value;
    }

    private int quantity(long line, List<String> record) {
        String value = header.field(record, Column.QUANTITY);
        long q;
        try {
            q = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw refused(line, Column.QUANTITY, value, "not a whole number");
        }
        if (q == 0) {
            throw refused(line, Column.QUANTITY, value, "a line of no units");
        }
        if (Math.abs(q) > MAX_QUANTITY) {
            throw refused(line, Column.QUANTITY, value, "beyond the " + String.format("%,d", MAX_QUANTITY)
                    + " units a line may hold either way");
        }
        return (int) q;
    }

    private Instant moment(long line, List<String> record) {
        String value = header.field(record, Column.INVOICE_DATE);
        Instant at = dates.parse(value);
        if (at == null) {
            throw refused(line, Column.INVOICE_DATE, value, "not a date; accepted: " + dates.accepted());
        }
        if (at.isAfter(now)) {
            throw refused(line, Column.INVOICE_DATE, value, "in the future (after " + now + ")");
        }
        return at;
    }

    private BigDecimal price(long line, List<String> record) {
        String value = header.field(record, Column.UNIT_PRICE);
        BigDecimal price;
        try {
            price = new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw refused(line, Column.UNIT_PRICE, value, "not a number (a dot for decimals: 2.55)");
        }
        if (price.abs().compareTo(MAX_PRICE) >= 0) {
            throw refused(line, Column.UNIT_PRICE, value, "beyond the 1,000,000 a unit may cost either way");
        }
        return price;
    }

    /** Blank: a guest. Ids written as decimals by a spreadsheet (17850.0) are read as the whole number. */
    private String customer(long line, List<String> record) {
        String value = text(line, record, Column.CUSTOMER, 100, false);
        if (value.endsWith(".0") && value.length() > 2 && value.chars().limit(value.length() - 2L)
                .allMatch(Character::isDigit)) {
            return value.substring(0, value.length() - 2);
        }
        return value.isEmpty() ? null : value;
    }

    private Refused refused(long line, Column column, String value, String reason) {
        return new Refused(new Rejection(line, header.title(column), value, reason));
    }

    /** A line refused; carries its {@link Rejection}. Cheap: no stack trace. */
    static final class Refused extends RuntimeException {
        final Rejection rejection;

        Refused(Rejection rejection) {
            super(rejection.describe(), null, false, false);
            this.rejection = rejection;
        }
    }
}
