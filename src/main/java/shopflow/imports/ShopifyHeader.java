package shopflow.imports;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The columns of a Shopify orders export, found by name in its header (case, spaces and
 * underscores do not matter). The export has some 70 columns; those read here are required, but
 * for the few an older or trimmed export may lack (line discounts, vendor, addresses, ids), which
 * are optional. Any other column is ignored and listed.
 */
final class ShopifyHeader {

    enum Column {
        NAME("Name", true),
        EMAIL("Email", true),
        FINANCIAL_STATUS("Financial Status", true),
        PAID_AT("Paid at", true),
        FULFILLMENT_STATUS("Fulfillment Status", true),
        FULFILLED_AT("Fulfilled at", true),
        CURRENCY("Currency", true),
        SUBTOTAL("Subtotal", true),
        SHIPPING("Shipping", true),
        TAXES("Taxes", true),
        TOTAL("Total", true),
        DISCOUNT_CODE("Discount Code", true),
        DISCOUNT_AMOUNT("Discount Amount", true),
        CREATED_AT("Created at", true),
        QUANTITY("Lineitem quantity", true),
        ITEM_NAME("Lineitem name", true),
        PRICE("Lineitem price", true),
        SKU("Lineitem sku", true),
        CANCELLED_AT("Cancelled at", true),
        REFUNDED_AMOUNT("Refunded Amount", true),
        ITEM_DISCOUNT("Lineitem discount", false),
        BILLING_CITY("Billing City", false),
        BILLING_ZIP("Billing Zip", false),
        BILLING_COUNTRY("Billing Country", false),
        SHIPPING_CITY("Shipping City", false),
        SHIPPING_ZIP("Shipping Zip", false),
        SHIPPING_COUNTRY("Shipping Country", false),
        VENDOR("Vendor", false),
        PRODUCT_TYPE("Product Type", false, "lineitemproducttype"),
        ID("Id", false),
        SOURCE("Source", false);

        final String title;
        final boolean required;
        private final List<String> names;

        Column(String title, boolean required, String... also) {
            this.title = title;
            this.required = required;
            List<String> n = new ArrayList<>(List.of(also));
            n.add(normalize(title));
            this.names = List.copyOf(n);
        }
    }

    private final int[] index;
    private final String[] titles;
    private final List<String> ignored;
    private final int size;

    private ShopifyHeader(int[] index, String[] titles, List<String> ignored) {
        this.index = index;
        this.titles = titles;
        this.ignored = ignored;
        int max = 0;
        for (Column c : Column.values()) {
            if (c.required) {
                max = Math.max(max, index[c.ordinal()] + 1);
            }
        }
        this.size = max;
    }

    /** The header's columns, or a refusal naming the missing and unexpected ones and the formats accepted. */
    static ShopifyHeader of(String file, List<String> header) {
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
            if (c.required && index[c.ordinal()] < 0) {
                missing.add(c.title);
            }
        }
        if (!missing.isEmpty()) {
            // A Shopify export has dozens of columns this import does not read: listing them all as
            // unexpected would hide the missing ones, so only a file that is no Shopify export at all
            // (most columns missing) gets them listed.
            boolean fewFound = missing.size() > Column.values().length / 2;
            throw new ImportException(file + ": the header is not that of a 'shopify' orders export: missing column"
                    + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + (unexpected.isEmpty() || !fewFound ? "" : "; unexpected column"
                            + (unexpected.size() > 1 ? "s " : " ")
                            + String.join(", ", unexpected.stream().map(u -> "'" + u + "'").toList()))
                    + ". The 'shopify' format needs " + expected()
                    + " (any case), as Shopify's Orders > Export > CSV writes them. Formats accepted: "
                    + String.join(", ", Arrays.stream(ImportFormat.values()).map(Enum::name).toList())
                    + " (--format). Nothing was imported.");
        }
        return new ShopifyHeader(index, titles, List.copyOf(unexpected));
    }

    static String expected() {
        return String.join(", ", Arrays.stream(Column.values()).filter(c -> c.required).map(c -> c.title).toList());
    }

    static String normalize(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace(" ", "").replace("_", "");
        return n.startsWith("\ufeff") ? n.substring(1) : n;
    }

    /** The field of {@code column} in a record, stripped; "" when the record is short or the column absent. */
    String field(List<String> record, Column column) {
        int i = index[column.ordinal()];
        return i >= 0 && i < record.size() ? record.get(i).strip() : "";
    }

    String title(Column column) {
        return titles[column.ordinal()];
    }

    /** Fields a record needs: up to the last required column. */
    int size() {
        return size;
    }

    List<String> ignored() {
        return ignored;
    }
}
