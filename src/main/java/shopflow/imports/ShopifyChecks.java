package shopflow.imports;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import shopflow.imports.ShopifyHeader.Column;

/**
 * Checks one row of a Shopify orders export and makes it a row of the staging table
 * import_shopify_rows (shopify_staging.sql), or says why not. A row whose Name differs from the
 * row before begins an order and must carry the order's fields (Created at, statuses, amounts);
 * the order's further rows carry only their line item, as Shopify writes them. Bounds as for
 * the {@code lines} format ({@link LineChecks}).
 */
final class ShopifyChecks {

    static final Set<String> FINANCIAL = Set.of("pending", "authorized", "partially_paid", "paid",
            "partially_refunded", "refunded", "voided", "expired");
    static final Set<String> FULFILLMENT = Set.of("", "unfulfilled", "fulfilled", "partial", "restocked");
    /** An order's amounts must fit orders' numeric(10, 2). */
    static final BigDecimal MAX_AMOUNT = new BigDecimal("10000000");

    private final CsvHeader<Column> header;
    private final InvoiceDates dates;
    private final Instant now;
    private String previousName;

    ShopifyChecks(CsvHeader<Column> header, InvoiceDates dates, Instant now) {
        this.header = header;
        this.dates = dates;
        this.now = now;
    }

    /** The staging row (columns as shopify_staging.sql's COPY), or throws {@link LineChecks.Refused}. */
    Object[] check(long line, List<String> record) {
        if (record.size() < header.size()) {
            throw new LineChecks.Refused(new Rejection(line, "(line)", String.join(",", record),
                    "has " + record.size() + " field" + (record.size() == 1 ? "" : "s") + ", the header "
                            + header.size()));
        }
        String name = text(line, record, Column.NAME, 50, true);
        boolean first = !name.equals(previousName);
        previousName = name;
        // the line item, on every row
        int quantity = quantity(line, record);
        String itemName = text(line, record, Column.ITEM_NAME, 255, false);
        String sku = text(line, record, Column.SKU, 100, false);
        if (sku.isEmpty() && itemName.isEmpty()) {
            throw refused(line, Column.SKU, sku, "is empty, and so is " + header.title(Column.ITEM_NAME)
                    + ": the line item names no product");
        }
        BigDecimal price = money(line, record, Column.PRICE, true);
        BigDecimal itemDiscount = money(line, record, Column.ITEM_DISCOUNT, false);
        BigDecimal gross = price.multiply(BigDecimal.valueOf(quantity));
        if (gross.compareTo(LineChecks.MAX_LINE_VALUE) >= 0) {
            throw refused(line, Column.QUANTITY, header.field(record, Column.QUANTITY), "quantity x price is "
                    + gross.toPlainString() + ", beyond the 10,000,000 a line may be worth");
        }
        if (itemDiscount.compareTo(gross) > 0) {
            throw refused(line, Column.ITEM_DISCOUNT, header.field(record, Column.ITEM_DISCOUNT),
                    "more than the line's " + gross.toPlainString());
        }
        String vendor = text(line, record, Column.VENDOR, 100, false);
        String productType = text(line, record, Column.PRODUCT_TYPE, 100, false);
        if (!first) {
            return new Object[] {line, name, false, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, quantity, nullIfEmpty(itemName),
                nullIfEmpty(sku), price, itemDiscount, nullIfEmpty(vendor), nullIfEmpty(productType)};
        }
        // the order, on its first row
        Instant createdAt = moment(line, record, Column.CREATED_AT, true);
        String financial = status(line, record, Column.FINANCIAL_STATUS, FINANCIAL, true);
        String fulfillment = status(line, record, Column.FULFILLMENT_STATUS, FULFILLMENT, false);
        Instant paidAt = moment(line, record, Column.PAID_AT, false);
        Instant fulfilledAt = moment(line, record, Column.FULFILLED_AT, false);
        Instant cancelledAt = moment(line, record, Column.CANCELLED_AT, false);
        for (Column c : List.of(Column.PAID_AT, Column.FULFILLED_AT, Column.CANCELLED_AT)) {
            Instant at = moment(line, record, c, false);
            if (at != null && at.isBefore(createdAt)) {
                throw refused(line, c, header.field(record, c), "before the order's " + header.title(Column.CREATED_AT)
                        + " " + header.field(record, Column.CREATED_AT));
            }
        }
        String currency = header.field(record, Column.CURRENCY).toUpperCase(Locale.ROOT);
        if (!currency.isEmpty() && !currency.matches("[A-Z]{3}")) {
            throw refused(line, Column.CURRENCY, currency, "not an ISO 4217 code of three letters (GBP, EUR, USD)");
        }
        BigDecimal subtotal = money(line, record, Column.SUBTOTAL, true);
        BigDecimal shipping = money(line, record, Column.SHIPPING, false);
        BigDecimal taxes = money(line, record, Column.TAXES, false);
        BigDecimal total = money(line, record, Column.TOTAL, true);
        BigDecimal discount = money(line, record, Column.DISCOUNT_AMOUNT, false);
        BigDecimal refunded = money(line, record, Column.REFUNDED_AMOUNT, false);
        if (refunded.compareTo(total) > 0) {
            throw refused(line, Column.REFUNDED_AMOUNT, header.field(record, Column.REFUNDED_AMOUNT),
                    "more than the order's " + header.title(Column.TOTAL) + " " + total.toPlainString());
        }
        String email = text(line, record, Column.EMAIL, 255, false).toLowerCase(Locale.ROOT);
        if (!email.isEmpty() && !email.contains("@")) {
            throw refused(line, Column.EMAIL, email, "not an e-mail address (blank for a guest)");
        }
        String code = text(line, record, Column.DISCOUNT_CODE, 50, false);
        String country = CountryCodes.of(header.field(record, Column.BILLING_COUNTRY));
        boolean billing = country != null;
        if (!billing) {
            country = CountryCodes.of(header.field(record, Column.SHIPPING_COUNTRY));
        }
        Column city = billing ? Column.BILLING_CITY : Column.SHIPPING_CITY;
        Column zip = billing ? Column.BILLING_ZIP : Column.SHIPPING_ZIP;
        return new Object[] {line, name, true, nullIfEmpty(email), financial, paidAt, nullIfEmpty(fulfillment),
            fulfilledAt, nullIfEmpty(currency), subtotal, shipping, taxes, total, nullIfEmpty(code), discount,
            createdAt, cancelledAt, refunded, country, country == null ? null : cut(header.field(record, city), 100),
            country == null ? null : cut(header.field(record, zip), 20), cut(header.field(record, Column.SOURCE), 50),
            cut(header.field(record, Column.ID), 50), quantity, nullIfEmpty(itemName), nullIfEmpty(sku), price,
            itemDiscount, nullIfEmpty(vendor), nullIfEmpty(productType)};
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

    private String status(long line, List<String> record, Column column, Set<String> known, boolean required) {
        String value = header.field(record, column).toLowerCase(Locale.ROOT).replace(' ', '_');
        if (required && value.isEmpty()) {
            throw refused(line, column, value, "is empty on the order's first row");
        }
        if (!known.contains(value)) {
            throw refused(line, column, header.field(record, column), "not a status Shopify writes; accepted: "
                    + String.join(", ", known.stream().filter(s -> !s.isEmpty()).sorted().toList()));
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
        if (q <= 0) {
            throw refused(line, Column.QUANTITY, value, "a line item of no units");
        }
        if (q > LineChecks.MAX_QUANTITY) {
            throw refused(line, Column.QUANTITY, value, "beyond the " + String.format("%,d", LineChecks.MAX_QUANTITY)
                    + " units a line may hold");
        }
        return (int) q;
    }

    /** An amount of money, 0 or more; blank is 0 unless required. */
    private BigDecimal money(long line, List<String> record, Column column, boolean required) {
        String value = header.field(record, column);
        if (value.isEmpty()) {
            if (required) {
                throw refused(line, column, value, "is empty");
            }
            return BigDecimal.ZERO;
        }
        BigDecimal amount;
        try {
            amount = new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw refused(line, column, value, "not a number (a dot for decimals: 2.55)");
        }
        if (amount.signum() < 0) {
            throw refused(line, column, value, "negative");
        }
        if (amount.compareTo(MAX_AMOUNT) >= 0) {
            throw refused(line, column, value, "beyond the 10,000,000 an amount may be");
        }
        return amount;
    }

    private Instant moment(long line, List<String> record, Column column, boolean required) {
        String value = header.field(record, column);
        if (value.isEmpty()) {
            if (required) {
                throw refused(line, column, value, "is empty on the order's first row");
            }
            return null;
        }
        Instant at = dates.parse(value);
        if (at == null) {
            throw refused(line, column, value, "not a date; accepted: " + dates.accepted());
        }
        if (at.isAfter(now)) {
            throw refused(line, column, value, "in the future (after " + now + ")");
        }
        return at;
    }

    private static String nullIfEmpty(String s) {
        return s.isEmpty() ? null : s;
    }

    private static String cut(String s, int max) {
        return s.isEmpty() ? null : s.length() > max ? s.substring(0, max) : s;
    }

    private LineChecks.Refused refused(long line, Column column, String value, String reason) {
        return new LineChecks.Refused(new Rejection(line, header.title(column), value, reason));
    }
}
